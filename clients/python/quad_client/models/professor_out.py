from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.course_out import CourseOut


T = TypeVar("T", bound="ProfessorOut")


@_attrs_define
class ProfessorOut:
    """
    Attributes:
        id (UUID):
        school_id (UUID):
        name (str):
        courses (list[CourseOut]): By semester (newest first), then code
    """

    id: UUID
    school_id: UUID
    name: str
    courses: list[CourseOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        school_id = str(self.school_id)

        name = self.name

        courses = []
        for courses_item_data in self.courses:
            courses_item = courses_item_data.to_dict()
            courses.append(courses_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "school_id": school_id,
                "name": name,
                "courses": courses,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.course_out import CourseOut

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        school_id = UUID(d.pop("school_id"))

        name = d.pop("name")

        courses = []
        _courses = d.pop("courses")
        for courses_item_data in _courses:
            courses_item = CourseOut.from_dict(courses_item_data)

            courses.append(courses_item)

        professor_out = cls(
            id=id,
            school_id=school_id,
            name=name,
            courses=courses,
        )

        professor_out.additional_properties = d
        return professor_out

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
