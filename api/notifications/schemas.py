from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from api.core.schemas import OutputModel


class NotificationOut(OutputModel):
    id: UUID
    kind: str = Field(description="comment (on your post) or reply (to your comment)")
    post_id: UUID | None
    comment_id: UUID | None
    actor_label: str = Field(
        description="Who acted, as others see them: a nickname or "
        "'Anonymous 2' / 'Anonymous (writer)'"
    )
    text: str
    created_at: datetime
    read: bool


class ReadAllOut(OutputModel):
    marked: int
