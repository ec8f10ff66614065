from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.professor_ref import ProfessorRef
    from ..models.slot_out import SlotOut


T = TypeVar("T", bound="CourseOut")


@_attrs_define
class CourseOut:
    """
    Attributes:
        id (UUID):
        school_id (UUID):
        semester (str):
        code (str):
        name (str):
        professor (None | ProfessorRef):
        credits_ (int):
        slots (list[SlotOut]):
        review_count (int):
        average_rating (float | None): Mean of 1-5 ratings; null before any
    """

    id: UUID
    school_id: UUID
    semester: str
    code: str
    name: str
    professor: None | ProfessorRef
    credits_: int
    slots: list[SlotOut]
    review_count: int
    average_rating: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.professor_ref import ProfessorRef

        id = str(self.id)

        school_id = str(self.school_id)

        semester = self.semester

        code = self.code

        name = self.name

        professor: dict[str, Any] | None
        if isinstance(self.professor, ProfessorRef):
            professor = self.professor.to_dict()
        else:
            professor = self.professor

        credits_ = self.credits_

        slots = []
        for slots_item_data in self.slots:
            slots_item = slots_item_data.to_dict()
            slots.append(slots_item)

        review_count = self.review_count

        average_rating: float | None
        average_rating = self.average_rating

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "school_id": school_id,
                "semester": semester,
                "code": code,
                "name": name,
                "professor": professor,
                "credits": credits_,
                "slots": slots,
                "review_count": review_count,
                "average_rating": average_rating,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.professor_ref import ProfessorRef
        from ..models.slot_out import SlotOut

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        school_id = UUID(d.pop("school_id"))

        semester = d.pop("semester")

        code = d.pop("code")

        name = d.pop("name")

        def _parse_professor(data: object) -> None | ProfessorRef:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                professor_type_0 = ProfessorRef.from_dict(data)

                return professor_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProfessorRef, data)

        professor = _parse_professor(d.pop("professor"))

        credits_ = d.pop("credits")

        slots = []
        _slots = d.pop("slots")
        for slots_item_data in _slots:
            slots_item = SlotOut.from_dict(slots_item_data)

            slots.append(slots_item)

        review_count = d.pop("review_count")

        def _parse_average_rating(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        average_rating = _parse_average_rating(d.pop("average_rating"))

        course_out = cls(
            id=id,
            school_id=school_id,
            semester=semester,
            code=code,
            name=name,
            professor=professor,
            credits_=credits_,
            slots=slots,
            review_count=review_count,
            average_rating=average_rating,
        )

        course_out.additional_properties = d
        return course_out

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
