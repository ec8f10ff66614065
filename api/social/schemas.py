from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator

from api.core.schemas import InputModel, OutputModel


class UserSummary(OutputModel):
    id: UUID
    nickname: str
    school_id: UUID


class FriendRequestIn(InputModel):
    """Name the person by id or by exact nickname (one of the two)."""

    user_id: UUID | None = None
    nickname: str | None = Field(None, min_length=1, max_length=30)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"nickname": "새벽코딩"},
                {"user_id": "0193a1f2-4e6f-7a81-9b2c-3d4e5f6a7b8c"},
            ]
        }
    )

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


class BlockOut(OutputModel):
    """One of my blocks. A block made on anonymous content names the content, never its
    author: `user` is null and nothing in it tells who they are."""

    id: UUID = Field(description="Unblock with DELETE /users/me/blocks/{id}")
    via_type: str = Field(description="user, post or comment: what the block was made on")
    via_id: UUID = Field(description="The user, post or comment it was made on")
    anonymous: bool = Field(description="Made on anonymous content: hides only anonymous content")
    user: UserSummary | None = Field(
        description="The blocked user; null for a block made on anonymous content (and for "
        "a closed account)"
    )
    label: str = Field(
        description="What to show: the user's nickname, or 'the author of …' with the post's "
        "title or the comment's start"
    )
    created_at: datetime
