"""The course catalog (per school and semester), professors and course reviews."""

from __future__ import annotations

from datetime import datetime, time
from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    Computed,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column

# 2026-1, 2026-2, summer 2026-S, winter 2026-W; [0-9], since \d takes any script's digits.
SEMESTER_PATTERN = r"^[0-9]{4}-(1|2|S|W)$"


class Professor(Base):
    __tablename__ = "professors"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[UUID] = id_column()
    school_id: Mapped[UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = created_at_column()


class Course(Base):
    __tablename__ = "courses"
    __table_args__ = (
        UniqueConstraint("school_id", "semester", "code"),
        Index("ix_courses_professor", "professor_id", "semester"),
        Index("ix_courses_search_terms", "search_terms", postgresql_using="gin"),
        CheckConstraint("credits >= 0 AND credits <= 30", name="credits"),
    )

    id: Mapped[UUID] = id_column()
    school_id: Mapped[UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    semester: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    professor_id: Mapped[UUID | None] = mapped_column(ForeignKey("professors.id"))
    # Denormalised for search: one index finds a course by code, name or professor.
    professor_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    credits: Mapped[int] = mapped_column(SmallInteger)
    # Kept exact under concurrent reviews: recomputed under the course's row lock.
    review_count: Mapped[int] = mapped_column(default=0, server_default="0")
    rating_sum: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = created_at_column()
    # Character bigrams (see migration 0001): case-insensitive substring search by
    # an index on every PostgreSQL, including ones without pg_trgm.
    search_terms: Mapped[list[str]] = mapped_column(
        ARRAY(Text),
        Computed("quad_search_terms(code || ' ' || name || ' ' || professor_name)", persisted=True),
        deferred=True,  # only SQL reads it; parsing the array in Python is expensive
    )
    # What a search checks each candidate for the query's words (stored: computing it per
    # candidate was most of a search for a common word; migration 0007).
    search_text: Mapped[str] = mapped_column(
        Text,
        Computed("lower(code || ' ' || name || ' ' || professor_name)", persisted=True),
        deferred=True,
    )


class CourseSlot(Base):
    """One weekly meeting: weekday 0 = Monday ... 6 = Sunday."""

    __tablename__ = "course_slots"
    __table_args__ = (
        Index("ix_course_slots_course", "course_id"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("starts_at < ends_at", name="order"),
    )

    id: Mapped[UUID] = id_column()
    course_id: Mapped[UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(SmallInteger)
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    room: Mapped[str] = mapped_column(String(50), default="", server_default="")


class Review(Base):
    __tablename__ = "course_reviews"
    __table_args__ = (
        UniqueConstraint("course_id", "user_id"),
        Index("ix_course_reviews_course_feed", "course_id", text("created_at DESC"), "id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
    )

    id: Mapped[UUID] = id_column()
    course_id: Mapped[UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(SmallInteger)
    text: Mapped[str] = mapped_column(String(2000), default="", server_default="")
    semester_taken: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime | None]
