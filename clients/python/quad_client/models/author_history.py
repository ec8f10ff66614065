from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuthorHistory")


@_attrs_define
class AuthorHistory:
    """What the log holds about the content's author, as counts (never who it is).

    Attributes:
        hides (int | Unset):  Default: 0.
        removals (int | Unset):  Default: 0.
        suspensions (int | Unset):  Default: 0.
    """

    hides: int | Unset = 0
    removals: int | Unset = 0
    suspensions: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        hides = self.hides

        removals = self.removals

        suspensions = self.suspensions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if hides is not UNSET:
            field_dict["hides"] = hides
        if removals is not UNSET:
            field_dict["removals"] = removals
        if suspensions is not UNSET:
            field_dict["suspensions"] = suspensions

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        hides = d.pop("hides", UNSET)

        removals = d.pop("removals", UNSET)

        suspensions = d.pop("suspensions", UNSET)

        author_history = cls(
            hides=hides,
            removals=removals,
            suspensions=suspensions,
        )

        author_history.additional_properties = d
        return author_history

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
