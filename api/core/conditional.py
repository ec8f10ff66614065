"""Conditional reads: `ETag` and `If-None-Match` (RFC 9110, section 13) on pages apps poll.

The tag is a digest of the answer's bytes, so it changes exactly when the answer does,
whatever changed it (a new post, a like count, a hidden post, the viewer's own `liked`).
A poll whose `If-None-Match` names the current tag gets 304 with no body: the database
is still read, but nothing is sent or parsed again. Answers are the viewer's own
(`Cache-Control: private`), so a shared cache never serves one viewer's page to another.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import Header
from pydantic import BaseModel
from starlette.responses import Response

from api.core.schemas import json_response

IfNoneMatch = Annotated[
    str | None,
    Header(
        alias="If-None-Match",
        max_length=2000,
        description="The `ETag` of the answer you have: 304 with no body if it is current.",
    ),
]

# What the document says such an operation answers besides its 200 (its `responses=`).
CONDITIONAL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"headers": {"ETag": {"description": "The answer's tag", "schema": {"type": "string"}}}},
    304: {
        "description": "Not modified: the `If-None-Match` tag is the current answer's.",
        "headers": {"ETag": {"description": "The answer's tag", "schema": {"type": "string"}}},
    },
}
_PRIVATE = {"Cache-Control": "private, no-cache", "Vary": "Authorization"}


def _matches(if_none_match: str, tag: str) -> bool:
    """Weak comparison, as RFC 9110 asks for If-None-Match: `W/` prefixes are ignored."""
    if if_none_match.strip() == "*":
        return True
    candidates = (c.strip().removeprefix("W/") for c in if_none_match.split(","))
    return tag in candidates


def conditional_json(body: BaseModel, if_none_match: str | None) -> Response:
    """The model as JSON with its `ETag`, or 304 if the client already has it."""
    response = json_response(body)
    tag = '"' + hashlib.blake2b(response.body, digest_size=16).hexdigest() + '"'
    headers = {"ETag": tag, **_PRIVATE}
    if if_none_match is not None and _matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response
