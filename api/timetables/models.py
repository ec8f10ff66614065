from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column


class Timetable(Base):
    __tablename__ = "timetables"
    __table_args__ = (
        Index("ix_timetables_owner", "user_id", "semester", "created_at"),
        # Exactly one primary timetable per user and semester.
        Index(
            "uq_timetables_primary",
            "user_id",
            "semester",
            unique=True,
            postgresql_where=text("is_primary"),
        ),
    )

    id: Mapped[UUID] = id_column()
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    semester: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(50))
    is_public: Mapped[bool] = mapped_column(default=False)
    is_primary: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = created_at_column()


class TimetableCourse(Base):
    __tablename__ = "timetable_courses"

    timetable_id: Mapped[UUID] = mapped_column(
        ForeignKey("timetables.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = created_at_column()
