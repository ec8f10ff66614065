from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.appeal_outcome import AppealOutcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.log_entry import LogEntry


T = TypeVar("T", bound="AppealEntry")


@_attrs_define
class AppealEntry:
    """An appeal as the school's moderators see it: the decision, never its author.

    Attributes:
        id (UUID):
        action_id (UUID):
        body (str):
        created_at (datetime.datetime):
        decision (LogEntry): A decision as moderators see it: never whose content it was.
        outcome (AppealOutcome | None | Unset): null while it waits
        decided_at (datetime.datetime | None | Unset):
    """

    id: UUID
    action_id: UUID
    body: str
    created_at: datetime.datetime
    decision: LogEntry
    outcome: AppealOutcome | None | Unset = UNSET
    decided_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        action_id = str(self.action_id)

        body = self.body

        created_at = self.created_at.isoformat()

        decision = self.decision.to_dict()

        outcome: None | str | Unset
        if isinstance(self.outcome, Unset):
            outcome = UNSET
        elif isinstance(self.outcome, AppealOutcome):
            outcome = self.outcome.value
        else:
            outcome = self.outcome

        decided_at: None | str | Unset
        if isinstance(self.decided_at, Unset):
            decided_at = UNSET
        elif isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "action_id": action_id,
                "body": body,
                "created_at": created_at,
                "decision": decision,
            }
        )
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if decided_at is not UNSET:
            field_dict["decided_at"] = decided_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.log_entry import LogEntry

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        action_id = UUID(d.pop("action_id"))

        body = d.pop("body")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        decision = LogEntry.from_dict(d.pop("decision"))

        def _parse_outcome(data: object) -> AppealOutcome | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                outcome_type_0 = AppealOutcome(data)

                return outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AppealOutcome | None | Unset, data)

        outcome = _parse_outcome(d.pop("outcome", UNSET))

        def _parse_decided_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        decided_at = _parse_decided_at(d.pop("decided_at", UNSET))

        appeal_entry = cls(
            id=id,
            action_id=action_id,
            body=body,
            created_at=created_at,
            decision=decision,
            outcome=outcome,
            decided_at=decided_at,
        )

        appeal_entry.additional_properties = d
        return appeal_entry

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
