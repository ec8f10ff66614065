from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.me_out import MeOut
    from ..models.token_pair import TokenPair


T = TypeVar("T", bound="AccountOut")


@_attrs_define
class AccountOut:
    """An account and a token pair for it: what signup and verification answer.

    Attributes:
        user (MeOut):
        tokens (TokenPair):
    """

    user: MeOut
    tokens: TokenPair
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user = self.user.to_dict()

        tokens = self.tokens.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user": user,
                "tokens": tokens,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.me_out import MeOut
        from ..models.token_pair import TokenPair

        d = dict(src_dict)
        user = MeOut.from_dict(d.pop("user"))

        tokens = TokenPair.from_dict(d.pop("tokens"))

        account_out = cls(
            user=user,
            tokens=tokens,
        )

        account_out.additional_properties = d
        return account_out

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
