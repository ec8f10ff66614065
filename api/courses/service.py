"""The course catalog, professors and reviews.

The catalog is public to signed-in users (students plan with friends across schools);
reviews are written and read by members of the course's school only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from api.auth.tokens import Viewer
from api.boards.service import require_member
from api.core import search
from api.core.db import utcnow
from api.core.errors import NotFound
from api.core.pagination import Page, keyset_page
from api.courses.models import Course, CourseSlot, Professor, Review
from api.courses.schemas import CourseOut, ProfessorOut, ProfessorRef, ReviewIn, ReviewOut, SlotOut
from api.events import service as events
from api.events.types import EventType


def slots_by_course(session: Session, course_ids: Iterable[UUID]) -> dict[UUID, list[SlotOut]]:
    """Every slot of these courses in one statement."""
    ids = list(course_ids)
    slots: dict[UUID, list[SlotOut]] = defaultdict(list)
    if not ids:
        return slots
    rows = session.execute(
        select(CourseSlot)
        .where(CourseSlot.course_id.in_(ids))
        .order_by(CourseSlot.weekday, CourseSlot.starts_at)
    ).scalars()
    for slot in rows:
        slots[slot.course_id].append(SlotOut.model_validate(slot))
    return slots


def course_out(course: Course, slots: list[SlotOut]) -> CourseOut:
    professor = (
        ProfessorRef(id=course.professor_id, name=course.professor_name)
        if course.professor_id
        else None
    )
    return CourseOut(
        id=course.id,
        school_id=course.school_id,
        semester=course.semester,
        code=course.code,
        name=course.name,
        professor=professor,
        credits=course.credits,
        slots=slots,
        review_count=course.review_count,
        average_rating=(
            round(course.rating_sum / course.review_count, 2) if course.review_count else None
        ),
    )


def _courses_out(session: Session, courses: list[Course]) -> list[CourseOut]:
    slots = slots_by_course(session, (c.id for c in courses))
    return [course_out(c, slots[c.id]) for c in courses]


def search_catalog(
    session: Session,
    school_id: UUID,
    semester: str,
    query: str | None,
    cursor: str | None,
    limit: int,
) -> Page[CourseOut]:
    """A school's catalog for a semester by code; with `query`, only courses whose code,
    name or professor contains every word (case-insensitive). Two statements a page."""
    stmt = select(Course).where(Course.school_id == school_id, Course.semester == semester)
    if query:
        haystack = func.lower(
            Course.code + literal(" ") + Course.name + literal(" ") + Course.professor_name
        )
        stmt = stmt.where(*search.matches(Course.search_terms, haystack, query))
    rows, next_cursor = keyset_page(
        session, stmt, Course.code, Course.id, cursor, limit, newest_first=False, sort_type=str
    )
    return Page[CourseOut](
        items=_courses_out(session, [r.Course for r in rows]), next_cursor=next_cursor
    )


def get_course(session: Session, course_id: UUID) -> CourseOut:
    course = session.get(Course, course_id)
    if course is None:
        raise NotFound("No such course.")
    return _courses_out(session, [course])[0]


def get_professor(session: Session, professor_id: UUID, semester: str | None) -> ProfessorOut:
    professor = session.get(Professor, professor_id)
    if professor is None:
        raise NotFound("No such professor.")
    stmt = select(Course).where(Course.professor_id == professor_id)
    if semester:
        stmt = stmt.where(Course.semester == semester)
    courses = list(session.scalars(stmt.order_by(Course.semester.desc(), Course.code)))
    return ProfessorOut(
        id=professor.id,
        school_id=professor.school_id,
        name=professor.name,
        courses=_courses_out(session, courses),
    )


# --- reviews ----------------------------------------------------------------------------


def _member_course(session: Session, viewer: Viewer, course_id: UUID, lock: bool = False):
    stmt = select(Course).where(Course.id == course_id)
    course = session.scalar(stmt.with_for_update() if lock else stmt)
    if course is None:
        raise NotFound("No such course.")
    require_member(viewer, course.school_id)
    return course


def _refresh_rating(session: Session, course_id: UUID) -> None:
    """Recompute the course's count and sum from its reviews (the caller holds the lock)."""
    totals = (
        select(func.count(Review.id), func.coalesce(func.sum(Review.rating), 0))
        .where(Review.course_id == course_id)
        .subquery()
    )
    session.execute(
        update(Course)
        .where(Course.id == course_id)
        .values(
            review_count=select(totals.c[0]).scalar_subquery(),
            rating_sum=select(totals.c[1]).scalar_subquery(),
        )
    )


def put_review(session: Session, viewer: Viewer, course_id: UUID, data: ReviewIn) -> ReviewOut:
    """Create or replace the caller's review. The course row is locked, so concurrent
    reviews are counted one after another and the average stays exact."""
    _member_course(session, viewer, course_id, lock=True)
    now = utcnow()
    stmt = insert(Review).values(
        course_id=course_id,
        user_id=viewer.id,
        rating=data.rating,
        text=data.text,
        semester_taken=data.semester_taken,
        created_at=now,
    )
    review = session.execute(
        stmt.on_conflict_do_update(
            index_elements=[Review.course_id, Review.user_id],
            set_={
                "rating": stmt.excluded.rating,
                "text": stmt.excluded.text,
                "semester_taken": stmt.excluded.semester_taken,
                "updated_at": now,
            },
        ).returning(Review)
    ).scalar_one()
    _refresh_rating(session, course_id)
    events.record(
        session,
        EventType.review_posted,
        f"courses/{course_id}/reviews/{review.id}",
        {
            "review_id": str(review.id),
            "course_id": str(course_id),
            "school_id": str(viewer.school_id),
            "user_id": str(viewer.id),
            "rating": review.rating,
        },
    )
    return _review_out(review, viewer)


def delete_review(session: Session, viewer: Viewer, course_id: UUID) -> None:
    _member_course(session, viewer, course_id, lock=True)
    removed = session.execute(
        delete(Review)
        .where(Review.course_id == course_id, Review.user_id == viewer.id)
        .returning(Review.id)
    ).first()
    if removed is None:
        raise NotFound("You have not reviewed this course.")
    _refresh_rating(session, course_id)


def list_reviews(
    session: Session, viewer: Viewer, course_id: UUID, cursor: str | None, limit: int
) -> Page[ReviewOut]:
    _member_course(session, viewer, course_id)
    stmt = select(Review).where(Review.course_id == course_id)
    rows, next_cursor = keyset_page(session, stmt, Review.created_at, Review.id, cursor, limit)
    return Page[ReviewOut](
        items=[_review_out(r.Review, viewer) for r in rows], next_cursor=next_cursor
    )


def _review_out(review: Any, viewer: Viewer) -> ReviewOut:
    return ReviewOut(
        id=review.id,
        course_id=review.course_id,
        rating=review.rating,
        text=review.text,
        semester_taken=review.semester_taken,
        created_at=review.created_at,
        updated_at=review.updated_at,
        is_mine=review.user_id == viewer.id,
    )
