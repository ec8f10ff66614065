from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import ConfigDict, Field, StrictBool, field_validator

from api.core.schemas import InputModel, OutputModel
from api.uploads.rules import MAX_ATTACHMENTS_PER_POST
from api.uploads.schemas import AttachmentOut


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
    attachment_ids: list[UUID] = Field(
        default_factory=list,
        max_length=MAX_ATTACHMENTS_PER_POST,
        description="Your ready uploads (`POST /v1/uploads`), in display order; at most 10",
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "중도 3층 콘센트 있는 자리 아시는 분?",
                    "body": "시험기간이라 중앙도서관 자리가 없네요. 노트북 충전할 수 있는 자리 "
                    "아시면 알려주세요!",
                    "question": True,
                },
                {
                    "title": "Study group for CSE2010 Data Structures?",
                    "body": "Exchange student here. Anyone up for going over the assignments "
                    "on Tuesdays after class? English or Korean, both fine.",
                },
                {
                    "title": "오늘 학식 제육 실화냐",
                    "body": "계란후라이까지 올려줌… 사진 첨부합니다",
                    "anonymous": True,
                    "attachment_ids": ["0193a5c2-7e4f-7b21-9d3a-5c8e1f2a4b60"],
                },
            ]
        }
    )

    @field_validator("attachment_ids")
    @classmethod
    def _distinct(cls, value: list[UUID]) -> list[UUID]:
        if len(set(value)) != len(value):
            raise ValueError("must not repeat an upload")
        return value


class PostUpdate(InputModel):
    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, min_length=1, max_length=20_000)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"title": "[해결] 중도 3층 콘센트 있는 자리 아시는 분?"},
                {
                    "body": "Update: we meet Tuesdays 18:00 in the student union, room 204. "
                    "Three spots left."
                },
            ]
        }
    )


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
    hidden: bool = Field(
        False, description="Hidden by moderation: only its author still sees it (their lists)"
    )
    image_count: int = 0
    thumbnail_url: str | None = Field(None, description="The first image's thumbnail, if any")


class PostOut(OutputModel):
    id: UUID
    board_id: UUID
    school_id: UUID
    title: str
    body: str
    anonymous: bool
    question: bool
    hidden: bool = Field(
        description="Hidden by moderation: only its author still sees it, and may delete it "
        "but not change it or add to it"
    )
    locked: bool = Field(False, description="Locked by a moderator: no new comments (409)")
    author: Author
    like_count: int
    comment_count: int
    scrap_count: int
    created_at: datetime
    updated_at: datetime | None
    is_mine: bool
    liked: bool
    scrapped: bool
    attachments: list[AttachmentOut] = Field(
        default_factory=list, description="Images in order, with short-lived URLs"
    )
