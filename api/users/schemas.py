from __future__ import annotations

import unicodedata
from datetime import datetime
from uuid import UUID

from pydantic import ConfigDict, Field, field_validator

from api.core.schemas import InputModel, OutputModel

NICKNAME_PATTERN = r"^[\w.\-]{2,20}$"
# Nicknames that would pass for the labels the API gives anonymous or deleted authors.
_RESERVED_PREFIXES = ("anonymous", "익명", "deleted", "(deleted)")


def check_nickname(value: str) -> str:
    # NFKC first: "Anonymous" in full-width letters (U+FF21...) must not pass either.
    if unicodedata.normalize("NFKC", value).casefold().startswith(_RESERVED_PREFIXES):
        raise ValueError("this nickname is reserved")
    return value


class SchoolRef(OutputModel):
    id: UUID
    name: str


class MeOut(OutputModel):
    id: UUID
    email: str
    nickname: str
    school: SchoolRef
    department_id: UUID | None
    created_at: datetime
    email_verified: bool = Field(
        description="False until the mailed code is entered: until then only signing in, "
        "this account, verifying and leaving work (403 verification-required elsewhere)"
    )
    language: str = Field(description="The language of the account's mails: ko or en")


class ProfileOut(OutputModel):
    """What anyone signed in may see of a user. Never their anonymous content."""

    id: UUID
    nickname: str
    school: SchoolRef
    joined_at: datetime
    follower_count: int
    following_count: int
    friend_count: int


class MeUpdate(InputModel):
    nickname: str = Field(pattern=NICKNAME_PATTERN)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"nickname": "minji.dev"}, {"nickname": "night_owl-24"}]}
    )

    _nickname = field_validator("nickname")(check_nickname)
