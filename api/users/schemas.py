from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field, field_validator

from api.auth.schemas import NICKNAME_PATTERN, check_nickname
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
