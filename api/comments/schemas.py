from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import ConfigDict, Field, StrictBool

from api.core.schemas import InputModel, OutputModel
from api.posts.schemas import Author


class CommentIn(InputModel):
    body: str = Field(min_length=1, max_length=2000)
    anonymous: StrictBool = False
    parent_id: UUID | None = Field(
        None, description="Reply to this comment (a reply to a reply joins its thread)"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "body": "3층 안쪽 열람실 벽 쪽에 콘센트 많아요. 일찍 가셔야 해요!",
                    "anonymous": True,
                },
                {
                    "body": "Count me in, Tuesday after class works for me.",
                    "parent_id": "0193a5d0-1b2c-7d3e-8f40-5a6b7c8d9e0f",
                },
            ]
        }
    )


class CommentUpdate(InputModel):
    body: str = Field(min_length=1, max_length=2000)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"body": "3층 말고 4층 안쪽 열람실이었어요, 정정합니다."}]}
    )


class CommentOut(OutputModel):
    id: UUID
    post_id: UUID
    parent_id: UUID | None
    body: str | None = Field(description="Null when deleted or hidden")
    anonymous: bool
    author: Author | None = Field(description="Null on a deleted placeholder")
    like_count: int
    deleted: bool = Field(description="Deleted, kept as a placeholder for its replies")
    hidden: bool = Field(description="Hidden after reports")
    blocked: bool = Field(
        False,
        description="By someone you blocked: a placeholder (no body, no author) kept for "
        "its replies",
    )
    created_at: datetime
    updated_at: datetime | None
    is_mine: bool
    liked: bool


class CommentThread(CommentOut):
    replies: list[CommentOut] = Field(description="Replies, oldest first")
