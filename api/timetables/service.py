"""Timetables: a user's plans per semester, one of them primary.

Visibility: the owner sees all of theirs; a friend sees the owner's primary timetable of
a semester when it is public; anyone else gets 404, never 403, so nobody learns that a
private timetable exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Text,
    and_,
    bindparam,
    cast,
    delete,
    exists,
    func,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert
from sqlalchemy.orm import Session, aliased

from api.core.db import AnySelect, utcnow
from api.core.errors import Conflict, InvalidInput, NotFound
from api.core.viewer import Viewer
from api.courses.models import Course, CourseSlot
from api.courses.service import course_json, json_object
from api.outbox import service as outbox
from api.outbox.types import EventType
from api.social.models import Friendship
from api.timetables.models import Timetable, TimetableCourse, TimetableCourseRemoval
from api.timetables.schemas import TimetableIn, TimetableOut, TimetableSummary, TimetableUpdate
from api.users.models import User


def _summary(t: Timetable) -> TimetableSummary:
    return TimetableSummary(
        id=t.id,
        semester=t.semester,
        name=t.name,
        public=t.is_public,
        primary=t.is_primary,
        created_at=t.created_at,
    )


# --- the view: one statement, made into JSON by PostgreSQL ------------------------------


@cache  # statements are immutable; building one costs more than running it
def _view_select() -> AnySelect:
    """A timetable as TimetableOut's JSON text: its courses (with their slots) and total
    credits aggregated in, so a view is one statement and pydantic reads it in Rust."""
    courses = (
        select(
            func.json_agg(aggregate_order_by(course_json(Course), Course.code)).label("courses"),
            func.sum(Course.credits).label("credits"),
        )
        .join(TimetableCourse, TimetableCourse.course_id == Course.id)
        .where(TimetableCourse.timetable_id == Timetable.id)
        .lateral("agg")
    )
    body = json_object(
        id=Timetable.id,
        semester=Timetable.semester,
        name=Timetable.name,
        public=Timetable.is_public,
        primary=Timetable.is_primary,
        created_at=Timetable.created_at,
        owner_id=Timetable.user_id,
        total_credits=func.coalesce(courses.c.credits, literal_column("0")),
        courses=func.coalesce(courses.c.courses, literal_column("'[]'::json")),
    )
    return select(cast(body, Text)).select_from(Timetable).join(courses, true())


def _visible_to_viewer() -> ColumnElement[bool]:
    """The visibility rule as SQL: the owner sees every one of theirs; a friend sees the
    owner's primary when it is public. Anything else is no row (404, never 403)."""
    viewer_id: BindParameter[UUID] = bindparam("viewer_id")
    friends = exists().where(
        Friendship.user_id == viewer_id, Friendship.friend_id == Timetable.user_id
    )
    return or_(
        Timetable.user_id == viewer_id,
        and_(Timetable.is_primary, Timetable.is_public, friends),
    )


@cache
def _view_by_id() -> AnySelect:
    return _view_select().where(Timetable.id == bindparam("timetable_id"), _visible_to_viewer())


@cache
def _view_of_primary() -> AnySelect:
    return _view_select().where(
        Timetable.user_id == bindparam("owner_id"),
        Timetable.semester == bindparam("semester"),
        Timetable.is_primary,
        _visible_to_viewer(),
    )


def _view(session: Session, viewer: Viewer, timetable_id: UUID) -> TimetableOut:
    return _one_view(session, _view_by_id(), timetable_id=timetable_id, viewer_id=viewer.id)


def _one_view(session: Session, stmt: AnySelect, **params: Any) -> TimetableOut:
    """The timetable a view statement found, or 404 when it is not there or not visible."""
    body = session.scalar(stmt, params)
    if body is None:
        raise NotFound("No such timetable.")
    return TimetableOut.model_validate_json(body)


def _owned(session: Session, viewer: Viewer, timetable_id: UUID, lock: bool = False) -> Timetable:
    stmt = select(Timetable).where(Timetable.id == timetable_id)
    t = session.scalar(stmt.with_for_update() if lock else stmt)
    if t is None or t.user_id != viewer.id:
        raise NotFound("No such timetable.")
    return t


