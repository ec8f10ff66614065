from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.appeal_out import AppealOut
    from ..models.log_entry import LogEntry


T = TypeVar("T", bound="MyDecision")


@_attrs_define
class MyDecision:
    """A decision on the viewer's own content (the moderator is not named).

    Attributes:
        entry (LogEntry): A decision as moderators see it: never whose content it was.
        appeal (AppealOut | None):
    """

    entry: LogEntry
    appeal: AppealOut | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.appeal_out import AppealOut

        entry = self.entry.to_dict()

        appeal: dict[str, Any] | None
        if isinstance(self.appeal, AppealOut):
            appeal = self.appeal.to_dict()
        else:
            appeal = self.appeal

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entry": entry,
                "appeal": appeal,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.appeal_out import AppealOut
        from ..models.log_entry import LogEntry

        d = dict(src_dict)
        entry = LogEntry.from_dict(d.pop("entry"))

        def _parse_appeal(data: object) -> AppealOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                appeal_type_0 = AppealOut.from_dict(data)

                return appeal_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AppealOut | None, data)

        appeal = _parse_appeal(d.pop("appeal"))

        my_decision = cls(
            entry=entry,
            appeal=appeal,
        )

        my_decision.additional_properties = d
        return my_decision

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
