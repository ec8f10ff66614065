from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field, StrictBool

from api.core.schemas import InputModel, OutputModel
from api.posts.schemas import Author


class CommentIn(InputModel):
    body: str = Field(min_length=1, max_length=2000)
    anonymous: StrictBool = False
    parent_id: UUID | None = Field(
        None, description="Reply to this comment (a reply to a reply joins its thread)"
    )


class CommentUpdate(InputModel):
    body: str = Field(min_length=1, max_length=2000)


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
