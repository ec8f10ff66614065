from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.upload_slot_out_status import UploadSlotOutStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.image_urls import ImageUrls
    from ..models.upload_target import UploadTarget


T = TypeVar("T", bound="UploadSlotOut")


@_attrs_define
class UploadSlotOut:
    """
    Attributes:
        id (UUID):
        status (UploadSlotOutStatus): pending until the file is checked; ready to attach; rejected (see reason)
        content_type (str):
        size (int): Declared size in bytes
        file_name (str):
        created_at (datetime.datetime):
        upload (UploadTarget): Send the file's bytes as the whole body of this request, with exactly these
            headers, before `expires_at`. Another content type or size is refused.
        width (int | None | Unset): Pixels, once ready (upright)
        height (int | None | Unset):
        reason (None | str | Unset): Why the file was rejected
        post_id (None | Unset | UUID): The post it is attached to
        image (ImageUrls | None | Unset): Once ready: the image and its thumbnail
    """

    id: UUID
    status: UploadSlotOutStatus
    content_type: str
    size: int
    file_name: str
    created_at: datetime.datetime
    upload: UploadTarget
    width: int | None | Unset = UNSET
    height: int | None | Unset = UNSET
    reason: None | str | Unset = UNSET
    post_id: None | Unset | UUID = UNSET
    image: ImageUrls | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.image_urls import ImageUrls

        id = str(self.id)

        status = self.status.value

        content_type = self.content_type

        size = self.size

        file_name = self.file_name

        created_at = self.created_at.isoformat()

        upload = self.upload.to_dict()

        width: int | None | Unset
        if isinstance(self.width, Unset):
            width = UNSET
        else:
            width = self.width

        height: int | None | Unset
        if isinstance(self.height, Unset):
            height = UNSET
        else:
            height = self.height

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        post_id: None | str | Unset
        if isinstance(self.post_id, Unset):
            post_id = UNSET
        elif isinstance(self.post_id, UUID):
            post_id = str(self.post_id)
        else:
            post_id = self.post_id

        image: dict[str, Any] | None | Unset
        if isinstance(self.image, Unset):
            image = UNSET
        elif isinstance(self.image, ImageUrls):
            image = self.image.to_dict()
        else:
            image = self.image

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "content_type": content_type,
                "size": size,
                "file_name": file_name,
                "created_at": created_at,
                "upload": upload,
            }
        )
        if width is not UNSET:
            field_dict["width"] = width
        if height is not UNSET:
            field_dict["height"] = height
        if reason is not UNSET:
            field_dict["reason"] = reason
        if post_id is not UNSET:
            field_dict["post_id"] = post_id
        if image is not UNSET:
            field_dict["image"] = image

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.image_urls import ImageUrls
        from ..models.upload_target import UploadTarget

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        status = UploadSlotOutStatus(d.pop("status"))

        content_type = d.pop("content_type")

        size = d.pop("size")

        file_name = d.pop("file_name")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        upload = UploadTarget.from_dict(d.pop("upload"))

        def _parse_width(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        width = _parse_width(d.pop("width", UNSET))

        def _parse_height(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        height = _parse_height(d.pop("height", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        def _parse_post_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                post_id_type_0 = UUID(data)

                return post_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        post_id = _parse_post_id(d.pop("post_id", UNSET))

        def _parse_image(data: object) -> ImageUrls | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                image_type_0 = ImageUrls.from_dict(data)

                return image_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ImageUrls | None | Unset, data)

        image = _parse_image(d.pop("image", UNSET))

        upload_slot_out = cls(
            id=id,
            status=status,
            content_type=content_type,
            size=size,
            file_name=file_name,
            created_at=created_at,
            upload=upload,
            width=width,
            height=height,
            reason=reason,
            post_id=post_id,
            image=image,
        )

        upload_slot_out.additional_properties = d
        return upload_slot_out

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
