from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="UploadIn")


@_attrs_define
class UploadIn:
    """
    Attributes:
        content_type (str): The file's type: image/jpeg, image/png, image/webp, image/gif
        size (int): The file's size in bytes (at most 10 MiB)
        file_name (str):
    """

    content_type: str
    size: int
    file_name: str

    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type

        size = self.size

        file_name = self.file_name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "content_type": content_type,
                "size": size,
                "file_name": file_name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        content_type = d.pop("content_type")

        size = d.pop("size")

        file_name = d.pop("file_name")

        upload_in = cls(
            content_type=content_type,
            size=size,
            file_name=file_name,
        )

        return upload_in
