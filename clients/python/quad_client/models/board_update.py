from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.name_rule import NameRule
from ..models.write_rule import WriteRule
from ..types import UNSET, Unset

T = TypeVar("T", bound="BoardUpdate")


@_attrs_define
class BoardUpdate:
    """What a board's owner may change (its name stays: links and habits point at it).

    Attributes:
        description (None | str | Unset):
        write_rule (None | Unset | WriteRule): Who may write posts and comments: `members` (every member of the school)
            or `moderators` (a read-only board, such as notices: its owner and the school's moderators)
        name_rule (NameRule | None | Unset): Under which name: `anonymous` only, `named` only, or `either` (the writer
            chooses); a post or comment that breaks it is refused (422)
    """

    description: None | str | Unset = UNSET
    write_rule: None | Unset | WriteRule = UNSET
    name_rule: NameRule | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        write_rule: None | str | Unset
        if isinstance(self.write_rule, Unset):
            write_rule = UNSET
        elif isinstance(self.write_rule, WriteRule):
            write_rule = self.write_rule.value
        else:
            write_rule = self.write_rule

        name_rule: None | str | Unset
        if isinstance(self.name_rule, Unset):
            name_rule = UNSET
        elif isinstance(self.name_rule, NameRule):
            name_rule = self.name_rule.value
        else:
            name_rule = self.name_rule

        field_dict: dict[str, Any] = {}

        field_dict.update({})
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

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_write_rule(data: object) -> None | Unset | WriteRule:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                write_rule_type_0 = WriteRule(data)

                return write_rule_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WriteRule, data)

        write_rule = _parse_write_rule(d.pop("write_rule", UNSET))

        def _parse_name_rule(data: object) -> NameRule | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                name_rule_type_0 = NameRule(data)

                return name_rule_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NameRule | None | Unset, data)

        name_rule = _parse_name_rule(d.pop("name_rule", UNSET))

        board_update = cls(
            description=description,
            write_rule=write_rule,
            name_rule=name_rule,
        )

        return board_update
