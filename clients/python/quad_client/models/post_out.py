from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attachment_out import AttachmentOut
    from ..models.author import Author


T = TypeVar("T", bound="PostOut")


@_attrs_define
class PostOut:
    """
    Attributes:
        id (UUID):
        board_id (UUID):
        school_id (UUID):
        title (str):
        body (str):
        anonymous (bool):
        question (bool):
        hidden (bool): Hidden by moderation: only its author still sees it, and may delete it but not change it or add
            to it
        author (Author): Who wrote something, as the caller may see it.

            For anonymous content `id` and `nickname` are always null: nothing here is stable
            across posts. In a post's comments each anonymous commenter has a `number` (stable
            within that post) and the post's own anonymous author shows as `is_writer`. Clients
            render their own label ("익명1", "익명(글쓴이)"); `label` is an English default.
        like_count (int):
        comment_count (int):
        scrap_count (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime | None):
        is_mine (bool):
        liked (bool):
        scrapped (bool):
        locked (bool | Unset): Locked by a moderator: no new comments (409) Default: False.
        attachments (list[AttachmentOut] | Unset): Images in order, with short-lived URLs
    """

    id: UUID
    board_id: UUID
    school_id: UUID
    title: str
    body: str
    anonymous: bool
    question: bool
    hidden: bool
    author: Author
    like_count: int
    comment_count: int
    scrap_count: int
    created_at: datetime.datetime
    updated_at: datetime.datetime | None
    is_mine: bool
    liked: bool
    scrapped: bool
    locked: bool | Unset = False
    attachments: list[AttachmentOut] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        board_id = str(self.board_id)

        school_id = str(self.school_id)

        title = self.title

        body = self.body

        anonymous = self.anonymous

        question = self.question

        hidden = self.hidden

        author = self.author.to_dict()

        like_count = self.like_count

        comment_count = self.comment_count

        scrap_count = self.scrap_count

        created_at = self.created_at.isoformat()

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        is_mine = self.is_mine

        liked = self.liked

        scrapped = self.scrapped

        locked = self.locked

        attachments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.attachments, Unset):
            attachments = []
            for attachments_item_data in self.attachments:
                attachments_item = attachments_item_data.to_dict()
                attachments.append(attachments_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "board_id": board_id,
                "school_id": school_id,
                "title": title,
                "body": body,
                "anonymous": anonymous,
                "question": question,
                "hidden": hidden,
                "author": author,
                "like_count": like_count,
                "comment_count": comment_count,
                "scrap_count": scrap_count,
                "created_at": created_at,
                "updated_at": updated_at,
                "is_mine": is_mine,
                "liked": liked,
                "scrapped": scrapped,
            }
        )
        if locked is not UNSET:
            field_dict["locked"] = locked
        if attachments is not UNSET:
            field_dict["attachments"] = attachments

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attachment_out import AttachmentOut
        from ..models.author import Author

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        board_id = UUID(d.pop("board_id"))

        school_id = UUID(d.pop("school_id"))

        title = d.pop("title")

        body = d.pop("body")

        anonymous = d.pop("anonymous")

        question = d.pop("question")

        hidden = d.pop("hidden")

        author = Author.from_dict(d.pop("author"))

        like_count = d.pop("like_count")

        comment_count = d.pop("comment_count")

        scrap_count = d.pop("scrap_count")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        is_mine = d.pop("is_mine")

        liked = d.pop("liked")

        scrapped = d.pop("scrapped")

        locked = d.pop("locked", UNSET)

        _attachments = d.pop("attachments", UNSET)
        attachments: list[AttachmentOut] | Unset = UNSET
        if _attachments is not UNSET:
            attachments = []
            for attachments_item_data in _attachments:
                attachments_item = AttachmentOut.from_dict(attachments_item_data)

                attachments.append(attachments_item)

        post_out = cls(
            id=id,
            board_id=board_id,
            school_id=school_id,
            title=title,
            body=body,
            anonymous=anonymous,
            question=question,
            hidden=hidden,
            author=author,
            like_count=like_count,
            comment_count=comment_count,
            scrap_count=scrap_count,
            created_at=created_at,
            updated_at=updated_at,
            is_mine=is_mine,
            liked=liked,
            scrapped=scrapped,
            locked=locked,
            attachments=attachments,
        )

        post_out.additional_properties = d
        return post_out

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
