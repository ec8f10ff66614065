from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field, StrictInt, field_validator

from api.core.schemas import InputModel, OutputModel
from api.uploads.rules import IMAGE_CONTENT_TYPES, MAX_UPLOAD_BYTES


class UploadIn(InputModel):
    content_type: str = Field(
        description="The file's type: " + ", ".join(IMAGE_CONTENT_TYPES), examples=["image/jpeg"]
    )
    size: StrictInt = Field(
        ge=1, le=MAX_UPLOAD_BYTES, description="The file's size in bytes (at most 10 MiB)"
    )
    file_name: str = Field(min_length=1, max_length=255, examples=["IMG_0042.jpg"])

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"content_type": "image/jpeg", "size": 2_483_017, "file_name": "학식_제육볶음.jpg"},
                {"content_type": "image/png", "size": 348_211, "file_name": "timetable-2026-2.png"},
            ]
        }
    )

    @field_validator("content_type")
    @classmethod
    def _image_type(cls, value: str) -> str:
        value = value.lower()
        if value not in IMAGE_CONTENT_TYPES:
            raise ValueError("must be one of " + ", ".join(IMAGE_CONTENT_TYPES))
        return value

    @field_validator("file_name")
    @classmethod
    def _printable(cls, value: str) -> str:
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise ValueError("must not contain control characters")
        return value


class UploadTarget(OutputModel):
    """Send the file's bytes as the whole body of this request, with exactly these
    headers, before `expires_at`. Another content type or size is refused."""

    method: Literal["PUT"] = "PUT"
    url: str
    headers: dict[str, str]
    expires_at: datetime


class ImageUrls(OutputModel):
    url: str = Field(description="The image, re-encoded without its metadata")
    thumbnail_url: str = Field(description="At most 640 px on its longest side")
    expires_at: datetime = Field(description="The URLs stop working then; read the resource again")


class UploadOut(OutputModel):
    id: UUID
    status: Literal["pending", "ready", "rejected"] = Field(
        description="pending until the file is checked; ready to attach; rejected (see reason)"
    )
    content_type: str
    size: int = Field(description="Declared size in bytes")
    file_name: str
    width: int | None = Field(None, description="Pixels, once ready (upright)")
    height: int | None = None
    reason: str | None = Field(None, description="Why the file was rejected")
    post_id: UUID | None = Field(None, description="The post it is attached to")
    created_at: datetime
    image: ImageUrls | None = Field(None, description="Once ready: the image and its thumbnail")


class UploadSlotOut(UploadOut):
    upload: UploadTarget


class AttachmentOut(OutputModel):
    """An image in a post."""

    id: UUID
    content_type: str
    width: int
    height: int
    url: str
    thumbnail_url: str
    expires_at: datetime = Field(description="The URLs stop working then; read the post again")
