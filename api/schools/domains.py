"""Which mailboxes may join a school: those at one of its domains or their subdomains.

A listed domain matches itself and every subdomain (`hanbit.ac.kr` lets
`cs.hanbit.ac.kr` join), compared in lower-case ASCII (api/core/emails.py), so a
look-alike Unicode domain never matches. A school with no domain accepts nobody.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from api.core.db import table_of
from api.core.emails import parse_email
from api.schools.errors import EmailDomainMismatch, SchoolNotOpen
from api.schools.models import School, SchoolDomain


def normalize_domain(text: str) -> str:
    """`text` as stored: lower-case ASCII (IDNA). ValueError if it is no domain, or a bare
    top-level domain (which would let a whole country's mail in)."""
    parsed = parse_email(f"x@{text.strip().removesuffix('.')}")
    if parsed is None:
        raise ValueError(f"not a domain: {text!r}")
    if "." not in parsed.domain:
        raise ValueError(f"a school's domain needs at least two labels: {text!r}")
    return parsed.domain


def covers(listed: str, domain: str) -> bool:
    return domain == listed or domain.endswith("." + listed)


def check_email_domain(
    session: Session, school_id: UUID, domain: str, *, field: str = "email"
) -> None:
    """Raise unless a mailbox at `domain` (ASCII, lower case) may join the school (or be
    a member's new address); `field` names the address in the problem."""
    listed = session.scalars(
        select(SchoolDomain.domain).where(SchoolDomain.school_id == school_id)
    ).all()
    if not listed:
        raise SchoolNotOpen("Ask the school's operator to add its email domain.", field="school_id")
    if not any(covers(d, domain) for d in listed):
        raise EmailDomainMismatch(
            "Use your school email address.", field=field, domains=sorted(listed)
        )


def allows(session: Session, school_id: UUID, address: str) -> bool:
    """Whether the school takes `address` (stored or typed): `check_email_domain`'s rule,
    as a question."""
    parsed = parse_email(address)
    if parsed is None:
        return False
    return any(covers(d, parsed.domain) for d in list_domains(session, school_id))


def list_domains(session: Session, school_id: UUID) -> list[str]:
    return list(
        session.scalars(
            select(SchoolDomain.domain)
            .where(SchoolDomain.school_id == school_id)
            .order_by(SchoolDomain.domain)
        )
    )


def add_domain(session: Session, school: School, text: str) -> str:
    """Add a domain (idempotent); the first one also becomes the school's `email_domain`."""
    domain = normalize_domain(text)
    session.execute(
        insert(table_of(SchoolDomain))
        .values(school_id=school.id, domain=domain)
        .on_conflict_do_nothing()
    )
    if school.email_domain is None:
        school.email_domain = domain
    return domain


def remove_domain(session: Session, school: School, text: str) -> bool:
    """Remove a domain; False if the school did not list it. Accounts already made stay."""
    domain = normalize_domain(text)
    gone = session.scalars(
        delete(SchoolDomain)
        .where(SchoolDomain.school_id == school.id, SchoolDomain.domain == domain)
        .returning(SchoolDomain.domain)
    ).all()
    if school.email_domain == domain:
        remaining = list_domains(session, school.id)
        school.email_domain = remaining[0] if remaining else None
    return bool(gone)
