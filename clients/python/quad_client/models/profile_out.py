from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.school_ref import SchoolRef


T = TypeVar("T", bound="ProfileOut")


@_attrs_define
class ProfileOut:
    """What anyone signed in may see of a user. Never their anonymous content.

    Attributes:
        id (UUID):
        nickname (str):
        school (SchoolRef):
        joined_at (datetime.datetime):
        follower_count (int):
        following_count (int):
        friend_count (int):
    """

    id: UUID
    nickname: str
    school: SchoolRef
    joined_at: datetime.datetime
    follower_count: int
    following_count: int
    friend_count: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        nickname = self.nickname

        school = self.school.to_dict()

        joined_at = self.joined_at.isoformat()

        follower_count = self.follower_count

        following_count = self.following_count

        friend_count = self.friend_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "nickname": nickname,
                "school": school,
                "joined_at": joined_at,
                "follower_count": follower_count,
                "following_count": following_count,
                "friend_count": friend_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.school_ref import SchoolRef

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        nickname = d.pop("nickname")

        school = SchoolRef.from_dict(d.pop("school"))

        joined_at = datetime.datetime.fromisoformat(d.pop("joined_at"))

        follower_count = d.pop("follower_count")

        following_count = d.pop("following_count")

        friend_count = d.pop("friend_count")

        profile_out = cls(
            id=id,
            nickname=nickname,
            school=school,
            joined_at=joined_at,
            follower_count=follower_count,
            following_count=following_count,
            friend_count=friend_count,
        )

        profile_out.additional_properties = d
        return profile_out

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