def _lock_owner(session: Session, user_id: UUID) -> None:
    """Serialise a user's changes to their timetables' primary marks until commit.

    Timetable row locks cannot do it: a semester's first timetable has no row to lock yet,
    and a primary just moved by one request is not seen by another's UPDATE ... WHERE
    is_primary, so both would end primary (and the unique index would answer 500). The
    user's own row is the one thing every such change shares; it is locked first.
    """
    session.execute(select(User.id).where(User.id == user_id).with_for_update())


def list_mine(session: Session, viewer: Viewer, semester: str | None) -> list[TimetableSummary]:
    stmt = select(Timetable).where(Timetable.user_id == viewer.id)
    if semester:
        stmt = stmt.where(Timetable.semester == semester)
    rows = session.scalars(
        stmt.order_by(Timetable.semester.desc(), Timetable.created_at, Timetable.id)
    )
    return [_summary(t) for t in rows]


def create_timetable(session: Session, viewer: Viewer, data: TimetableIn) -> TimetableOut:
    _lock_owner(session, viewer.id)
    existing = session.scalars(
        select(Timetable.id).where(
            Timetable.user_id == viewer.id, Timetable.semester == data.semester
        )
    ).all()
    t = Timetable(
        user_id=viewer.id,
        semester=data.semester,
        name=data.name,
        is_public=data.public,
        is_primary=not existing,
    )
    session.add(t)
    session.flush()
    return _view(session, viewer, t.id)


def get_timetable(session: Session, viewer: Viewer, timetable_id: UUID) -> TimetableOut:
    """Yours, or a friend's public primary; one statement (the visibility in its WHERE)."""
    return _view(session, viewer, timetable_id)


def get_primary(session: Session, viewer: Viewer, user_id: UUID, semester: str) -> TimetableOut:
    return _one_view(
        session, _view_of_primary(), owner_id=user_id, semester=semester, viewer_id=viewer.id
    )


def update_timetable(
    session: Session, viewer: Viewer, timetable_id: UUID, data: TimetableUpdate
) -> TimetableOut:
    _lock_owner(session, viewer.id)
    t = _owned(session, viewer, timetable_id, lock=True)
    if data.name is not None:
        t.name = data.name
    if data.public is not None:
        t.is_public = data.public
    if data.primary is False and t.is_primary:
        raise InvalidInput("Make another timetable primary instead.", field="primary")
    if data.primary and not t.is_primary:
        session.execute(
            update(Timetable)
            .where(
                Timetable.user_id == viewer.id,
                Timetable.semester == t.semester,
                Timetable.is_primary,
            )
            .values(is_primary=False)
        )
        session.flush()
        t.is_primary = True
    session.flush()
    return _view(session, viewer, t.id)


def delete_timetable(session: Session, viewer: Viewer, timetable_id: UUID) -> None:
    """Delete; if it was primary, the semester's oldest remaining timetable takes over.
    Its courses count as removed (logged for analytics)."""
    _lock_owner(session, viewer.id)
    t = _owned(session, viewer, timetable_id, lock=True)
    was_primary, semester = t.is_primary, t.semester
    removed = session.scalars(
        delete(TimetableCourse)
        .where(TimetableCourse.timetable_id == t.id)
        .returning(TimetableCourse.course_id)
    ).all()
    _log_removals(session, t, removed)
    session.delete(t)
    session.flush()
    if was_primary:
        heir = session.scalar(
            select(Timetable)
            .where(Timetable.user_id == viewer.id, Timetable.semester == semester)
            .order_by(Timetable.created_at, Timetable.id)
            .limit(1)
            .with_for_update()
        )
        if heir is not None:
            heir.is_primary = True


@cache
def _lock_for_add() -> AnySelect:
    """The viewer's timetable, locked, with the course."""
    return (
        select(
            Timetable.id,
            Timetable.user_id,
            Timetable.semester,
            Course.code,
            Course.school_id,
            Course.semester.label("course_semester"),
        )
        .select_from(Timetable)
        .outerjoin(Course, Course.id == bindparam("course_id"))
        .where(
            Timetable.id == bindparam("timetable_id"),
            Timetable.user_id == bindparam("viewer_id"),
        )
        .with_for_update(of=Timetable)
    )


