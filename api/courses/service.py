"""The course catalog, professors and reviews.

The catalog is public to signed-in users (students plan with friends across schools);
reviews are written and read by members of the course's school only.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any
from uuid import UUID

from pydantic import TypeAdapter
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Numeric,
    Text,
    bindparam,
    case,
    cast,
    delete,
    func,
    literal_column,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert
from sqlalchemy.orm import Session

from api.boards.service import require_member
from api.core import search
from api.core.db import AnySelect, utcnow
from api.core.errors import NotFound
from api.core.pagination import Page, decode_cursor, encode_cursor, keyset_page
from api.core.viewer import Viewer
from api.courses.models import Course, CourseSlot, Professor, Review
from api.courses.schemas import CourseOut, ProfessorOut, ReviewIn, ReviewOut
from api.outbox import service as outbox
from api.outbox.types import EventType

# --- course views, built by PostgreSQL ----------------------------------------------
#
# A course view is one JSON object made in SQL (its slots aggregated in), so a page of
# courses is one statement and Python only hands the text to pydantic (validated and
# serialised in Rust) instead of building ORM entities and models row by row.


def json_object(**fields: Any) -> ColumnElement[Any]:
    """json_build_object with its keys written into the SQL (as bound parameters, every
    key would be sent and encoded again with each execution)."""
    args: list[Any] = []
    for key, value in fields.items():
        args += (literal_column(f"'{key}'"), value)
    return func.json_build_object(*args)


def course_json(c: Any) -> ColumnElement[Any]:
    """A course as CourseOut's JSON; `c` is `Course` or anything with its columns (a CTE's
    `.c`). The average is rounded to 2 places half away from zero, as numeric does."""
    slots = (
        select(
            func.coalesce(
                func.json_agg(
                    aggregate_order_by(
                        json_object(
                            weekday=CourseSlot.weekday,
                            starts_at=CourseSlot.starts_at,
                            ends_at=CourseSlot.ends_at,
                            room=CourseSlot.room,
                        ),
                        CourseSlot.weekday,
                        CourseSlot.starts_at,
                    )
                ),
                _EMPTY_JSON_ARRAY,
            )
        )
        .where(CourseSlot.course_id == c.id)
        .scalar_subquery()
    )
    professor = case(
        (
            c.professor_id.is_not(None),
            json_object(id=c.professor_id, name=c.professor_name),
        )
    )
    average = case(
        (c.review_count > _ZERO, func.round(cast(c.rating_sum, Numeric) / c.review_count, _TWO))
    )
    return json_object(
        id=c.id,
        school_id=c.school_id,
        semester=c.semester,
        code=c.code,
        name=c.name,
        professor=professor,
        credits=c.credits,
        slots=slots,
        review_count=c.review_count,
        average_rating=average,
    )


_EMPTY_JSON_ARRAY: ColumnElement[Any] = literal_column("'[]'::json")
_ZERO: ColumnElement[int] = literal_column("0")
_TWO: ColumnElement[int] = literal_column("2")
_course_list = TypeAdapter(list[CourseOut])


def courses_from_json(bodies: Iterable[str]) -> list[CourseOut]:
    """CourseOut models from course_json texts, validated in one pass."""
    return _course_list.validate_json("[" + ",".join(bodies) + "]")


@cache  # statements are immutable; building one costs more than running it
def _catalog_page(with_query: bool, after_cursor: bool, substring_check: bool = True) -> AnySelect:
    """A page of the catalog by (code, id), every value a parameter: school_id,
    semester, limit (the page size + 1; written into the SQL, see pagination.page_limit),
    with_query: q, bigrams and like_patterns, after_cursor: after_code and
    after_id. `substring_check`: see search.index_is_exact."""
    in_catalog = [
        Course.school_id == bindparam("school_id"),
        Course.semester == bindparam("semester"),
    ]
    if after_cursor:
        key = tuple_(Course.code, Course.id)
        in_catalog.append(key > tuple_(bindparam("after_code"), bindparam("after_id")))
    if with_query:
        return _search_page(in_catalog, substring_check)
    return (
        select(cast(course_json(Course), Text).label("body"), Course.code, Course.id)
        .where(*in_catalog)
        .order_by(Course.code, Course.id)
        .limit(bindparam("limit", type_=Integer, literal_execute=True))
    )


def _search_page(in_catalog: list[ColumnElement[bool]], substring_check: bool) -> AnySelect:
    """The page of matches: all of them first (a MATERIALIZED CTE, so the search index
    finds them), then their order. Asked for the first 21 by code, PostgreSQL would walk
    the (school, semester, code) index testing every course until 21 match: most of the
    catalog when they all sort late (one department's courses). The cost moves to common
    words, whose matches are all read and sorted (cheap with the stored search text of
    migration 0007); probing the first courses in code order before that cut those but
    cost every rare word more, and did not change the p99 under load beyond the noise
    (benchmarks/README.md has the figures)."""
    matches = (
        select(Course.id, Course.code)
        .where(*in_catalog, *_matches_query(Course, substring_check))
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )
    page = (
        select(matches.c.id, matches.c.code)
        .order_by(matches.c.code, matches.c.id)
        .limit(bindparam("limit", type_=Integer, literal_execute=True))
        .subquery("page")
    )
    # Only the page's courses are read again (by primary key) and made into JSON.
    return (
        select(cast(course_json(Course), Text).label("body"), Course.code, Course.id)
        .join(page, page.c.id == Course.id)
        .order_by(page.c.code, page.c.id)
    )


def _matches_query(c: Any, substring_check: bool) -> list[ColumnElement[bool]]:
    """The search's clauses with the query as the parameters `q`, `bigrams` and
    `like_patterns` (search.check_query validates it first; the others are its
    search.query_terms, or NULL). `c`: Course or a subquery's columns."""
    return search.match_clauses(
        c.search_terms,
        c.search_text,
        bindparam("q", type_=Text),
        substring_check=substring_check,
        bigrams=bindparam("bigrams", type_=ARRAY(Text)),
        like_patterns=bindparam("like_patterns", type_=ARRAY(Text)),
    )


def search_catalog(
    session: Session,
    school_id: UUID,
    semester: str,
    query: str | None,
    cursor: str | None,
    limit: int,
) -> Page[CourseOut]:
    """A school's catalog for a semester by code; with `query`, only courses whose code,
    name or professor contains every word (case-insensitive). One statement a page, with
    the keyset cursors of api.core.pagination."""
    params: dict[str, Any] = {"school_id": school_id, "semester": semester, "limit": limit + 1}
    substring_check = True
    if query:
        search.check_query(query)
        terms = search.query_terms(query)
        params |= {
            "q": query,
            "bigrams": None if terms is None else terms.bigrams,
            "like_patterns": None if terms is None else terms.like_patterns,
        }
        substring_check = terms is None or not terms.index_is_exact
    after = decode_cursor(cursor, str)
    if after is not None:
        params |= {"after_code": after[0], "after_id": after[1]}
    statement = _catalog_page(bool(query), after is not None, substring_check)
    rows = session.execute(statement, params).all()
    next_cursor = (
        encode_cursor(rows[limit - 1].code, rows[limit - 1].id) if len(rows) > limit else None
    )
    return Page[CourseOut](
        items=courses_from_json(r.body for r in rows[:limit]), next_cursor=next_cursor
    )


def get_course(session: Session, course_id: UUID) -> CourseOut:
    body = session.scalar(_course_by_id(), {"course_id": course_id})
    if body is None:
        raise NotFound("No such course.")
    return CourseOut.model_validate_json(body)


@cache
def _course_by_id() -> AnySelect:
    return select(cast(course_json(Course), Text)).where(Course.id == bindparam("course_id"))


def get_professor(session: Session, professor_id: UUID, semester: str | None) -> ProfessorOut:
    professor = session.get(Professor, professor_id)
    if professor is None:
        raise NotFound("No such professor.")
    stmt = select(cast(course_json(Course), Text)).where(Course.professor_id == professor_id)
    if semester:
        stmt = stmt.where(Course.semester == semester)
    bodies = session.scalars(stmt.order_by(Course.semester.desc(), Course.code))
    return ProfessorOut(
        id=professor.id,
        school_id=professor.school_id,
        name=professor.name,
        courses=courses_from_json(bodies),
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
    outbox.record(
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
