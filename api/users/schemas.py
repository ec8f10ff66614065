from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from uuid import UUID

from pydantic import ConfigDict, Field, field_validator

from api.core.schemas import InputModel, OutputModel

# Letters of any script. Checked here rather than as the schema's `pattern`: a client
# reads a pattern as ECMA-262, where \w is ASCII only, and would refuse 김민지.
_NICKNAME = re.compile(r"[\w.\-]{2,20}")
# Nicknames that would pass for the labels the API gives anonymous or deleted authors.
_RESERVED_PREFIXES = ("anonymous", "익명", "deleted", "(deleted)")


def check_nickname(value: str) -> str:
    if not _NICKNAME.fullmatch(value):
        raise ValueError("use 2-20 letters (of any script), digits, '_', '.' or '-'")
    # NFKC first: "Anonymous" in full-width letters (U+FF21...) must not pass either.
    if unicodedata.normalize("NFKC", value).casefold().startswith(_RESERVED_PREFIXES):
        raise ValueError("this nickname is reserved")
    return value


NICKNAME_DESCRIPTION = "2-20 letters of any script (민지, minji), digits, '_', '.', '-'"


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
    nickname: str = Field(min_length=2, max_length=20, description=NICKNAME_DESCRIPTION)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"nickname": "김민지"}, {"nickname": "night_owl-24"}]}
    )

    _nickname = field_validator("nickname")(check_nickname)
