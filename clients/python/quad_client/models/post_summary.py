from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.author import Author


T = TypeVar("T", bound="PostSummary")


@_attrs_define
class PostSummary:
    """
    Attributes:
        id (UUID):
        board_id (UUID):
        title (str):
        excerpt (str): The first 200 characters of the body
        anonymous (bool):
        question (bool):
        author (Author): Who wrote something, as the caller may see it.

            For anonymous content `id` and `nickname` are always null: nothing here is stable
            across posts. In a post's comments each anonymous commenter has a `number` (stable
            within that post) and the post's own anonymous author shows as `is_writer`. Clients
            render their own label ("익명1", "익명(글쓴이)"); `label` is an English default.
        like_count (int):
        comment_count (int):
        scrap_count (int):
        created_at (datetime.datetime):
        is_mine (bool):
        hidden (bool | Unset): Hidden by moderation: only its author still sees it (their lists) Default: False.
        image_count (int | Unset):  Default: 0.
        thumbnail_url (None | str | Unset): The first image's thumbnail, if any
    """

    id: UUID
    board_id: UUID
    title: str
    excerpt: str
    anonymous: bool
    question: bool
    author: Author
    like_count: int
    comment_count: int
    scrap_count: int
    created_at: datetime.datetime
    is_mine: bool
    hidden: bool | Unset = False
    image_count: int | Unset = 0
    thumbnail_url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        board_id = str(self.board_id)

        title = self.title

        excerpt = self.excerpt

        anonymous = self.anonymous

        question = self.question

        author = self.author.to_dict()

        like_count = self.like_count

        comment_count = self.comment_count

        scrap_count = self.scrap_count

        created_at = self.created_at.isoformat()

        is_mine = self.is_mine

        hidden = self.hidden

        image_count = self.image_count

        thumbnail_url: None | str | Unset
        if isinstance(self.thumbnail_url, Unset):
            thumbnail_url = UNSET
        else:
            thumbnail_url = self.thumbnail_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "board_id": board_id,
                "title": title,
                "excerpt": excerpt,
                "anonymous": anonymous,
                "question": question,
                "author": author,
                "like_count": like_count,
                "comment_count": comment_count,
                "scrap_count": scrap_count,
                "created_at": created_at,
                "is_mine": is_mine,
            }
        )
        if hidden is not UNSET:
            field_dict["hidden"] = hidden
        if image_count is not UNSET:
            field_dict["image_count"] = image_count
        if thumbnail_url is not UNSET:
            field_dict["thumbnail_url"] = thumbnail_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.author import Author

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        board_id = UUID(d.pop("board_id"))

        title = d.pop("title")

        excerpt = d.pop("excerpt")

        anonymous = d.pop("anonymous")

        question = d.pop("question")

        author = Author.from_dict(d.pop("author"))

        like_count = d.pop("like_count")

        comment_count = d.pop("comment_count")

        scrap_count = d.pop("scrap_count")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        is_mine = d.pop("is_mine")

        hidden = d.pop("hidden", UNSET)

        image_count = d.pop("image_count", UNSET)

        def _parse_thumbnail_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        thumbnail_url = _parse_thumbnail_url(d.pop("thumbnail_url", UNSET))

        post_summary = cls(
            id=id,
            board_id=board_id,
            title=title,
            excerpt=excerpt,
            anonymous=anonymous,
            question=question,
            author=author,
            like_count=like_count,
            comment_count=comment_count,
            scrap_count=scrap_count,
            created_at=created_at,
            is_mine=is_mine,
            hidden=hidden,
            image_count=image_count,
            thumbnail_url=thumbnail_url,
        )

        post_summary.additional_properties = d
        return post_summary

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
