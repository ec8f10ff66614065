from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ReviewOut")


@_attrs_define
class ReviewOut:
    """Reviews are shown without their author, as course reviews on campus are.

    Attributes:
        id (UUID):
        course_id (UUID):
        rating (int):
        text (str):
        semester_taken (str):
        created_at (datetime.datetime):
        updated_at (datetime.datetime | None):
        is_mine (bool):
    """

    id: UUID
    course_id: UUID
    rating: int
    text: str
    semester_taken: str
    created_at: datetime.datetime
    updated_at: datetime.datetime | None
    is_mine: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        course_id = str(self.course_id)

        rating = self.rating

        text = self.text

        semester_taken = self.semester_taken

        created_at = self.created_at.isoformat()

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        is_mine = self.is_mine

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "course_id": course_id,
                "rating": rating,
                "text": text,
                "semester_taken": semester_taken,
                "created_at": created_at,
                "updated_at": updated_at,
                "is_mine": is_mine,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        course_id = UUID(d.pop("course_id"))

        rating = d.pop("rating")

        text = d.pop("text")

        semester_taken = d.pop("semester_taken")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        is_mine = d.pop("is_mine")

        review_out = cls(
            id=id,
            course_id=course_id,
            rating=rating,
            text=text,
            semester_taken=semester_taken,
            created_at=created_at,
            updated_at=updated_at,
            is_mine=is_mine,
        )

        review_out.additional_properties = d
        return review_out

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
