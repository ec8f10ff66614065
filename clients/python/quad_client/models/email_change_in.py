from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="EmailChangeIn")


@_attrs_define
class EmailChangeIn:
    """
    Attributes:
        new_email (str): At one of the school's email domains, like signup's
        password (str): The current password
    """

    new_email: str
    password: str

    def to_dict(self) -> dict[str, Any]:
        new_email = self.new_email

        password = self.password

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "new_email": new_email,
                "password": password,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        new_email = d.pop("new_email")

        password = d.pop("password")

        email_change_in = cls(
            new_email=new_email,
            password=password,
        )

        return email_change_in
