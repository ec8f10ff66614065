"""`IdempotencyKeyHeader`: the create endpoints' optional `Idempotency-Key`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from api.idempotency.service import Idempotency

# A Structured Field string: printable ASCII, no quotes or backslashes (the draft's
# sf-string, unquoted as clients send it). Ample for a UUID or a ULID.
KEY_PATTERN = r"^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,255}$"


async def idempotency(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            pattern=KEY_PATTERN,
            description="Retry safely: the same key with the same request within a day "
            "answers the first answer again, with no second effect (a UUID per new request).",
        ),
    ] = None,
) -> Idempotency | None:
    if idempotency_key is None:
        return None
    # The body was read whole by RequestBodyMiddleware: this is its cached copy.
    body = await request.body()
    return Idempotency.of(idempotency_key, request.method, request.url.path, body)


IdempotencyKeyHeader = Annotated[Idempotency | None, Depends(idempotency)]
