from __future__ import annotations

from datetime import datetime, time
from typing import Annotated
from uuid import UUID

from pydantic import ConfigDict, Field, StrictInt, WithJsonSchema

from api.core.schemas import InputModel, OutputModel
from api.courses.models import SEMESTER_PATTERN

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# A class's clock time on campus, as "HH:MM:SS" with no offset: JSON Schema's "time"
# format requires an offset, which a weekly schedule does not have.
LocalTime = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$",
            "description": "Local time on campus, HH:MM:SS",
            "examples": ["09:00:00"],
        }
    ),
]


class SlotOut(OutputModel):
    weekday: int = Field(description="0 = Monday ... 6 = Sunday")
    starts_at: LocalTime
    ends_at: LocalTime
    room: str


class ProfessorRef(OutputModel):
    id: UUID
    name: str


class CourseOut(OutputModel):
    id: UUID
    school_id: UUID
    semester: str
    code: str
    name: str
    professor: ProfessorRef | None
    credits: int
    slots: list[SlotOut]
    review_count: int
    average_rating: float | None = Field(description="Mean of 1-5 ratings; null before any")


class ProfessorOut(OutputModel):
    id: UUID
    school_id: UUID
    name: str
    courses: list[CourseOut] = Field(description="By semester (newest first), then code")


class ReviewIn(InputModel):
    rating: StrictInt = Field(ge=1, le=5)
    text: str = Field("", max_length=2000)
    semester_taken: str = Field(pattern=SEMESTER_PATTERN, description="e.g. 2026-1")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "rating": 4,
                    "text": "CSE2010 자료구조: 과제는 많지만 설명이 정말 명확해요. 월수 "
                    "10:30-11:45 수업인데 출석은 매번 부르십니다.",
                    "semester_taken": "2026-1",
                },
                {
                    "rating": 2,
                    "text": "Heavy workload, and the midterm covered chapters we never "
                    "reached in class. Tue/Thu 09:00 is rough.",
                    "semester_taken": "2025-2",
                },
            ]
        }
    )


class ReviewOut(OutputModel):
    """Reviews are shown without their author, as course reviews on campus are."""

    id: UUID
    course_id: UUID
    rating: int
    text: str
    semester_taken: str
    created_at: datetime
    updated_at: datetime | None
    is_mine: bool