@cache
def _insert_unless_clash() -> AnySelect:
    """Insert the course unless one of its meetings overlaps a course already in the
    timetable; the first clashing course (if any) and whether a row went in.

    It must run after the timetable's lock is taken, in a statement of its own: a
    statement sees what was committed when it started, and the clash check must see
    every add that committed while this one waited for the lock.
    """
    timetable_id = bindparam("timetable_id", type_=TimetableCourse.timetable_id.type)
    course_id = bindparam("course_id", type_=TimetableCourse.course_id.type)
    added_at = bindparam("added_at", type_=TimetableCourse.added_at.type)
    new, old = aliased(CourseSlot), aliased(CourseSlot)
    clash = (
        select(Course.id, Course.code, Course.name)
        .join(TimetableCourse, TimetableCourse.course_id == Course.id)
        .join(old, old.course_id == Course.id)
        .join(
            new,
            and_(
                new.course_id == course_id,
                new.weekday == old.weekday,
                new.starts_at < old.ends_at,
                old.starts_at < new.ends_at,
            ),
        )
        .where(TimetableCourse.timetable_id == timetable_id, Course.id != course_id)
        .limit(1)
        .cte("clash")
    )
    added = (
        insert(TimetableCourse)
        .from_select(
            ["timetable_id", "course_id", "added_at"],
            select(timetable_id, course_id, added_at).where(~exists(select(clash.c.id))),
            include_defaults=False,
        )
        .on_conflict_do_nothing()
        .returning(TimetableCourse.course_id)
        .cte("added")
    )
    added_count = select(func.count().label("added")).select_from(added).subquery("added_count")
    return select(added_count.c.added, clash.c.id, clash.c.code, clash.c.name).select_from(
        added_count.outerjoin(clash, true())
    )


def add_course(
    session: Session, viewer: Viewer, timetable_id: UUID, course_id: UUID
) -> TimetableOut:
    """Add a course unless one of its meetings overlaps a course already there (409).
    Meetings that only touch (10:00-11:00 and 11:00-12:00) do not clash. Adding a course
    twice is a no-op. The timetable is locked so concurrent adds are checked in turn.

    Three statements when it fits (lock and look up; check and insert; the view) plus the
    event's outbox row; two for a clash."""
    ids = {"timetable_id": timetable_id, "course_id": course_id}
    t = session.execute(_lock_for_add(), ids | {"viewer_id": viewer.id}).first()
    if t is None:
        raise NotFound("No such timetable.")
    if t.code is None:
        raise NotFound("No such course.")
    if t.course_semester != t.semester or t.school_id != viewer.school_id:
        raise InvalidInput(
            "The course must be from your school and this timetable's semester.",
            field="course_id",
        )
    result = session.execute(_insert_unless_clash(), ids | {"added_at": utcnow()}).one()
    if result.id is not None:
        raise Conflict(
            f"{t.code} clashes with {result.code} {result.name}.",
            clashing_course={"id": str(result.id), "code": result.code, "name": result.name},
        )
    if result.added:
        _record_change(session, t, course_id, "added")
    return _view(session, viewer, timetable_id)


def _record_change(session: Session, t: Any, course_id: UUID, change: str) -> None:
    """`t`: the timetable or a row with its id, user_id and semester."""
    outbox.record(
        session,
        EventType.timetable_changed,
        f"timetables/{t.id}",
        {
            "timetable_id": str(t.id),
            "user_id": str(t.user_id),
            "semester": t.semester,
            "course_id": str(course_id),
            "change": change,
        },
    )


def remove_course(session: Session, viewer: Viewer, timetable_id: UUID, course_id: UUID) -> None:
    t = _owned(session, viewer, timetable_id, lock=True)
    removed = session.execute(
        delete(TimetableCourse)
        .where(TimetableCourse.timetable_id == t.id, TimetableCourse.course_id == course_id)
        .returning(TimetableCourse.course_id)
    ).first()
    if removed:
        _log_removals(session, t, [course_id])
        _record_change(session, t, course_id, "removed")


def _log_removals(session: Session, t: Timetable, course_ids: Sequence[UUID]) -> None:
    """Log courses that really left the timetable, in the removing transaction: the deleted
    rows leave no other trace, and analytics counts removals from this log."""
    if course_ids:
        session.execute(
            insert(TimetableCourseRemoval),
            [{"timetable_id": t.id, "course_id": c, "user_id": t.user_id} for c in course_ids],
        )
