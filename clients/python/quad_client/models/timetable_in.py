from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TimetableIn")


@_attrs_define
class TimetableIn:
    """
    Attributes:
        semester (str): e.g. 2026-2
        name (str):
        public (bool | Unset): Friends may see it when it is primary Default: False.
    """

    semester: str
    name: str
    public: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        semester = self.semester

        name = self.name

        public = self.public

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "semester": semester,
                "name": name,
            }
        )
        if public is not UNSET:
            field_dict["public"] = public

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        semester = d.pop("semester")

        name = d.pop("name")

        public = d.pop("public", UNSET)

        timetable_in = cls(
            semester=semester,
            name=name,
            public=public,
        )

        return timetable_in
