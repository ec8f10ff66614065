from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.school_ref import SchoolRef


T = TypeVar("T", bound="MeOut")


@_attrs_define
class MeOut:
    """
    Attributes:
        id (UUID):
        email (str):
        nickname (str):
        school (SchoolRef):
        department_id (None | UUID):
        created_at (datetime.datetime):
        email_verified (bool): False until the mailed code is entered: until then only signing in, this account,
            verifying and leaving work (403 verification-required elsewhere)
        language (str): The language of the account's mails: ko or en
    """

    id: UUID
    email: str
    nickname: str
    school: SchoolRef
    department_id: None | UUID
    created_at: datetime.datetime
    email_verified: bool
    language: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        email = self.email

        nickname = self.nickname

        school = self.school.to_dict()

        department_id: None | str
        if isinstance(self.department_id, UUID):
            department_id = str(self.department_id)
        else:
            department_id = self.department_id

        created_at = self.created_at.isoformat()

        email_verified = self.email_verified

        language = self.language

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "email": email,
                "nickname": nickname,
                "school": school,
                "department_id": department_id,
                "created_at": created_at,
                "email_verified": email_verified,
                "language": language,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.school_ref import SchoolRef

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        email = d.pop("email")

        nickname = d.pop("nickname")

        school = SchoolRef.from_dict(d.pop("school"))

        def _parse_department_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                department_id_type_0 = UUID(data)

                return department_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        department_id = _parse_department_id(d.pop("department_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        email_verified = d.pop("email_verified")

        language = d.pop("language")

        me_out = cls(
            id=id,
            email=email,
            nickname=nickname,
            school=school,
            department_id=department_id,
            created_at=created_at,
            email_verified=email_verified,
            language=language,
        )

        me_out.additional_properties = d
        return me_out

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
