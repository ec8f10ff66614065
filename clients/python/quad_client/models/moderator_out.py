from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ModeratorOut")


@_attrs_define
class ModeratorOut:
    """
    Attributes:
        user_id (UUID):
        nickname (None | str):
        school_id (UUID):
        granted_at (datetime.datetime):
    """

    user_id: UUID
    nickname: None | str
    school_id: UUID
    granted_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = str(self.user_id)

        nickname: None | str
        nickname = self.nickname

        school_id = str(self.school_id)

        granted_at = self.granted_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "nickname": nickname,
                "school_id": school_id,
                "granted_at": granted_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        user_id = UUID(d.pop("user_id"))

        def _parse_nickname(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        nickname = _parse_nickname(d.pop("nickname"))

        school_id = UUID(d.pop("school_id"))

        granted_at = datetime.datetime.fromisoformat(d.pop("granted_at"))

        moderator_out = cls(
            user_id=user_id,
            nickname=nickname,
            school_id=school_id,
            granted_at=granted_at,
        )

        moderator_out.additional_properties = d
        return moderator_out

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
