from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.department_out import DepartmentOut


T = TypeVar("T", bound="SchoolDetail")


@_attrs_define
class SchoolDetail:
    """
    Attributes:
        id (UUID):
        name (str):
        email_domain (None | str): The first of `email_domains`
        email_domains (list[str]): Signup takes addresses at these domains and their subdomains (ASCII)
        created_at (datetime.datetime):
        departments (list[DepartmentOut]):
        members_create_boards (bool): Members may create boards here (else only the school's operators do)
    """

    id: UUID
    name: str
    email_domain: None | str
    email_domains: list[str]
    created_at: datetime.datetime
    departments: list[DepartmentOut]
    members_create_boards: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        email_domain: None | str
        email_domain = self.email_domain

        email_domains = self.email_domains

        created_at = self.created_at.isoformat()

        departments = []
        for departments_item_data in self.departments:
            departments_item = departments_item_data.to_dict()
            departments.append(departments_item)

        members_create_boards = self.members_create_boards

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "email_domain": email_domain,
                "email_domains": email_domains,
                "created_at": created_at,
                "departments": departments,
                "members_create_boards": members_create_boards,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.department_out import DepartmentOut

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        def _parse_email_domain(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email_domain = _parse_email_domain(d.pop("email_domain"))

        email_domains = cast(list[str], d.pop("email_domains"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        departments = []
        _departments = d.pop("departments")
        for departments_item_data in _departments:
            departments_item = DepartmentOut.from_dict(departments_item_data)

            departments.append(departments_item)

        members_create_boards = d.pop("members_create_boards")

        school_detail = cls(
            id=id,
            name=name,
            email_domain=email_domain,
            email_domains=email_domains,
            created_at=created_at,
            departments=departments,
            members_create_boards=members_create_boards,
        )

        school_detail.additional_properties = d
        return school_detail

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
