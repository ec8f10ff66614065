"""Reports, and the moderation rule they feed.

A report is one per user per target (repeating is a no-op) and cannot be withdrawn.
Content reported by `REPORT_HIDE_THRESHOLD` distinct users whose reports count
(`_counts_toward_hiding`) since a moderator last reviewed it (`_not_yet_reviewed`) is
hidden, and the hide is logged (the moderation log, which api/moderation/ reads). The
report request only records the report and its event; the on_content_reported function
applies the rule (`hide_if_reported_enough`) when the event arrives.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Interval,
    Select,
    Table,
    bindparam,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningUpdate

from api.comments.models import Comment
from api.core.db import table_of, utcnow
from api.core.errors import Forbidden, NotFound
from api.core.viewer import Viewer
from api.outbox import service as outbox
from api.outbox.types import EventType
from api.posts import service as posts_service
from api.posts.models import Post
from api.reports.models import (
    REVIEWED,
    ActorKind,
    Decision,
    ModerationAction,
    Report,
    ReportReason,
    TargetType,
)
from api.users.models import User
from infra.settings import get_settings

_TABLES = {TargetType.post: Post, TargetType.comment: Comment}


def _lock_target(session: Session, viewer: Viewer, target_type: TargetType, target_id: UUID):
    """(author_id, school_id) of a live target the viewer may see, row-locked so that
    concurrent reports of it are counted one after another; None if there is none."""
    if target_type is TargetType.post:
        stmt = select(Post.author_id, Post.school_id).where(
            Post.id == target_id, posts_service.shown_to(viewer)
        )
        return session.execute(stmt.with_for_update()).one_or_none()
    stmt = (
        select(Comment.author_id, Post.school_id)
        .join(Post, Post.id == Comment.post_id)
        .where(
            Comment.id == target_id, Comment.deleted_at.is_(None), posts_service.shown_to(viewer)
        )
    )
    return session.execute(stmt.with_for_update(of=Comment)).one_or_none()


def report(
    session: Session,
    viewer: Viewer,
    target_type: TargetType,
    target_id: UUID,
    reason: ReportReason,
    note: str | None = None,
) -> None:
    target = _lock_target(session, viewer, target_type, target_id)
    if target is None:
        raise NotFound(f"No such {target_type}.")
    if target.author_id == viewer.id:
        raise Forbidden("You cannot report your own content.")
    added = session.execute(
        insert(Report)
        .values(
            target_type=target_type,
            target_id=target_id,
            reporter_id=viewer.id,
            reason=reason,
            note=note or None,
            school_id=target.school_id,
        )
        .on_conflict_do_nothing()
        .returning(Report.id)
    ).first()
    if added:
        outbox.record(
            session,
            EventType.content_reported,
            f"{target_type}s/{target_id}",
            {
                "report_id": str(added.id),
                "target_type": str(target_type),
                "target_id": str(target_id),
                "school_id": str(target.school_id),
                "reporter_id": str(viewer.id),
                "reason": str(reason),
            },
        )


def _counts_toward_hiding(reports: Table, users: Table) -> list[ColumnElement[bool]]:
    """Whose reports weigh: one condition per rule, all of which must hold.

    Accounts are cheap to make, so a report counts only if its account was at least
    `REPORT_MIN_ACCOUNT_AGE_HOURS` old when it reported: fresh accounts made to hide
    something must wait that long, and then report again from scratch. Measured at the
    report, not at the count, so waiting after reporting changes nothing. Every report
    is still recorded, for moderators to read. And only accounts that verified their
    school email count: writes already require it, but an account whose verification is
    withdrawn (an operator's correction, a changed address) stops counting at once.
    """
    return [
        users.c.created_at <= reports.c.created_at - bindparam("min_age", type_=Interval),
        users.c.email_verified_at.is_not(None),
    ]


def _not_yet_reviewed(reports: Table) -> ColumnElement[bool]:
    """A report made after the target's last review (a moderator's restore or dismiss):
    the reports a moderator has read do not hide what they let stand."""
    log = table_of(ModerationAction)
    last_review = (
        select(func.max(log.c.created_at))
        .where(
            log.c.target_type == reports.c.target_type,
            log.c.target_id == reports.c.target_id,
            log.c.action.in_(REVIEWED),
        )
        .scalar_subquery()
    )
    return reports.c.created_at > func.coalesce(last_review, literal("-infinity", DateTime))


@cache  # built once: statements are immutable, and building one costs more than running it
def _count_reporters() -> Select[int]:
    reports, users = table_of(Report), table_of(User)
    return (
        select(func.count(func.distinct(reports.c.reporter_id)))
        .join_from(reports, users, users.c.id == reports.c.reporter_id)
        .where(
            reports.c.target_type == bindparam("target_type"),
            reports.c.target_id == bindparam("target_id"),
            *_counts_toward_hiding(reports, users),
            _not_yet_reviewed(reports),
        )
    )


@cache
def _hide(target_type: TargetType) -> ReturningUpdate[UUID]:
    table = table_of(_TABLES[target_type])
    return (
        update(table)
        .where(table.c.id == bindparam("target_id"), table.c.hidden_at.is_(None))
        .values(hidden_at=bindparam("now"))
        .returning(table.c.id, table.c.author_id, _school_of(target_type, table))
    )


def _school_of(target_type: TargetType, table: Table) -> ColumnElement[UUID]:
    if target_type is TargetType.post:
        return table.c.school_id
    posts = table_of(Post)
    return (
        select(posts.c.school_id)
        .where(posts.c.id == table.c.post_id)
        .scalar_subquery()
        .label("school_id")
    )


def hide_if_reported_enough(session: Session, target_type: TargetType, target_id: UUID) -> bool:
    """Hide the target once enough distinct users whose reports count reported it. True if
    it was hidden now."""
    settings = get_settings()
    threshold = settings.report_hide_threshold
    reporters = session.scalar(
        _count_reporters(),
        {
            "target_type": target_type,
            "target_id": target_id,
            "min_age": timedelta(hours=settings.report_min_account_age_hours),
        },
    )
    if reporters is None or reporters < threshold:
        return False
    hidden = session.execute(_hide(target_type), {"target_id": target_id, "now": utcnow()}).first()
    if hidden is None:
        return False
    session.add(
        ModerationAction(
            target_type=target_type,
            target_id=target_id,
            action=Decision.hidden,
            decided_by="system:report-threshold",
            actor_kind=ActorKind.system,
            school_id=hidden.school_id,
            subject_id=hidden.author_id,
            reason=f"reported by {reporters} distinct users (threshold {threshold})",
        )
    )
    outbox.record(
        session,
        EventType.content_hidden,
        f"{target_type}s/{target_id}",
        {"target_type": str(target_type), "target_id": str(target_id), "reporters": reporters},
    )
    return True
