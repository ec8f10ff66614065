from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SlotOut")


@_attrs_define
class SlotOut:
    """
    Attributes:
        weekday (int): 0 = Monday ... 6 = Sunday
        starts_at (str): Local time on campus, HH:MM:SS
        ends_at (str): Local time on campus, HH:MM:SS
        room (str):
    """

    weekday: int
    starts_at: str
    ends_at: str
    room: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        weekday = self.weekday

        starts_at = self.starts_at

        ends_at = self.ends_at

        room = self.room

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "weekday": weekday,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "room": room,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        weekday = d.pop("weekday")

        starts_at = d.pop("starts_at")

        ends_at = d.pop("ends_at")

        room = d.pop("room")

        slot_out = cls(
            weekday=weekday,
            starts_at=starts_at,
            ends_at=ends_at,
            room=room,
        )

        slot_out.additional_properties = d
        return slot_out

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
