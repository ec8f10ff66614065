from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.action_name import ActionName
from ..models.target_type import TargetType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ActionIn")


@_attrs_define
class ActionIn:
    """
    Attributes:
        target_type (TargetType):
        target_id (UUID):
        action (ActionName):
        reason (str): Why: kept in the log
        suspend_hours (int | None | Unset): With `suspend_author`: how long; null or absent: without end
    """

    target_type: TargetType
    target_id: UUID
    action: ActionName
    reason: str
    suspend_hours: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        target_type = self.target_type.value

        target_id = str(self.target_id)

        action = self.action.value

        reason = self.reason

        suspend_hours: int | None | Unset
        if isinstance(self.suspend_hours, Unset):
            suspend_hours = UNSET
        else:
            suspend_hours = self.suspend_hours

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "target_type": target_type,
                "target_id": target_id,
                "action": action,
                "reason": reason,
            }
        )
        if suspend_hours is not UNSET:
            field_dict["suspend_hours"] = suspend_hours

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        target_type = TargetType(d.pop("target_type"))

        target_id = UUID(d.pop("target_id"))

        action = ActionName(d.pop("action"))

        reason = d.pop("reason")

        def _parse_suspend_hours(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        suspend_hours = _parse_suspend_hours(d.pop("suspend_hours", UNSET))

        action_in = cls(
            target_type=target_type,
            target_id=target_id,
            action=action,
            reason=reason,
            suspend_hours=suspend_hours,
        )

        return action_in
