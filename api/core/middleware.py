"""Request context as plain ASGI middleware (cheaper than BaseHTTPMiddleware).

Sets the trace id for log lines, and turns any unhandled exception into a 500
problem+json, logged once with its trace id and stack, never shown to the client.
"""

from __future__ import annotations

import asyncio
import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.errors import PROBLEM_JSON, TYPE_PREFIX
from infra.logging import trace_id_from_headers, trace_id_var

log = logging.getLogger("api.errors")

_INTERNAL = json.dumps(
    {
        "type": TYPE_PREFIX + "internal-error",
        "title": "Internal server error",
        "status": 500,
        "detail": "Something went wrong on our side. It has been logged.",
    }
).encode()


_NUL_IN_URL = json.dumps(
    {
        "type": TYPE_PREFIX + "bad-request",
        "title": "Bad request",
        "status": 400,
        "detail": "The URL must not contain the NUL character (%00).",
    }
).encode()


async def _send_bytes(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


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
            await _send_bytes(send, 400, _NUL_IN_URL)
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
                await _send_bytes(send, 500, _INTERNAL)
        finally:
            trace_id_var.reset(token)


class ConcurrencyLimitMiddleware:
    """At most `limit` requests in flight per process; the others wait in the event loop.

    A sync endpoint holds its pooled connection across several threadpool hops (viewer
    check, endpoint, the session's commit). With more requests in flight than connections,
    requests waiting for a connection can take every thread, so the holders can never
    finish and everything stalls until the pool times out. Keeping in-flight requests at
    the pool's size prevents that. Liveness is exempt: a busy instance is still alive.
    """

    def __init__(self, app: ASGIApp, limit: int, exempt: tuple[str, ...] = ("/healthz",)) -> None:
        self.app = app
        self.limit = limit
        self.exempt = exempt
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:  # created lazily, inside the server's event loop
            self._semaphore = asyncio.Semaphore(self.limit)
        async with self._semaphore:
            await self.app(scope, receive, send)
