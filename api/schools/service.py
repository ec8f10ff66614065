"""Schools, their departments and email domains are created by operators (see `quad schools
add` and `quad schools domains`), read by all."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.errors import NotFound
from api.schools import domains
from api.schools.models import Department, School, SchoolDomain
from api.schools.schemas import DepartmentOut, SchoolDetail, SchoolOut


def _out(school: School, email_domains: list[str]) -> SchoolOut:
    return SchoolOut(
        id=school.id,
        name=school.name,
        email_domain=school.email_domain,
        email_domains=email_domains,
        created_at=school.created_at,
    )


def list_schools(session: Session) -> list[SchoolOut]:
    rows = session.scalars(select(School).order_by(School.name)).all()
    listed: dict[UUID, list[str]] = {}
    for school_id, domain in session.execute(
        select(SchoolDomain.school_id, SchoolDomain.domain).order_by(SchoolDomain.domain)
    ):
        listed.setdefault(school_id, []).append(domain)
    return [_out(s, listed.get(s.id, [])) for s in rows]


def get_school(session: Session, school_id: UUID) -> SchoolDetail:
    school = session.get(School, school_id)
    if school is None:
        raise NotFound("No such school.")
    departments = session.scalars(
        select(Department).where(Department.school_id == school_id).order_by(Department.name)
    ).all()
    return SchoolDetail(
        **_out(school, domains.list_domains(session, school_id)).model_dump(),
        departments=[DepartmentOut.model_validate(d) for d in departments],
        members_create_boards=school.members_create_boards,
    )


def create_school(
    session: Session, name: str, email_domain: str | None = None, departments: Sequence[str] = ()
) -> School:
    """Create a school, or return the existing one of that name, with its departments
    (and `email_domain` added to its domains)."""
    school = session.scalar(select(School).where(School.name == name))
    if school is None:
        school = School(name=name)
        session.add(school)
        session.flush()
    if email_domain is not None:
        domains.add_domain(session, school, email_domain)
    for dept in departments:
        add_department(session, school.id, dept)
    return school


def add_department(session: Session, school_id: UUID, name: str) -> Department:
    dept = session.scalar(
        select(Department).where(Department.school_id == school_id, Department.name == name)
    )
    if dept is None:
        dept = Department(school_id=school_id, name=name)
        session.add(dept)
        session.flush()
    return dept


def find_school(session: Session, name_or_id: str) -> School | None:
    """An operator names a school by its id or its exact name."""
    try:
        school_id = UUID(name_or_id)
    except ValueError:
        return session.scalar(select(School).where(School.name == name_or_id))
    return session.get(School, school_id)


def set_board_creation(session: Session, school: School, allowed: bool) -> None:
    """Whether the school's members may create boards (its operators always may)."""
    school.members_create_boards = allowed
    session.flush()
