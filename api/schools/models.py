from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column


class School(Base):
    __tablename__ = "schools"

    id: Mapped[UUID] = id_column()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The first domain an operator gave (shown to clients and analysts); who may join is
    # decided by SchoolDomain, which holds this one too.
    email_domain: Mapped[str | None] = mapped_column(String(200))
    # Whether members may create boards (`quad schools set-board-creation`); operators
    # always may.
    members_create_boards: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = created_at_column()


class SchoolDomain(Base):
    """An email domain whose mailboxes (and its subdomains' mailboxes) may join the school.

    Stored in ASCII (IDNA, lower case): api/schools/domains.py normalises operators' input
    and signup's email the same way. Several schools may list one domain (campuses that
    share a mail system); signup checks the chosen school's domains only.
    """

    __tablename__ = "school_domains"

    school_id: Mapped[UUID] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )
    domain: Mapped[str] = mapped_column(String(253), primary_key=True)
    created_at: Mapped[datetime] = created_at_column()


class Department(Base):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[UUID] = id_column()
    school_id: Mapped[UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at_column()
