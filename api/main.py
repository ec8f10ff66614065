"""The Quad API: the FastAPI application Cloud Run serves (`uvicorn api.main:app`)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from api import API_PREFIX
from api.auth.router import router as auth_router
from api.boards.router import router as boards_router
from api.comments.router import router as comments_router
from api.core.errors import install_error_handlers, problem_response
from api.core.middleware import (
    ConcurrencyLimitMiddleware,
    InFlightLimit,
    ProblemCORSMiddleware,
    RequestBodyMiddleware,
    RequestContextMiddleware,
)
from api.courses.router import router as courses_router
from api.events_wiring import wire_local_bus
from api.moderation.router import router as moderation_router
from api.notifications.router import router as notifications_router
from api.openapi import install_openapi
from api.posts.router import router as posts_router
from api.reactions.router import router as reactions_router
from api.reports.router import router as reports_router
from api.schools.router import router as schools_router
from api.social.router import router as social_router
from api.timetables.router import router as timetables_router
from api.uploads.router import router as uploads_router
from api.uploads.rules import MAX_UPLOAD_BYTES
from api.users.router import router as users_router
from infra import database
from infra.logging import configure_logging
from infra.settings import get_settings
from infra.storage import LOCAL_ROUTE

DESCRIPTION = """
The community API of Quad: schools, boards, posts (anonymous and question posts),
comments and replies, likes, scraps and reports; friends and follows; the course catalog,
reviews and timetables; images in posts (`POST /v1/uploads`, then PUT the file to the
signed URL it returns).

Sign up with an address at your school's email domain (`POST /v1/auth/signup` answers a
token pair), enter the mailed code (`POST /v1/auth/verify-email`), or sign in with
`POST /v1/auth/login`, and send the access token as `Authorization: Bearer …`. Until the
email is verified only `/v1/users/me` and verifying work (403 `verification-required`).
Errors are `application/problem+json` (RFC 9457) with a stable `type`. Lists take
`cursor` and `limit` and return `next_cursor`.
"""


# Response headers a page may read besides the CORS-safelisted ones: budgets, when to
# retry, where a created resource is, and its version.
CORS_EXPOSED_HEADERS = ["RateLimit", "RateLimit-Policy", "Retry-After", "Location", "ETag"]


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    _freeze_startup_objects()
    yield
    # SIGTERM (Cloud Run scale-in, deploys): uvicorn drains requests, then we close the pool.
    database.dispose_engine()


_startup_objects_frozen = False


def _freeze_startup_objects() -> None:
    """Move what import and start-up built (modules, routes, schemas: objects alive as
    long as the process) out of the cyclic garbage collector's way, once per process.
    Left in, every full collection walked them all: a pause of the whole worker every few
    seconds under load, most of a fast read's p99."""
    global _startup_objects_frozen
    if not _startup_objects_frozen:
        _startup_objects_frozen = True
        gc.collect()
        gc.freeze()


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level, settings.google_cloud_project)
    wire_local_bus()  # what the in-process bus delivers to, when it is the bus
    app = FastAPI(
        title="Quad API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    install_openapi(app)  # with the problems each operation answers (api/openapi.py)
    # The last added runs first: context, then the body (read whole, bounded), then the
    # in-flight limit, so a slow or huge body never holds an in-flight slot. As many in
    # flight as the pool keeps: with the overflow too, every dip in load closed overflow
    # connections that the next burst opened again (a new connection, its settings and
    # its prepared statements), 12% of a write's CPU at 16 connections. The overflow is
    # headroom for what runs beside them.
    in_flight = InFlightLimit(settings.db_pool_size, settings.liveness_stall_seconds)
    # Signups and logins mostly wait for a password hash: a lane of their own, as wide as
    # the hashes that may run and wait (api/auth/passwords.py), so a flood of them never
    # takes the slots reads need. As many again may wait for the lane; more are refused
    # at once (503).
    lane = 2 * settings.password_hash_slots
    hashing = InFlightLimit(lane, settings.liveness_stall_seconds, max_waiting=lane)
    app.add_middleware(
        ConcurrencyLimitMiddleware,
        limiter=in_flight,
        lanes={f"{API_PREFIX}/auth/login": hashing, f"{API_PREFIX}/auth/signup": hashing},
    )
    app.add_middleware(
        RequestBodyMiddleware,
        max_bytes=settings.max_body_bytes,
        timeout=settings.request_body_timeout_seconds,
        # Bodies larger than JSON, by path prefix. Only the local bucket takes files
        # through the API (in the cloud they go straight to Cloud Storage).
        route_limits={} if settings.uses_gcs else {f"{LOCAL_ROUTE}/": MAX_UPLOAD_BYTES},
    )
    app.add_middleware(RequestContextMiddleware)
    if settings.cors_allowed_origins:
        # Outermost, so every answer carries its CORS headers, 413s, 429s and 503s too
        # (else a page could not read their Retry-After). Bearer tokens, never cookies:
        # no credentials.
        app.add_middleware(
            ProblemCORSMiddleware,
            allow_origins=settings.cors_allowed_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match"],
            expose_headers=CORS_EXPOSED_HEADERS,
            max_age=600,
        )
    # The most requested first: a request is matched against the routes in order (no two
    # routes of different routers match the same path, so order changes nothing else).
    for router in (
        posts_router,
        comments_router,
        timetables_router,
        courses_router,
        reactions_router,
        boards_router,
        auth_router,
        users_router,
        schools_router,
        reports_router,
        social_router,
        notifications_router,
        uploads_router,
        moderation_router,
    ):
        app.include_router(router, prefix=API_PREFIX)

    @app.get("/healthz", tags=["health"], response_model=None, operation_id="health.live")
    async def healthz() -> dict[str, str] | JSONResponse:
        """Liveness: the process answers, and requests are not stuck waiting for an
        in-flight slot (503 then, and the platform restarts the instance). Async: it
        needs no worker thread, so it answers even when every thread is taken."""
        if in_flight.stalled():
            return problem_response(
                503,
                "stalled",
                "Requests are stuck",
                f"Requests have waited for over {in_flight.stall_seconds:g} seconds "
                "and none finished.",
            )
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], operation_id="health.ready")
    async def readyz() -> JSONResponse:
        """Readiness: the database answers, within DB_CONNECT_TIMEOUT_SECONDS."""
        # A probe waiting for a pool whose connections all hang would wait the pool timeout
        # and then the connect timeout: past that bound it answers 503, leaving its thread
        # to finish on its own.
        with anyio.move_on_after(settings.db_connect_timeout_seconds):
            if await anyio.to_thread.run_sync(database.database_answers, abandon_on_cancel=True):
                return JSONResponse({"status": "ok"})
        return problem_response(
            503,
            "not-ready",
            "Database unavailable",
            headers={"Retry-After": str(settings.db_unavailable_retry_after_seconds)},
        )

    return app


app = create_app()
