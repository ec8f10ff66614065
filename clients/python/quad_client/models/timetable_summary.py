from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TimetableSummary")


@_attrs_define
class TimetableSummary:
    """
    Attributes:
        id (UUID):
        semester (str):
        name (str):
        public (bool):
        primary (bool):
        created_at (datetime.datetime):
    """

    id: UUID
    semester: str
    name: str
    public: bool
    primary: bool
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        semester = self.semester

        name = self.name

        public = self.public

        primary = self.primary

        created_at = self.created_at.isoformat()

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
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        semester = d.pop("semester")

        name = d.pop("name")

        public = d.pop("public")

        primary = d.pop("primary")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        timetable_summary = cls(
            id=id,
            semester=semester,
            name=name,
            public=public,
            primary=primary,
            created_at=created_at,
        )

        timetable_summary.additional_properties = d
        return timetable_summary

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
