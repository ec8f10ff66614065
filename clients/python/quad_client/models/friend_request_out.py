from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.user_summary import UserSummary


T = TypeVar("T", bound="FriendRequestOut")


@_attrs_define
class FriendRequestOut:
    """
    Attributes:
        id (UUID):
        sender (UserSummary):
        recipient (UserSummary):
        status (str): pending, accepted, declined or cancelled
        created_at (datetime.datetime):
        responded_at (datetime.datetime | None):
    """

    id: UUID
    sender: UserSummary
    recipient: UserSummary
    status: str
    created_at: datetime.datetime
    responded_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        sender = self.sender.to_dict()

        recipient = self.recipient.to_dict()

        status = self.status

        created_at = self.created_at.isoformat()

        responded_at: None | str
        if isinstance(self.responded_at, datetime.datetime):
            responded_at = self.responded_at.isoformat()
        else:
            responded_at = self.responded_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "sender": sender,
                "recipient": recipient,
                "status": status,
                "created_at": created_at,
                "responded_at": responded_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.user_summary import UserSummary

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        sender = UserSummary.from_dict(d.pop("sender"))

        recipient = UserSummary.from_dict(d.pop("recipient"))

        status = d.pop("status")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_responded_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                responded_at_type_0 = datetime.datetime.fromisoformat(data)

                return responded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        responded_at = _parse_responded_at(d.pop("responded_at"))

        friend_request_out = cls(
            id=id,
            sender=sender,
            recipient=recipient,
            status=status,
            created_at=created_at,
            responded_at=responded_at,
        )

        friend_request_out.additional_properties = d
        return friend_request_out

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
