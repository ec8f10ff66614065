"""Request bodies are bounded in size and in time, and only a body that has arrived takes
an in-flight slot: the app in-process, and the middleware around a tiny app."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest

LOGIN = "/v1/auth/login"


def call(app, method: str, path: str, **kwargs) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as c:
            return await c.request(method, path, **kwargs)

    return asyncio.run(asyncio.wait_for(go(), 5))


def assert_problem(r: httpx.Response, status: int, slug: str) -> dict:
    assert r.status_code == status, r.text[:300]
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["connection"] == "close"
    body = r.json()
    assert body["type"] == f"urn:quad:problem:{slug}" and body["status"] == status
    return body


class Trickle:
    """A request body that sends `first` and then waits (a client gone quiet), counting
    how much of it the server pulled."""

    def __init__(self, first: bytes = b'{"email"', wait: float = 30.0) -> None:
        self.first, self.wait, self.pulled = first, wait, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.pulled += 1
        yield self.first
        self.pulled += 1
        await asyncio.sleep(self.wait)
        yield b"}"


def test_a_declared_length_over_the_limit_is_refused_before_any_byte_is_read(make_app):
    body = Trickle()
    started = time.monotonic()
    r = call(
        make_app(),
        "POST",
        LOGIN,
        content=body,
        headers={"content-type": "application/json", "content-length": str(300_000_000)},
    )
    assert_problem(r, 413, "payload-too-large")
    assert time.monotonic() - started < 2
    assert body.pulled == 0


def test_a_chunked_body_is_cut_off_at_the_limit(make_app):
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(100):
            sent += 1
            yield b" " * 4096

    r = call(make_app(MAX_BODY_BYTES=10_000), "POST", LOGIN, content=chunks())
    assert_problem(r, 413, "payload-too-large")
    assert "10000 bytes" in r.json()["detail"]
    assert sent == 3  # 12 KiB read of 400 KiB: reading stopped at the limit


def test_a_body_over_the_limit_by_one_byte_is_refused_and_at_the_limit_is_read(make_app):
    app = make_app(MAX_BODY_BYTES=100)
    head, tail = b'{"email": "a@b.co", "password": "', b'"}'
    at_limit = head + b"p" * (100 - len(head) - len(tail)) + tail
    over = head + b"p" * (101 - len(head) - len(tail)) + tail
    json_type = {"content-type": "application/json"}
    assert_problem(
        call(app, "POST", LOGIN, content=over, headers=json_type), 413, "payload-too-large"
    )
    r = call(app, "POST", LOGIN, content=at_limit, headers=json_type)
    assert r.status_code == 401  # read and answered by the endpoint: no such account


def test_a_body_that_does_not_arrive_in_time_gets_408(make_app):
    started = time.monotonic()
    r = call(
        make_app(REQUEST_BODY_TIMEOUT_SECONDS=0.3),
        "POST",
        LOGIN,
        content=Trickle(),
        headers={"content-type": "application/json", "content-length": "60"},
    )
    body = assert_problem(r, 408, "request-timeout")
    assert "0.3 seconds" in body["detail"]
    assert time.monotonic() - started < 2


def test_the_longest_post_in_the_most_verbose_json_is_under_the_default_limit(client, campus):
    # 20,000 characters outside the BMP, \u-escaped (json.dumps' default): the largest
    # body a valid post can have, whatever the client's JSON encoder.
    post = {"title": "😀" * 200, "body": "😀" * 20_000}
    raw = json.dumps(post).encode()
    assert len(raw) > 240_000
    r = client.post(
        f"/v1/boards/{campus.board}/posts",
        content=raw,
        headers={**campus.alice.headers, "content-type": "application/json"},
    )
    assert r.status_code == 201, r.text[:300]
    assert r.json()["body"] == post["body"]


# --- the middleware around a tiny app -------------------------------------------------


def _echo_app(served: list[str]):
    async def app(scope, receive, send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        served.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    return app


def test_a_slow_body_holds_no_in_flight_slot_and_bodies_reach_the_app_whole():
    from api.core.middleware import (
        ConcurrencyLimitMiddleware,
        InFlightLimit,
        RequestBodyMiddleware,
    )

    served: list[str] = []
    limiter = InFlightLimit(1, stall_seconds=30)
    app = RequestBodyMiddleware(
        ConcurrencyLimitMiddleware(_echo_app(served), limiter), max_bytes=1000, timeout=1.0
    )

    async def go() -> tuple[httpx.Response, httpx.Response, httpx.Response, float]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as c:
            slow = asyncio.create_task(c.post("/slow", content=Trickle(wait=5)))
            await asyncio.sleep(0.1)  # the slow body is in, waiting for its second byte
            started = time.monotonic()
            read = await asyncio.wait_for(c.get("/read"), 0.5)  # the one slot is free
            read_took = time.monotonic() - started

            async def parts() -> AsyncIterator[bytes]:
                for part in (b"one ", b"two ", b"three"):
                    yield part

            whole = await c.post("/chunked", content=parts())
            return read, whole, await slow, read_took

    read, whole, slow, read_took = asyncio.run(go())
    assert read.status_code == 200 and read_took < 0.5
    assert whole.status_code == 200 and whole.content == b"one two three"
    assert_problem(slow, 408, "request-timeout")
    assert served == ["/read", "/chunked"]  # the slow request never reached the app
    assert limiter.waiting == 0 and not limiter.stalled()


@pytest.mark.usefixtures("fresh_adapters")
def test_the_local_bucket_still_takes_the_largest_upload_through_the_api(client, campus):
    from api.uploads.rules import MAX_UPLOAD_BYTES
    from tests.functions.images import jpeg_with_gps

    image = jpeg_with_gps()
    data = image + b"\0" * (MAX_UPLOAD_BYTES - len(image))
    r = client.post(
        "/v1/uploads",
        json={"content_type": "image/jpeg", "size": len(data), "file_name": "big.jpg"},
        headers=campus.alice.headers,
    )
    upload = r.json()["upload"]
    put = client.put(upload["url"], content=data, headers=upload["headers"])
    assert put.status_code == 200, put.text[:300]
    status = client.get(f"/v1/uploads/{r.json()['id']}", headers=campus.alice.headers).json()
    assert status["status"] == "ready", status
