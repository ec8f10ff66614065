from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from api.core.schemas import OutputModel


class DepartmentOut(OutputModel):
    id: UUID
    name: str


class SchoolOut(OutputModel):
    id: UUID
    name: str
    email_domain: str | None = Field(description="The first of `email_domains`")
    email_domains: list[str] = Field(
        description="Signup takes addresses at these domains and their subdomains (ASCII)"
    )
    created_at: datetime


class SchoolDetail(SchoolOut):
    departments: list[DepartmentOut]
    members_create_boards: bool = Field(
        description="Members may create boards here (else only the school's operators do)"
    )
