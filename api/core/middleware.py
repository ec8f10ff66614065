"""The API's middleware, as plain ASGI (cheaper than BaseHTTPMiddleware), outermost first:

- RequestContextMiddleware sets the trace id for log lines, and turns any unhandled
  exception into a 500 problem+json, logged once with its trace id and stack, never shown
  to the client.
- RequestBodyMiddleware reads a request's whole body before the request goes further:
  bodies over a size limit get 413 before they are read (a 300 MB login body once took a
  worker to a gigabyte), bodies slower than a deadline get 408 (bodies trickled a byte at
  a time once held every in-flight slot below, so every read waited).
- ConcurrencyLimitMiddleware bounds the requests in flight, which therefore only ever
  wait for the database, never for a client; and it tells liveness when that limit is
  stuck, so the platform restarts the instance.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.errors import PROBLEM_JSON, TYPE_PREFIX, InvalidInput, Overloaded, problem_response
from infra.logging import trace_id_from_headers, trace_id_var

log = logging.getLogger("api.errors")


def _problem(
    status: int, slug: str, title: str, detail: str, close: bool = False
) -> tuple[Message, Message]:
    """The two ASGI messages of a problem+json answer; `close` when the rest of the request
    body is left unread (the connection cannot carry another request)."""
    body = json.dumps(
        {"type": TYPE_PREFIX + slug, "title": title, "status": status, "detail": detail}
    ).encode()
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    start: Message = {"type": "http.response.start", "status": status, "headers": headers}
    return start, {"type": "http.response.body", "body": body}


async def _send(send: Send, messages: tuple[Message, Message]) -> None:
    for message in messages:
        await send(message)


_INTERNAL = _problem(
    500,
    "internal-error",
    "Internal server error",
    "Something went wrong on our side. It has been logged.",
)
# The same answers as the Problem classes give, made once as bytes (no handler runs here).
_OVERLOADED = _problem(
    Overloaded.status, Overloaded.slug, Overloaded.title, str(Overloaded(retry_after=1))
)
_OVERLOADED[0]["headers"].append((b"retry-after", b"1"))
_NUL_IN_URL = _problem(
    InvalidInput.status,
    InvalidInput.slug,
    InvalidInput.title,
    "The URL must not contain the NUL character (%00).",
)


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        traceparent = cloud_trace = None
        for name, value in scope["headers"]:
            if name == b"traceparent":
                traceparent = value.decode("latin-1")
            elif name == b"x-cloud-trace-context":
                cloud_trace = value.decode("latin-1")
        if "\x00" in scope["path"] or b"%00" in scope["query_string"]:
            # PostgreSQL text cannot hold U+0000: no path or query value may carry one.
            await _send(send, _NUL_IN_URL)
            return
        token = trace_id_var.set(trace_id_from_headers(traceparent, cloud_trace))
        started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            log.exception(
                "unhandled error",
                extra={"fields": {"http_method": scope["method"], "path": scope["path"]}},
            )
            if not started:
                await _send(send, _INTERNAL)
        finally:
            trace_id_var.reset(token)


class RequestBodyMiddleware:
    """Reads each request's body whole, within `timeout` seconds and `max_bytes`, then
    hands it to the app in one message.

    Put it outside ConcurrencyLimitMiddleware: a request then takes an in-flight slot only
    once its body is here, so a client sending slowly holds a connection, never a slot. A
    declared Content-Length over the limit is refused before anything is read; a chunked
    body is counted as it arrives and refused as soon as it passes the limit. The deadline
    runs from the request's headers to its last byte (a per-read timeout would let a
    client trickle one byte just in time, forever).

    `route_limits` maps path prefixes to their own limit (the local bucket's uploads), the
    first matching prefix wins. Requests without a body (no Content-Length, or 0, and no
    Transfer-Encoding: GETs) go straight through.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        timeout: float,
        route_limits: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.route_limits = tuple((route_limits or {}).items())
        self._timed_out = _problem(
            408,
            "request-timeout",
            "Request body too slow",
            f"The request body must arrive within {timeout:g} seconds.",
            close=True,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared: bytes | None = None
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name == b"transfer-encoding":
                chunked = True
        if not chunked and (declared is None or declared == b"0"):
            await self.app(scope, receive, send)
            return

        limit = self.max_bytes
        path = scope["path"]
        for prefix, route_limit in self.route_limits:
            if path.startswith(prefix):
                limit = route_limit
                break
        if not chunked and declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.timeout):
                while size <= limit:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return  # nobody to answer
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            await _send(send, self._timed_out)
            return
        if size > limit:  # the rest is not read
            await self._too_large(send, limit)
            return

        replay: Message | None = {
            "type": "http.request",
            "body": chunks[0] if len(chunks) == 1 else b"".join(chunks),
            "more_body": False,
        }

        async def receive_body() -> Message:
            nonlocal replay
            if replay is None:  # after the body: the server's disconnect notice
                return await receive()
            message, replay = replay, None
            return message

        await self.app(scope, receive_body, send)

    @staticmethod
    async def _too_large(send: Send, limit: int) -> None:
        await _send(
            send,
            _problem(
                413,
                "payload-too-large",
                "Request body too large",
                f"The request body may have at most {limit} bytes.",
                close=True,
            ),
        )


class InFlightLimit:
    """At most `limit` requests in flight per process, and whether that limit is stuck.

    Stuck means: requests are waiting for a slot, and no request has left one for
    `stall_seconds` since they began waiting. Requests in flight only wait for the
    database, which answers or times out well within that, so a limit stuck that long is a
    worker that will not recover alone (liveness then fails and the instance restarts).
    """

    def __init__(self, limit: int, stall_seconds: float, max_waiting: int | None = None) -> None:
        self.limit = limit
        self.stall_seconds = stall_seconds
        # With a bound, a request that finds that many already waiting is refused at once
        # (503 overloaded): for requests whose work anyone can ask for (password hashes).
        self.max_waiting = max_waiting
        self.waiting = 0
        # Last progress of the queue: when it formed, or when a request left a slot since.
        self.progressed_at = time.monotonic()
        self._semaphore: asyncio.Semaphore | None = None

    def semaphore(self) -> asyncio.Semaphore:
        if self._semaphore is None:  # created lazily, inside the server's event loop
            self._semaphore = asyncio.Semaphore(self.limit)
        return self._semaphore

    def stalled(self) -> bool:
        return self.waiting > 0 and time.monotonic() - self.progressed_at > self.stall_seconds


class ConcurrencyLimitMiddleware:
    """Requests beyond the InFlightLimit wait in the event loop.

    A sync endpoint holds its pooled connection across several threadpool hops (viewer
    check, endpoint, the session's commit). With more requests in flight than connections,
    requests waiting for a connection can take every thread, so the holders can never
    finish and everything stalls until the pool times out. Keeping in-flight requests at
    the pool's size prevents that. Liveness is exempt: a busy instance is still alive, and
    liveness reports a stuck limit itself.

    Time is read only when requests wait: a request that finds a free slot costs no more
    than the semaphore.
    """

    def __init__(
        self,
        app: ASGIApp,
        limiter: InFlightLimit,
        exempt: tuple[str, ...] = ("/healthz",),
        lanes: Mapping[str, InFlightLimit] | None = None,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.exempt = exempt
        # Paths with a limit of their own (by exact path): requests that mostly wait for
        # something else than the database (a password hash) must not take the slots the
        # other requests need.
        self.lanes = dict(lanes or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        limiter = self.lanes.get(scope["path"], self.limiter) if self.lanes else self.limiter
        semaphore = limiter.semaphore()
        if semaphore.locked():
            if limiter.max_waiting is not None and limiter.waiting >= limiter.max_waiting:
                await _send(send, _OVERLOADED)
                return
            if not limiter.waiting:
                limiter.progressed_at = time.monotonic()
            limiter.waiting += 1
            try:
                await semaphore.acquire()
            finally:
                limiter.waiting -= 1
        else:
            await semaphore.acquire()  # free: returns at once
        try:
            await self.app(scope, receive, send)
        finally:
            semaphore.release()
            if limiter.waiting:
                limiter.progressed_at = time.monotonic()


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight (an origin, method or header not allowed)
    answered in problem+json like every other error instead of plain text."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        problem = problem_response(
            400,
            "cors-rejected",
            "Cross-origin request not allowed",
            bytes(response.body).decode(),  # "Disallowed CORS origin, method, headers"
        )
        for name, value in response.headers.items():
            if name not in ("content-type", "content-length"):
                problem.headers[name] = value
        return problem
