from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import ConfigDict, Field, StrictBool

from api.core.schemas import InputModel, OutputModel
from api.courses.models import SEMESTER_PATTERN
from api.courses.schemas import CourseOut


class TimetableIn(InputModel):
    semester: str = Field(pattern=SEMESTER_PATTERN, description="e.g. 2026-2")
    name: str = Field(min_length=1, max_length=50)
    public: StrictBool = Field(False, description="Friends may see it when it is primary")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"semester": "2026-2", "name": "2학기 시간표", "public": True},
                {"semester": "2027-S", "name": "Summer session (plan B)"},
            ]
        }
    )


class TimetableUpdate(InputModel):
    name: str | None = Field(None, min_length=1, max_length=50)
    public: StrictBool | None = None
    primary: StrictBool | None = Field(
        None, description="true makes this the semester's primary timetable"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"primary": True},
                {"name": "2학기 시간표 (공강 금요일)", "public": False},
            ]
        }
    )


class TimetableSummary(OutputModel):
    id: UUID
    semester: str
    name: str
    public: bool
    primary: bool
    created_at: datetime


class TimetableOut(TimetableSummary):
    owner_id: UUID
    total_credits: int
    courses: list[CourseOut]
