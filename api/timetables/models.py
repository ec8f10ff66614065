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
    # The analytics DAG reads each day's additions by added_at (migration 0006).
    __table_args__ = (
        Index(
            "ix_timetable_courses_added_at_brin",
            "added_at",
            postgresql_using="brin",
            postgresql_with={"autosummarize": "on", "pages_per_range": 32},
        ),
    )

    timetable_id: Mapped[UUID] = mapped_column(
        ForeignKey("timetables.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = created_at_column()


class TimetableCourseRemoval(Base):
    """A course taken off a timetable, alone or with the whole timetable.

    Removing deletes the timetable_courses row, so this log is the only trace of a
    removal: the analytics DAG loads it as `timetable_course_removed` events. It holds
    ids and a time, nothing else. No foreign key to the timetable: the log outlives a
    deleted timetable (the owner is kept here for that). A hard-deleted user or course
    takes its rows along, as it does with the user's or course's other rows.
    """

    __tablename__ = "timetable_course_removals"
    __table_args__ = (
        Index(
            "ix_timetable_course_removals_removed_at_brin",
            "removed_at",
            postgresql_using="brin",
            postgresql_with={"autosummarize": "on", "pages_per_range": 32},
        ),
    )

    id: Mapped[UUID] = id_column()
    timetable_id: Mapped[UUID]
    course_id: Mapped[UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    removed_at: Mapped[datetime] = created_at_column()
