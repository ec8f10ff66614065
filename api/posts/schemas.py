from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field, StrictBool

from api.core.schemas import InputModel, OutputModel


class Author(OutputModel):
    """Who wrote something, as the caller may see it.

    For anonymous content `id` and `nickname` are always null: nothing here is stable
    across posts. In a post's comments each anonymous commenter has a `number` (stable
    within that post) and the post's own anonymous author shows as `is_writer`. Clients
    render their own label ("익명1", "익명(글쓴이)"); `label` is an English default.
    """

    id: UUID | None = None
    nickname: str | None = None
    anonymous: bool = False
    number: int | None = Field(None, description="Anonymous commenter's number in this post")
    is_writer: bool = Field(False, description="Written by the post's author")
    deleted: bool = Field(False, description="The author closed their account")
    label: str


class PostIn(InputModel):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)
    anonymous: StrictBool = False
    question: StrictBool = Field(False, description="Cannot be edited or deleted once commented")


class PostUpdate(InputModel):
    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, min_length=1, max_length=20_000)


class PostSummary(OutputModel):
    id: UUID
    board_id: UUID
    title: str
    excerpt: str = Field(description="The first 200 characters of the body")
    anonymous: bool
    question: bool
    author: Author
    like_count: int
    comment_count: int
    scrap_count: int
    created_at: datetime
    is_mine: bool


class PostOut(OutputModel):
    id: UUID
    board_id: UUID
    school_id: UUID
    title: str | None = Field(description="Null when the post is hidden")
    body: str | None = Field(description="Null when the post is hidden")
    anonymous: bool
    question: bool
    hidden: bool = Field(description="Hidden after reports; title and body are withheld")
    author: Author
    like_count: int
    comment_count: int
    scrap_count: int
    created_at: datetime
    updated_at: datetime | None
    is_mine: bool
    liked: bool
    scrapped: bool
