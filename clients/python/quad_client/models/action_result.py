from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.author_history import AuthorHistory
    from ..models.log_entry import LogEntry


T = TypeVar("T", bound="ActionResult")


@_attrs_define
class ActionResult:
    """
    Attributes:
        changed (bool): false: it was so already (nothing logged)
        entry (LogEntry | None | Unset): The new log entry, if any
        author_history (AuthorHistory | None | Unset): The author's earlier decisions (school moderators and admins
            only)
    """

    changed: bool
    entry: LogEntry | None | Unset = UNSET
    author_history: AuthorHistory | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.author_history import AuthorHistory
        from ..models.log_entry import LogEntry

        changed = self.changed

        entry: dict[str, Any] | None | Unset
        if isinstance(self.entry, Unset):
            entry = UNSET
        elif isinstance(self.entry, LogEntry):
            entry = self.entry.to_dict()
        else:
            entry = self.entry

        author_history: dict[str, Any] | None | Unset
        if isinstance(self.author_history, Unset):
            author_history = UNSET
        elif isinstance(self.author_history, AuthorHistory):
            author_history = self.author_history.to_dict()
        else:
            author_history = self.author_history

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "changed": changed,
            }
        )
        if entry is not UNSET:
            field_dict["entry"] = entry
        if author_history is not UNSET:
            field_dict["author_history"] = author_history

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.author_history import AuthorHistory
        from ..models.log_entry import LogEntry

        d = dict(src_dict)
        changed = d.pop("changed")

        def _parse_entry(data: object) -> LogEntry | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                entry_type_0 = LogEntry.from_dict(data)

                return entry_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LogEntry | None | Unset, data)

        entry = _parse_entry(d.pop("entry", UNSET))

        def _parse_author_history(data: object) -> AuthorHistory | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                author_history_type_0 = AuthorHistory.from_dict(data)

                return author_history_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuthorHistory | None | Unset, data)

        author_history = _parse_author_history(d.pop("author_history", UNSET))

        action_result = cls(
            changed=changed,
            entry=entry,
            author_history=author_history,
        )

        action_result.additional_properties = d
        return action_result

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
