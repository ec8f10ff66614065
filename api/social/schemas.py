from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field, model_validator

from api.core.schemas import InputModel, OutputModel


class UserSummary(OutputModel):
    id: UUID
    nickname: str
    school_id: UUID


class FriendRequestIn(InputModel):
    """Name the person by id or by exact nickname (one of the two)."""

    user_id: UUID | None = None
    nickname: str | None = Field(None, min_length=1, max_length=30)

    @model_validator(mode="after")
    def _one_of(self) -> FriendRequestIn:
        if (self.user_id is None) == (self.nickname is None):
            raise ValueError("give exactly one of user_id or nickname")
        return self


class FriendRequestOut(OutputModel):
    id: UUID
    sender: UserSummary
    recipient: UserSummary
    status: str = Field(description="pending, accepted, declined or cancelled")
    created_at: datetime
    responded_at: datetime | None


class Direction(StrEnum):
    incoming = "incoming"
    outgoing = "outgoing"


class FriendOut(UserSummary):
    friends_since: datetime


class FollowState(OutputModel):
    following: bool
    follower_count: int = Field(description="The followed user's followers")


class FollowOut(UserSummary):
    since: datetime
