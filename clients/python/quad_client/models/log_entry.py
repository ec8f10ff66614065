from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.target_type import TargetType
from ..types import UNSET, Unset

T = TypeVar("T", bound="LogEntry")


@_attrs_define
class LogEntry:
    """A decision as moderators see it: never whose content it was.

    Attributes:
        id (UUID):
        action (str):
        reason (str):
        target_type (TargetType):
        target_id (UUID):
        actor_kind (str): system, moderator, board_owner, admin or operator
        created_at (datetime.datetime):
        actor_nickname (None | str | Unset):
    """

    id: UUID
    action: str
    reason: str
    target_type: TargetType
    target_id: UUID
    actor_kind: str
    created_at: datetime.datetime
    actor_nickname: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        action = self.action

        reason = self.reason

        target_type = self.target_type.value

        target_id = str(self.target_id)

        actor_kind = self.actor_kind

        created_at = self.created_at.isoformat()

        actor_nickname: None | str | Unset
        if isinstance(self.actor_nickname, Unset):
            actor_nickname = UNSET
        else:
            actor_nickname = self.actor_nickname

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "action": action,
                "reason": reason,
                "target_type": target_type,
                "target_id": target_id,
                "actor_kind": actor_kind,
                "created_at": created_at,
            }
        )
        if actor_nickname is not UNSET:
            field_dict["actor_nickname"] = actor_nickname

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        action = d.pop("action")

        reason = d.pop("reason")

        target_type = TargetType(d.pop("target_type"))

        target_id = UUID(d.pop("target_id"))

        actor_kind = d.pop("actor_kind")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_actor_nickname(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor_nickname = _parse_actor_nickname(d.pop("actor_nickname", UNSET))

        log_entry = cls(
            id=id,
            action=action,
            reason=reason,
            target_type=target_type,
            target_id=target_id,
            actor_kind=actor_kind,
            created_at=created_at,
            actor_nickname=actor_nickname,
        )

        log_entry.additional_properties = d
        return log_entry

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
