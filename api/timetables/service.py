"""Timetables: a user's plans per semester, one of them primary.

Visibility: the owner sees all of theirs; a friend sees the owner's primary timetable of
a semester when it is public; anyone else gets 404, never 403, so nobody learns that a
private timetable exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import and_, delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, aliased

from api.auth.tokens import Viewer
from api.core.errors import Conflict, InvalidInput, NotFound
from api.courses import service as courses_service
from api.courses.models import Course, CourseSlot
from api.events import service as events
from api.events.types import EventType
from api.social.service import are_friends
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


def _view(session: Session, t: Timetable) -> TimetableOut:
    courses = list(
        session.scalars(
            select(Course)
            .join(TimetableCourse, TimetableCourse.course_id == Course.id)
            .where(TimetableCourse.timetable_id == t.id)
            .order_by(Course.code)
        )
    )
    slots = courses_service.slots_by_course(session, (c.id for c in courses))
    return TimetableOut(
        **_summary(t).model_dump(),
        owner_id=t.user_id,
        total_credits=sum(c.credits for c in courses),
        courses=[courses_service.course_out(c, slots[c.id]) for c in courses],
    )


def _owned(session: Session, viewer: Viewer, timetable_id: UUID, lock: bool = False) -> Timetable:
    stmt = select(Timetable).where(Timetable.id == timetable_id)
    t = session.scalar(stmt.with_for_update() if lock else stmt)
    if t is None or t.user_id != viewer.id:
        raise NotFound("No such timetable.")
    return t


def _visible(session: Session, viewer: Viewer, t: Timetable | None) -> Timetable:
    if t is not None and (
        t.user_id == viewer.id
        or (t.is_primary and t.is_public and are_friends(session, viewer.id, t.user_id))
    ):
        return t
    raise NotFound("No such timetable.")


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
    return _view(session, t)


def get_timetable(session: Session, viewer: Viewer, timetable_id: UUID) -> TimetableOut:
    return _view(session, _visible(session, viewer, session.get(Timetable, timetable_id)))


def get_primary(session: Session, viewer: Viewer, user_id: UUID, semester: str) -> TimetableOut:
    t = session.scalar(
        select(Timetable).where(
            Timetable.user_id == user_id, Timetable.semester == semester, Timetable.is_primary
        )
    )
    return _view(session, _visible(session, viewer, t))


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
    return _view(session, t)


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


def add_course(
    session: Session, viewer: Viewer, timetable_id: UUID, course_id: UUID
) -> TimetableOut:
    """Add a course unless one of its meetings overlaps a course already there (409).
    Meetings that only touch (10:00-11:00 and 11:00-12:00) do not clash. Adding a course
    twice is a no-op. The timetable is locked so concurrent adds are checked in turn."""
    t = _owned(session, viewer, timetable_id, lock=True)
    course = session.get(Course, course_id)
    if course is None:
        raise NotFound("No such course.")
    if course.semester != t.semester or course.school_id != viewer.school_id:
        raise InvalidInput(
            "The course must be from your school and this timetable's semester.",
            field="course_id",
        )
    new, old = aliased(CourseSlot), aliased(CourseSlot)
    clash = session.execute(
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
        .where(TimetableCourse.timetable_id == t.id, Course.id != course_id)
        .limit(1)
    ).first()
    if clash is not None:
        raise Conflict(
            f"{course.code} clashes with {clash.code} {clash.name}.",
            clashing_course={"id": str(clash.id), "code": clash.code, "name": clash.name},
        )
    added = session.execute(
        insert(TimetableCourse)
        .values(timetable_id=t.id, course_id=course_id)
        .on_conflict_do_nothing()
        .returning(TimetableCourse.course_id)
    ).first()
    if added:
        _record_change(session, t, course_id, "added")
    return _view(session, t)


def _record_change(session: Session, t: Timetable, course_id: UUID, change: str) -> None:
    events.record(
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
