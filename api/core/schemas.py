"""Base classes for request and response bodies."""

from pydantic import BaseModel, ConfigDict, field_validator


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value):
        # PostgreSQL text cannot hold U+0000: refuse it here (422) instead of failing in
        # the database (500).
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain the NUL character")
        return value


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
