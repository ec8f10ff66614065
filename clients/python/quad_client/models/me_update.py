from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="MeUpdate")


@_attrs_define
class MeUpdate:
    """
    Attributes:
        nickname (str): 2-20 letters of any script (민지, minji), digits, '_', '.', '-'
    """

    nickname: str

    def to_dict(self) -> dict[str, Any]:
        nickname = self.nickname

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "nickname": nickname,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        nickname = d.pop("nickname")

        me_update = cls(
            nickname=nickname,
        )

        return me_update
