from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NotificationOut")


@_attrs_define
class NotificationOut:
    """
    Attributes:
        id (UUID):
        kind (str): comment (on your post) or reply (to your comment)
        post_id (None | UUID):
        comment_id (None | UUID):
        actor_label (str): Who acted, as others see them: a nickname or 'Anonymous 2' / 'Anonymous (writer)'
        text (str):
        created_at (datetime.datetime):
        read (bool):
    """

    id: UUID
    kind: str
    post_id: None | UUID
    comment_id: None | UUID
    actor_label: str
    text: str
    created_at: datetime.datetime
    read: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        kind = self.kind

        post_id: None | str
        if isinstance(self.post_id, UUID):
            post_id = str(self.post_id)
        else:
            post_id = self.post_id

        comment_id: None | str
        if isinstance(self.comment_id, UUID):
            comment_id = str(self.comment_id)
        else:
            comment_id = self.comment_id

        actor_label = self.actor_label

        text = self.text

        created_at = self.created_at.isoformat()

        read = self.read

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "post_id": post_id,
                "comment_id": comment_id,
                "actor_label": actor_label,
                "text": text,
                "created_at": created_at,
                "read": read,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        kind = d.pop("kind")

        def _parse_post_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                post_id_type_0 = UUID(data)

                return post_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        post_id = _parse_post_id(d.pop("post_id"))

        def _parse_comment_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                comment_id_type_0 = UUID(data)

                return comment_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        comment_id = _parse_comment_id(d.pop("comment_id"))

        actor_label = d.pop("actor_label")

        text = d.pop("text")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        read = d.pop("read")

        notification_out = cls(
            id=id,
            kind=kind,
            post_id=post_id,
            comment_id=comment_id,
            actor_label=actor_label,
            text=text,
            created_at=created_at,
            read=read,
        )

        notification_out.additional_properties = d
        return notification_out

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
