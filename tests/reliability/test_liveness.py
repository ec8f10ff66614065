"""Liveness (/healthz) fails while requests are stuck behind the in-flight limit, and
recovers once they move: the app in-process, with a route that blocks until released."""

from __future__ import annotations

import asyncio

import httpx

STALL = 0.4


def _in_flight_limit() -> int:
    from infra.settings import get_settings

    settings = get_settings()
    return settings.db_pool_size


def _with_blocking_route(app):
    release = asyncio.Event()

    @app.get("/block")
    async def block() -> dict[str, str]:
        await release.wait()
        return {"status": "done"}

    return release


def test_healthz_is_503_while_the_limit_is_stuck_and_200_once_requests_finish(make_app):
    app = make_app(LIVENESS_STALL_SECONDS=STALL)
    limit = _in_flight_limit()
    release = _with_blocking_route(app)

    async def go() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as c:
            # The limit in flight and two more waiting, none finishing.
            blocked = [asyncio.create_task(c.get("/block")) for _ in range(limit + 2)]
            await asyncio.sleep(0.1)
            assert (await c.get("/healthz")).status_code == 200  # waiting, not yet stuck
            await asyncio.sleep(STALL)
            stuck = await asyncio.wait_for(c.get("/healthz"), 1)
            assert stuck.status_code == 503, stuck.text
            assert stuck.headers["content-type"] == "application/problem+json"
            assert stuck.json()["type"] == "urn:quad:problem:stalled"

            release.set()
            assert [r.status_code for r in await asyncio.gather(*blocked)] == [200] * (limit + 2)
            assert (await c.get("/healthz")).json() == {"status": "ok"}

    asyncio.run(asyncio.wait_for(go(), 5))


def test_a_busy_limit_that_keeps_finishing_requests_is_alive(make_app):
    app = make_app(LIVENESS_STALL_SECONDS=STALL)
    limit = _in_flight_limit()

    @app.get("/work")
    async def work() -> dict[str, str]:
        await asyncio.sleep(STALL / 4)
        return {"status": "done"}

    async def go() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as c:
            # A queue that lasts twice the stall, always progressing.
            queue = [asyncio.create_task(c.get("/work")) for _ in range(limit * 8)]
            for _ in range(3):
                await asyncio.sleep(STALL / 2)
                assert any(not task.done() for task in queue)
                assert (await c.get("/healthz")).status_code == 200
            assert [r.status_code for r in await asyncio.gather(*queue)] == [200] * (limit * 8)

    asyncio.run(asyncio.wait_for(go(), 5))
