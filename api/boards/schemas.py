from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from api.core.schemas import InputModel, OutputModel


class BoardIn(InputModel):
    name: str = Field(min_length=1, max_length=50)
    description: str = Field("", max_length=500)


class BoardOut(OutputModel):
    id: UUID
    school_id: UUID
    name: str
    description: str
    created_at: datetime
