from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.upload_target_headers import UploadTargetHeaders


T = TypeVar("T", bound="UploadTarget")


@_attrs_define
class UploadTarget:
    """Send the file's bytes as the whole body of this request, with exactly these
    headers, before `expires_at`. Another content type or size is refused.

        Attributes:
            url (str):
            headers (UploadTargetHeaders):
            expires_at (datetime.datetime):
            method (Literal['PUT'] | Unset):  Default: 'PUT'.
    """

    url: str
    headers: UploadTargetHeaders
    expires_at: datetime.datetime
    method: Literal["PUT"] | Unset = "PUT"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        headers = self.headers.to_dict()

        expires_at = self.expires_at.isoformat()

        method = self.method

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "url": url,
                "headers": headers,
                "expires_at": expires_at,
            }
        )
        if method is not UNSET:
            field_dict["method"] = method

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.upload_target_headers import UploadTargetHeaders

        d = dict(src_dict)
        url = d.pop("url")

        headers = UploadTargetHeaders.from_dict(d.pop("headers"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        method = cast(Literal["PUT"] | Unset, d.pop("method", UNSET))
        if method != "PUT" and not isinstance(method, Unset):
            raise ValueError(f"method must match const 'PUT', got '{method}'")

        upload_target = cls(
            url=url,
            headers=headers,
            expires_at=expires_at,
            method=method,
        )

        upload_target.additional_properties = d
        return upload_target

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
