from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.appeal_outcome import AppealOutcome

T = TypeVar("T", bound="AppealDecisionIn")


@_attrs_define
class AppealDecisionIn:
    """
    Attributes:
        outcome (AppealOutcome):
        reason (str): Kept in the log
    """

    outcome: AppealOutcome
    reason: str

    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome.value

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "outcome": outcome,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        outcome = AppealOutcome(d.pop("outcome"))

        reason = d.pop("reason")

        appeal_decision_in = cls(
            outcome=outcome,
            reason=reason,
        )

        return appeal_decision_in
