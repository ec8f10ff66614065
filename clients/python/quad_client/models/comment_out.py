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


T = TypeVar("T", bound="CommentOut")


@_attrs_define
class CommentOut:
    """
    Attributes:
        id (UUID):
        post_id (UUID):
        parent_id (None | UUID):
        body (None | str): Null when deleted or hidden
        anonymous (bool):
        author (Author | None): Null on a deleted placeholder
        like_count (int):
        deleted (bool): Deleted, kept as a placeholder for its replies
        hidden (bool): Hidden after reports
        created_at (datetime.datetime):
        updated_at (datetime.datetime | None):
        is_mine (bool):
        liked (bool):
        blocked (bool | Unset): By someone you blocked: a placeholder (no body, no author) kept for its replies Default:
            False.
    """

    id: UUID
    post_id: UUID
    parent_id: None | UUID
    body: None | str
    anonymous: bool
    author: Author | None
    like_count: int
    deleted: bool
    hidden: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime | None
    is_mine: bool
    liked: bool
    blocked: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.author import Author

        id = str(self.id)

        post_id = str(self.post_id)

        parent_id: None | str
        if isinstance(self.parent_id, UUID):
            parent_id = str(self.parent_id)
        else:
            parent_id = self.parent_id

        body: None | str
        body = self.body

        anonymous = self.anonymous

        author: dict[str, Any] | None
        if isinstance(self.author, Author):
            author = self.author.to_dict()
        else:
            author = self.author

        like_count = self.like_count

        deleted = self.deleted

        hidden = self.hidden

        created_at = self.created_at.isoformat()

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        is_mine = self.is_mine

        liked = self.liked

        blocked = self.blocked

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "post_id": post_id,
                "parent_id": parent_id,
                "body": body,
                "anonymous": anonymous,
                "author": author,
                "like_count": like_count,
                "deleted": deleted,
                "hidden": hidden,
                "created_at": created_at,
                "updated_at": updated_at,
                "is_mine": is_mine,
                "liked": liked,
            }
        )
        if blocked is not UNSET:
            field_dict["blocked"] = blocked

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.author import Author

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        post_id = UUID(d.pop("post_id"))

        def _parse_parent_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                parent_id_type_0 = UUID(data)

                return parent_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        parent_id = _parse_parent_id(d.pop("parent_id"))

        def _parse_body(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        body = _parse_body(d.pop("body"))

        anonymous = d.pop("anonymous")

        def _parse_author(data: object) -> Author | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                author_type_0 = Author.from_dict(data)

                return author_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Author | None, data)

        author = _parse_author(d.pop("author"))

        like_count = d.pop("like_count")

        deleted = d.pop("deleted")

        hidden = d.pop("hidden")

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

        blocked = d.pop("blocked", UNSET)

        comment_out = cls(
            id=id,
            post_id=post_id,
            parent_id=parent_id,
            body=body,
            anonymous=anonymous,
            author=author,
            like_count=like_count,
            deleted=deleted,
            hidden=hidden,
            created_at=created_at,
            updated_at=updated_at,
            is_mine=is_mine,
            liked=liked,
            blocked=blocked,
        )

        comment_out.additional_properties = d
        return comment_out

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
