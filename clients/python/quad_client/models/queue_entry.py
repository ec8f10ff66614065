from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.queue_status import QueueStatus
from ..models.target_type import TargetType

if TYPE_CHECKING:
    from ..models.author_history import AuthorHistory
    from ..models.queue_entry_reasons import QueueEntryReasons


T = TypeVar("T", bound="QueueEntry")


@_attrs_define
class QueueEntry:
    """
    Attributes:
        target_type (TargetType):
        target_id (UUID):
        board_id (None | UUID):
        post_id (None | UUID): The post, or the comment's post
        title (None | str): The post's title (a comment's: its post's)
        body (None | str): The target's text; null once removed
        hidden (bool):
        removed (bool):
        status (QueueStatus):
        report_count (int):
        reasons (QueueEntryReasons):
        notes (list[str]): The reporters' notes, oldest first
        first_reported_at (datetime.datetime):
        last_reported_at (datetime.datetime):
        last_decision (None | str):
        author_history (AuthorHistory | None): The author's decisions so far (school moderators and admins only)
    """

    target_type: TargetType
    target_id: UUID
    board_id: None | UUID
    post_id: None | UUID
    title: None | str
    body: None | str
    hidden: bool
    removed: bool
    status: QueueStatus
    report_count: int
    reasons: QueueEntryReasons
    notes: list[str]
    first_reported_at: datetime.datetime
    last_reported_at: datetime.datetime
    last_decision: None | str
    author_history: AuthorHistory | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.author_history import AuthorHistory

        target_type = self.target_type.value

        target_id = str(self.target_id)

        board_id: None | str
        if isinstance(self.board_id, UUID):
            board_id = str(self.board_id)
        else:
            board_id = self.board_id

        post_id: None | str
        if isinstance(self.post_id, UUID):
            post_id = str(self.post_id)
        else:
            post_id = self.post_id

        title: None | str
        title = self.title

        body: None | str
        body = self.body

        hidden = self.hidden

        removed = self.removed

        status = self.status.value

        report_count = self.report_count

        reasons = self.reasons.to_dict()

        notes = self.notes

        first_reported_at = self.first_reported_at.isoformat()

        last_reported_at = self.last_reported_at.isoformat()

        last_decision: None | str
        last_decision = self.last_decision

        author_history: dict[str, Any] | None
        if isinstance(self.author_history, AuthorHistory):
            author_history = self.author_history.to_dict()
        else:
            author_history = self.author_history

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "target_type": target_type,
                "target_id": target_id,
                "board_id": board_id,
                "post_id": post_id,
                "title": title,
                "body": body,
                "hidden": hidden,
                "removed": removed,
                "status": status,
                "report_count": report_count,
                "reasons": reasons,
                "notes": notes,
                "first_reported_at": first_reported_at,
                "last_reported_at": last_reported_at,
                "last_decision": last_decision,
                "author_history": author_history,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.author_history import AuthorHistory
        from ..models.queue_entry_reasons import QueueEntryReasons

        d = dict(src_dict)
        target_type = TargetType(d.pop("target_type"))

        target_id = UUID(d.pop("target_id"))

        def _parse_board_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                board_id_type_0 = UUID(data)

                return board_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        board_id = _parse_board_id(d.pop("board_id"))

        def _parse_post_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                post_id_type_0 = UUID(data)

                return post_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        post_id = _parse_post_id(d.pop("post_id"))

        def _parse_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        title = _parse_title(d.pop("title"))

        def _parse_body(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        body = _parse_body(d.pop("body"))

        hidden = d.pop("hidden")

        removed = d.pop("removed")

        status = QueueStatus(d.pop("status"))

        report_count = d.pop("report_count")

        reasons = QueueEntryReasons.from_dict(d.pop("reasons"))

        notes = cast(list[str], d.pop("notes"))

        first_reported_at = datetime.datetime.fromisoformat(d.pop("first_reported_at"))

        last_reported_at = datetime.datetime.fromisoformat(d.pop("last_reported_at"))

        def _parse_last_decision(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_decision = _parse_last_decision(d.pop("last_decision"))

        def _parse_author_history(data: object) -> AuthorHistory | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                author_history_type_0 = AuthorHistory.from_dict(data)

                return author_history_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuthorHistory | None, data)

        author_history = _parse_author_history(d.pop("author_history"))

        queue_entry = cls(
            target_type=target_type,
            target_id=target_id,
            board_id=board_id,
            post_id=post_id,
            title=title,
            body=body,
            hidden=hidden,
            removed=removed,
            status=status,
            report_count=report_count,
            reasons=reasons,
            notes=notes,
            first_reported_at=first_reported_at,
            last_reported_at=last_reported_at,
            last_decision=last_decision,
            author_history=author_history,
        )

        queue_entry.additional_properties = d
        return queue_entry

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
