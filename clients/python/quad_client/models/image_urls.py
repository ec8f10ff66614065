from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ImageUrls")


@_attrs_define
class ImageUrls:
    """
    Attributes:
        url (str): The image, re-encoded without its metadata
        thumbnail_url (str): At most 640 px on its longest side
        expires_at (datetime.datetime): The URLs stop working then; read the resource again
    """

    url: str
    thumbnail_url: str
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        thumbnail_url = self.thumbnail_url

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "url": url,
                "thumbnail_url": thumbnail_url,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url")

        thumbnail_url = d.pop("thumbnail_url")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        image_urls = cls(
            url=url,
            thumbnail_url=thumbnail_url,
            expires_at=expires_at,
        )

        image_urls.additional_properties = d
        return image_urls

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
