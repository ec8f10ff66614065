from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AttachmentOut")


@_attrs_define
class AttachmentOut:
    """An image in a post.

    Attributes:
        id (UUID):
        content_type (str):
        width (int):
        height (int):
        url (str):
        thumbnail_url (str):
        expires_at (datetime.datetime): The URLs stop working then; read the post again
    """

    id: UUID
    content_type: str
    width: int
    height: int
    url: str
    thumbnail_url: str
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        content_type = self.content_type

        width = self.width

        height = self.height

        url = self.url

        thumbnail_url = self.thumbnail_url

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "content_type": content_type,
                "width": width,
                "height": height,
                "url": url,
                "thumbnail_url": thumbnail_url,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        content_type = d.pop("content_type")

        width = d.pop("width")

        height = d.pop("height")

        url = d.pop("url")

        thumbnail_url = d.pop("thumbnail_url")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        attachment_out = cls(
            id=id,
            content_type=content_type,
            width=width,
            height=height,
            url=url,
            thumbnail_url=thumbnail_url,
            expires_at=expires_at,
        )

        attachment_out.additional_properties = d
        return attachment_out

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
