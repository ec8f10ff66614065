from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.name_rule import NameRule
from ..models.write_rule import WriteRule
from ..types import UNSET, Unset

T = TypeVar("T", bound="BoardIn")


@_attrs_define
class BoardIn:
    """
    Attributes:
        name (str):
        description (str | Unset):  Default: ''.
        write_rule (WriteRule | Unset): Who may write (posts and comments) on a board.
        name_rule (NameRule | Unset): Under which name posts and comments on a board are written.
    """

    name: str
    description: str | Unset = ""
    write_rule: WriteRule | Unset = UNSET
    name_rule: NameRule | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        write_rule: str | Unset = UNSET
        if not isinstance(self.write_rule, Unset):
            write_rule = self.write_rule.value

        name_rule: str | Unset = UNSET
        if not isinstance(self.name_rule, Unset):
            name_rule = self.name_rule.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if write_rule is not UNSET:
            field_dict["write_rule"] = write_rule
        if name_rule is not UNSET:
            field_dict["name_rule"] = name_rule

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        description = d.pop("description", UNSET)

        _write_rule = d.pop("write_rule", UNSET)
        write_rule: WriteRule | Unset
        if isinstance(_write_rule, Unset):
            write_rule = UNSET
        else:
            write_rule = WriteRule(_write_rule)

        _name_rule = d.pop("name_rule", UNSET)
        name_rule: NameRule | Unset
        if isinstance(_name_rule, Unset):
            name_rule = UNSET
        else:
            name_rule = NameRule(_name_rule)

        board_in = cls(
            name=name,
            description=description,
            write_rule=write_rule,
            name_rule=name_rule,
        )

        return board_in
