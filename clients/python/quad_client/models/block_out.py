from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.user_summary import UserSummary


T = TypeVar("T", bound="BlockOut")


@_attrs_define
class BlockOut:
    """One of my blocks. A block made on anonymous content names the content, never its
    author: `user` is null and nothing in it tells who they are.

        Attributes:
            id (UUID): Unblock with DELETE /users/me/blocks/{id}
            via_type (str): user, post or comment: what the block was made on
            via_id (UUID): The user, post or comment it was made on
            anonymous (bool): Made on anonymous content: hides only anonymous content
            user (None | UserSummary): The blocked user; null for a block made on anonymous content (and for a closed
                account)
            label (str): What to show: the user's nickname, or 'the author of …' with the post's title or the comment's
                start
            created_at (datetime.datetime):
    """

    id: UUID
    via_type: str
    via_id: UUID
    anonymous: bool
    user: None | UserSummary
    label: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.user_summary import UserSummary

        id = str(self.id)

        via_type = self.via_type

        via_id = str(self.via_id)

        anonymous = self.anonymous

        user: dict[str, Any] | None
        if isinstance(self.user, UserSummary):
            user = self.user.to_dict()
        else:
            user = self.user

        label = self.label

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "via_type": via_type,
                "via_id": via_id,
                "anonymous": anonymous,
                "user": user,
                "label": label,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.user_summary import UserSummary

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        via_type = d.pop("via_type")

        via_id = UUID(d.pop("via_id"))

        anonymous = d.pop("anonymous")

        def _parse_user(data: object) -> None | UserSummary:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                user_type_0 = UserSummary.from_dict(data)

                return user_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UserSummary, data)

        user = _parse_user(d.pop("user"))

        label = d.pop("label")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        block_out = cls(
            id=id,
            via_type=via_type,
            via_id=via_id,
            anonymous=anonymous,
            user=user,
            label=label,
            created_at=created_at,
        )

        block_out.additional_properties = d
        return block_out

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
