from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.name_rule import NameRule
from ..models.write_rule import WriteRule

T = TypeVar("T", bound="BoardOut")


@_attrs_define
class BoardOut:
    """
    Attributes:
        id (UUID):
        school_id (UUID):
        name (str):
        description (str):
        write_rule (WriteRule): Who may write (posts and comments) on a board.
        name_rule (NameRule): Under which name posts and comments on a board are written.
        is_owner (bool): The caller owns the board: may edit or delete it
        can_write (bool): The caller may write posts and comments here
        created_at (datetime.datetime):
    """

    id: UUID
    school_id: UUID
    name: str
    description: str
    write_rule: WriteRule
    name_rule: NameRule
    is_owner: bool
    can_write: bool
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        school_id = str(self.school_id)

        name = self.name

        description = self.description

        write_rule = self.write_rule.value

        name_rule = self.name_rule.value

        is_owner = self.is_owner

        can_write = self.can_write

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "school_id": school_id,
                "name": name,
                "description": description,
                "write_rule": write_rule,
                "name_rule": name_rule,
                "is_owner": is_owner,
                "can_write": can_write,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        school_id = UUID(d.pop("school_id"))

        name = d.pop("name")

        description = d.pop("description")

        write_rule = WriteRule(d.pop("write_rule"))

        name_rule = NameRule(d.pop("name_rule"))

        is_owner = d.pop("is_owner")

        can_write = d.pop("can_write")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        board_out = cls(
            id=id,
            school_id=school_id,
            name=name,
            description=description,
            write_rule=write_rule,
            name_rule=name_rule,
            is_owner=is_owner,
            can_write=can_write,
            created_at=created_at,
        )

        board_out.additional_properties = d
        return board_out

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
