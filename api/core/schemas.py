"""Base classes for request and response bodies."""

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from starlette.responses import Response


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _storable_text(cls, value):
        # Refused here (422) rather than failing in the driver or the database (500).
        if isinstance(value, str) and not is_storable_text(value):
            raise ValueError("must be UTF-8 text without the NUL character")
        return value


def is_storable_text(value: str) -> bool:
    """Text PostgreSQL can store: no U+0000, and no lone surrogate (JSON may carry one,
    UTF-8 cannot encode it)."""
    if "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def json_response(body: BaseModel, status_code: int = 200) -> Response:
    """The model serialised by pydantic in one pass. Returned as a Response, FastAPI does
    not validate and serialise it a second time (the route's `response_model` still
    documents it): on a 20-item page that second pass is a good part of the request."""
    return Response(body.model_dump_json(), status_code=status_code, media_type="application/json")


# A route that answers 204: `@router.delete(..., **NO_CONTENT)`. A plain Response, so the
# answer carries no body and no content type (FastAPI's default JSON response class would
# send `content-type: application/json` with its empty body).
NO_CONTENT: dict[str, Any] = {"status_code": 204, "response_class": Response}
