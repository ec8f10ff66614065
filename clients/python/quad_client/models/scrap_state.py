from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ScrapState")


@_attrs_define
class ScrapState:
    """
    Attributes:
        scrapped (bool):
        scrap_count (int):
    """

    scrapped: bool
    scrap_count: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        scrapped = self.scrapped

        scrap_count = self.scrap_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "scrapped": scrapped,
                "scrap_count": scrap_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        scrapped = d.pop("scrapped")

        scrap_count = d.pop("scrap_count")

        scrap_state = cls(
            scrapped=scrapped,
            scrap_count=scrap_count,
        )

        scrap_state.additional_properties = d
        return scrap_state

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
