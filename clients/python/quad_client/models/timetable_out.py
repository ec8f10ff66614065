from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.course_out import CourseOut


T = TypeVar("T", bound="TimetableOut")


@_attrs_define
class TimetableOut:
    """
    Attributes:
        id (UUID):
        semester (str):
        name (str):
        public (bool):
        primary (bool):
        created_at (datetime.datetime):
        owner_id (UUID):
        total_credits (int):
        courses (list[CourseOut]):
    """

    id: UUID
    semester: str
    name: str
    public: bool
    primary: bool
    created_at: datetime.datetime
    owner_id: UUID
    total_credits: int
    courses: list[CourseOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        semester = self.semester

        name = self.name

        public = self.public

        primary = self.primary

        created_at = self.created_at.isoformat()

        owner_id = str(self.owner_id)

        total_credits = self.total_credits

        courses = []
        for courses_item_data in self.courses:
            courses_item = courses_item_data.to_dict()
            courses.append(courses_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "semester": semester,
                "name": name,
                "public": public,
                "primary": primary,
                "created_at": created_at,
                "owner_id": owner_id,
                "total_credits": total_credits,
                "courses": courses,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.course_out import CourseOut

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        semester = d.pop("semester")

        name = d.pop("name")

        public = d.pop("public")

        primary = d.pop("primary")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        owner_id = UUID(d.pop("owner_id"))

        total_credits = d.pop("total_credits")

        courses = []
        _courses = d.pop("courses")
        for courses_item_data in _courses:
            courses_item = CourseOut.from_dict(courses_item_data)

            courses.append(courses_item)

        timetable_out = cls(
            id=id,
            semester=semester,
            name=name,
            public=public,
            primary=primary,
            created_at=created_at,
            owner_id=owner_id,
            total_credits=total_credits,
            courses=courses,
        )

        timetable_out.additional_properties = d
        return timetable_out

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
