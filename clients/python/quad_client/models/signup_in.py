from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.signup_in_language import SignupInLanguage
from ..types import UNSET, Unset

T = TypeVar("T", bound="SignupIn")


@_attrs_define
class SignupIn:
    """
    Attributes:
        email (str):
        password (str):
        nickname (str): 2-20 letters of any script (민지, minji), digits, '_', '.', '-'
        school_id (UUID):
        department_id (None | Unset | UUID):
        language (SignupInLanguage | Unset): The language of the mails the account gets Default: SignupInLanguage.KO.
    """

    email: str
    password: str
    nickname: str
    school_id: UUID
    department_id: None | Unset | UUID = UNSET
    language: SignupInLanguage | Unset = SignupInLanguage.KO

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        password = self.password

        nickname = self.nickname

        school_id = str(self.school_id)

        department_id: None | str | Unset
        if isinstance(self.department_id, Unset):
            department_id = UNSET
        elif isinstance(self.department_id, UUID):
            department_id = str(self.department_id)
        else:
            department_id = self.department_id

        language: str | Unset = UNSET
        if not isinstance(self.language, Unset):
            language = self.language.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "password": password,
                "nickname": nickname,
                "school_id": school_id,
            }
        )
        if department_id is not UNSET:
            field_dict["department_id"] = department_id
        if language is not UNSET:
            field_dict["language"] = language

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        email = d.pop("email")

        password = d.pop("password")

        nickname = d.pop("nickname")

        school_id = UUID(d.pop("school_id"))

        def _parse_department_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                department_id_type_0 = UUID(data)

                return department_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        department_id = _parse_department_id(d.pop("department_id", UNSET))

        _language = d.pop("language", UNSET)
        language: SignupInLanguage | Unset
        if isinstance(_language, Unset):
            language = UNSET
        else:
            language = SignupInLanguage(_language)

        signup_in = cls(
            email=email,
            password=password,
            nickname=nickname,
            school_id=school_id,
            department_id=department_id,
            language=language,
        )

        return signup_in
