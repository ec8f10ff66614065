"""Errors as `application/problem+json` (RFC 9457), each with a stable `type`.

Services raise `Problem` subclasses; the handlers below turn every error the service can
produce (ours, validation, routing, and unexpected ones) into the same shape, and never
put a stack trace in a response.

A request that fails because the database cannot serve it answers 503 with `Retry-After`:
`database-unavailable` when it cannot be reached (refused or dead connection, none free
within the pool timeout, a server shutting down or starting up), logged once per outage
rather than per request; `database-timeout` when a statement ran into the statement
timeout (the database is up but did not answer in time: retrying later may succeed, and
the client is not at fault), logged as one line naming the statement. Any other database
error is a bug: a 500, logged with its stack.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from infra import database
from infra.settings import get_settings

log = logging.getLogger("api.errors")

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:quad:problem:"


class Problem(Exception):
    """An error a client can act on. `slug` becomes the stable `type`."""

    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.extra = extra
        self.headers: dict[str, str] = {}


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.headers["WWW-Authenticate"] = "Bearer"


class InvalidToken(Unauthorized):
    slug, title = "invalid-token", "The token is missing, expired or invalid"


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class InvalidInput(Problem):
    status, slug, title = 422, "validation-error", "The request is not valid"


class InvalidCursor(InvalidInput):
    slug, title = "invalid-cursor", "The cursor is not valid"


class TooManyRequests(Problem):
    """429: too many of something; `retry_after` seconds until it may work again, in the
    body and the Retry-After header."""

    status, slug, title = 429, "too-many-requests", "Too many requests; try again later"

    def __init__(self, detail: str, retry_after: int, **extra: Any) -> None:
        super().__init__(detail, retry_after=retry_after, **extra)
        self.headers["Retry-After"] = str(retry_after)


class Overloaded(Problem):
    """Refused before anything was done or written: safe to retry after Retry-After."""

    status, slug, title = 503, "overloaded", "The server is busy; try again shortly"

    def __init__(self, retry_after: int = 1) -> None:
        super().__init__(f"Try again in {retry_after} seconds.", retry_after=retry_after)
        self.headers["Retry-After"] = str(retry_after)


class DatabaseUnavailable(Problem):
    status, slug, title = 503, "database-unavailable", "The database is unavailable"


class DatabaseTimeout(Problem):
    status, slug, title = 503, "database-timeout", "The database did not answer in time"


def problem_responses(*problems: type[Problem]) -> dict[int | str, dict[str, Any]]:
    """An endpoint's OpenAPI `responses` for the problems it answers: per status, the
    `type`s it may carry (an enum, so they are part of the contract) and their titles."""
    by_status: dict[int, list[type[Problem]]] = {}
    for problem in problems:
        by_status.setdefault(problem.status, []).append(problem)
    return {
        status: {
            "description": "; ".join(f"`{TYPE_PREFIX}{p.slug}`: {p.title}" for p in group),
            "content": {
                PROBLEM_JSON: {
                    "schema": {
                        "type": "object",
                        "required": ["type", "title", "status"],
                        "properties": {
                            "type": {
                                "type": "string",
                                "enum": [TYPE_PREFIX + p.slug for p in group],
                            },
                            "title": {"type": "string"},
                            "status": {"type": "integer", "enum": [status]},
                            "detail": {"type": "string"},
                        },
                    }
                }
            },
        }
        for status, group in sorted(by_status.items())
    }


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": TYPE_PREFIX + slug, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


_HTTP_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
}


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Echo where and why, never the submitted value (it may be huge or a secret).
    return [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            exc.status,
            exc.slug,
            exc.title,
            exc.detail,
            instance=request.url.path,
            headers=exc.headers or None,
            **exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(
            422,
            InvalidInput.slug,
            InvalidInput.title,
            instance=request.url.path,
            errors=_validation_errors(exc),
        )

    async def _database_error(request: Request, error: Exception) -> JSONResponse:
        if database.is_unavailable(error):
            database.note_unavailable(error)
            problem: type[Problem] = DatabaseUnavailable
            detail = "Try again in a moment."
        elif database.is_statement_timeout(error):
            statement = getattr(error, "statement", None) or ""
            log.warning(
                "statement timeout",
                extra={
                    "fields": {
                        "http_method": request.method,
                        "path": request.url.path,
                        "statement": statement[:500],
                    }
                },
            )
            problem, detail = DatabaseTimeout, "Try again in a moment."
        else:
            raise error  # a bug: RequestContextMiddleware logs it with its stack, answers 500
        return problem_response(
            problem.status,
            problem.slug,
            problem.title,
            detail,
            instance=request.url.path,
            headers={"Retry-After": str(get_settings().db_unavailable_retry_after_seconds)},
        )

    for error_class in (sa_exc.DBAPIError, sa_exc.TimeoutError, sa_exc.DisconnectionError):
        app.add_exception_handler(error_class, _database_error)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug, title = _HTTP_SLUGS.get(exc.status_code, ("http-error", "HTTP error"))
        detail: str | None = exc.detail if isinstance(exc.detail, str) else None
        if detail and detail.lower() == title.lower():
            detail = None
        return problem_response(
            exc.status_code,
            slug,
            title,
            detail,
            instance=request.url.path,
            headers=getattr(exc, "headers", None),
        )
