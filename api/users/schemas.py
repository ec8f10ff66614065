from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field, field_validator

from api.auth.schemas import NICKNAME_PATTERN, TokenPair, check_nickname
from api.core.schemas import InputModel, OutputModel


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


class AccountOut(OutputModel):
    """An account and a token pair for it: what signup and verification answer."""

    user: MeOut
    tokens: TokenPair


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

    _nickname = field_validator("nickname")(check_nickname)
