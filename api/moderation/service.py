"""Moderation by people: roles, decisions on content and its authors, the log, the queue.

Who moderates what:
- a school's moderators (`moderation_roles`, api/users/models.py) do everything in their
  school; the platform's administrators do it everywhere, and grant and revoke roles;
- a board's owner may hide, restore, dismiss, lock and unlock on their board, not remove
  others' content nor suspend (403 `board-owner-cannot`);
- a member of the school without a role gets 403 `moderator-only`; anyone else, a
  moderator of another school included, 404, as for anything inside another school.
Roles are read from the database at every request, never from the token.

Every decision is one entry of the moderation log (`ModerationAction`, append-only) and
one outbox event (a suspension one more: the mail to its author). The log keeps the
content's author (`subject_id`) for the administrators' audit only: nothing a moderator
or board owner is answered names who wrote anything. They act on "the author of X", and
see that author's history as counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast
from uuid import UUID

from sqlalchemy import (
    DateTime,
    and_,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, aliased

from api.boards.models import Board
from api.comments import service as comments_service
from api.comments.models import Comment
from api.core.db import AnySelect, table_of, utcnow
from api.core.errors import NotFound
from api.core.pagination import Page, keyset_page
from api.core.viewer import Viewer
from api.moderation.errors import (
    AdministratorOnly,
    AlreadyAppealed,
    AppealDecided,
    BoardOwnerCannot,
    ModeratorOnly,
    NotAMember,
    NotAppealable,
    NotForTarget,
)
from api.moderation.models import Appeal, AppealOutcome, RoleChange, RoleChangeKind
from api.moderation.schemas import (
    ActionIn,
    ActionName,
    ActionResult,
    AppealDecisionIn,
    AppealEntry,
    AppealIn,
    AppealOut,
    AppealState,
    AuditEntry,
    AuthorHistory,
    LogEntry,
    ModeratorOut,
    MyDecision,
    QueueEntry,
    QueueStatus,
)
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
    TargetType,
)
from api.users.models import Role, RoleName, User

# What a board's owner may do on their board; staff do everything.
BOARD_OWNER_ACTIONS = frozenset(
    {ActionName.hide, ActionName.restore, ActionName.dismiss, ActionName.lock, ActionName.unlock}
)
# Actions on the author, which still work once the content is gone (the log says whose).
AUTHOR_ACTIONS = frozenset({ActionName.suspend_author, ActionName.unsuspend_author})
POST_ONLY = frozenset({ActionName.lock, ActionName.unlock})
DECISIONS = {
    ActionName.hide: Decision.hidden,
    ActionName.restore: Decision.restored,
    ActionName.remove: Decision.removed,
    ActionName.dismiss: Decision.dismissed,
    ActionName.lock: Decision.locked,
    ActionName.unlock: Decision.unlocked,
    ActionName.suspend_author: Decision.suspended,
    ActionName.unsuspend_author: Decision.unsuspended,
}
MAX_NOTES = 20  # per queue entry, oldest first


# --- who may ----------------------------------------------------------------------------


def staff_kind(session: Session, viewer: Viewer, school_id: UUID) -> ActorKind | None:
    """admin or moderator if the viewer moderates the whole school; None otherwise."""
    roles = set(
        session.scalars(
            select(Role.role).where(
                Role.user_id == viewer.id,
                or_(Role.school_id == school_id, Role.school_id.is_(None)),
            )
        )
    )
    if RoleName.admin in roles:
        return ActorKind.admin
    return ActorKind.moderator if roles else None


def _outside(viewer: Viewer, school_id: UUID | None) -> bool:
    return school_id is None or viewer.school_id != school_id


def require_staff(session: Session, viewer: Viewer, school_id: UUID) -> ActorKind:
    kind = staff_kind(session, viewer, school_id)
    if kind is None:
        if _outside(viewer, school_id):
            raise NotFound()  # as every other thing inside another school
        raise ModeratorOnly()
    return kind


def is_admin(session: Session, viewer: Viewer) -> bool:
    return bool(
        session.scalar(
            select(
                select(Role.id)
                .where(Role.user_id == viewer.id, Role.role == RoleName.admin)
                .exists()
            )
        )
    )


def require_admin(session: Session, viewer: Viewer, school_id: UUID | None = None) -> None:
    if not is_admin(session, viewer):
        if school_id is not None and _outside(viewer, school_id):
            raise NotFound()
        raise AdministratorOnly()


# --- roles ------------------------------------------------------------------------------


def grant(
    session: Session,
    by: Viewer | None,
    user_id: UUID,
    role: RoleName,
    school_id: UUID | None,
) -> bool:
    """Give the role (`by`: an administrator; None: an operator). True if it is new;
    granting a role held is a no-op, and not recorded."""
    added = session.execute(
        insert(Role)
        .values(user_id=user_id, school_id=school_id, role=role)
        .on_conflict_do_nothing()
        .returning(Role.id)
    ).first()
    if added:
        _record_change(session, by, user_id, role, school_id, RoleChangeKind.granted)
    return added is not None


def revoke(
    session: Session,
    by: Viewer | None,
    user_id: UUID,
    role: RoleName,
    school_id: UUID | None,
) -> bool:
    scope = Role.school_id.is_(None) if school_id is None else Role.school_id == school_id
    gone = session.execute(
        delete(Role).where(Role.user_id == user_id, Role.role == role, scope).returning(Role.id)
    ).first()
    if gone:
        _record_change(session, by, user_id, role, school_id, RoleChangeKind.revoked)
    return gone is not None


def _record_change(
    session: Session,
    by: Viewer | None,
    user_id: UUID,
    role: RoleName,
    school_id: UUID | None,
    change: RoleChangeKind,
) -> None:
    session.add(
        RoleChange(
            user_id=user_id,
            school_id=school_id,
            role=role,
            change=change,
            changed_by=by.id if by else None,
            changed_by_kind="admin" if by else "operator",
        )
    )


def _school_member(session: Session, user_id: UUID, school_id: UUID) -> None:
    school = session.scalar(
        select(User.school_id).where(User.id == user_id, User.deleted_at.is_(None))
    )
    if school is None:
        raise NotFound("No such account.")
    if school != school_id:
        raise NotAMember()


def grant_moderator(session: Session, viewer: Viewer, school_id: UUID, user_id: UUID) -> None:
    require_admin(session, viewer, school_id)
    _school_member(session, user_id, school_id)
    grant(session, viewer, user_id, RoleName.moderator, school_id)


def revoke_moderator(session: Session, viewer: Viewer, school_id: UUID, user_id: UUID) -> None:
    require_admin(session, viewer, school_id)
    revoke(session, viewer, user_id, RoleName.moderator, school_id)


def list_moderators(session: Session, viewer: Viewer, school_id: UUID) -> list[ModeratorOut]:
    require_staff(session, viewer, school_id)
    rows = session.execute(
        select(Role.user_id, Role.school_id, Role.granted_at, User.nickname)
        .join(User, User.id == Role.user_id)
        .where(Role.school_id == school_id, Role.role == RoleName.moderator)
        .order_by(Role.granted_at, Role.user_id)
    ).all()
    return [ModeratorOut.model_validate(r, from_attributes=True) for r in rows]


# --- the targets ------------------------------------------------------------------------


@dataclass
class Target:
    type: TargetType
    id: UUID
    school_id: UUID
    author_id: UUID | None  # never answered to anyone
    board_owner_id: UUID | None = None
    hidden: bool = False
    post: Post | None = None
    comment: Comment | None = None

    @property
    def gone(self) -> bool:
        return self.post is None


def _load_target(session: Session, target_type: TargetType, target_id: UUID) -> Target | None:
    """The target, row-locked, with its school and board owner; a removed one (its author
    actions only) from the log; None if there is none."""
    if target_type is TargetType.post:
        found = session.execute(
            select(Post, Board.owner_id)
            .join(Board, Board.id == Post.board_id)
            .where(Post.id == target_id)
            .with_for_update(of=Post)
        ).one_or_none()
        if found is not None:
            post = found.Post
            return Target(
                target_type,
                target_id,
                post.school_id,
                post.author_id,
                found.owner_id,
                post.hidden_at is not None,
                post=post,
            )
    else:
        row = session.execute(
            select(Comment, Post, Board.owner_id)
            .join(Post, Post.id == Comment.post_id)
            .join(Board, Board.id == Post.board_id)
            .where(Comment.id == target_id, Comment.deleted_at.is_(None))
            .with_for_update(of=Comment)
        ).one_or_none()
        if row is not None:
            return Target(
                target_type,
                target_id,
                row.Post.school_id,
                row.Comment.author_id,
                row.owner_id,
                row.Comment.hidden_at is not None or row.Post.hidden_at is not None,
                post=row.Post,
                comment=row.Comment,
            )
    logged = session.execute(
        select(ModerationAction.school_id, ModerationAction.subject_id)
        .where(
            ModerationAction.target_type == target_type,
            ModerationAction.target_id == target_id,
            ModerationAction.school_id.is_not(None),
        )
        .order_by(ModerationAction.created_at.desc())
        .limit(1)
    ).one_or_none()
    if logged is None:
        return None
    return Target(target_type, target_id, logged.school_id, logged.subject_id)


def _authority(session: Session, viewer: Viewer, target: Target, action: ActionName) -> ActorKind:
    kind = staff_kind(session, viewer, target.school_id)
    if kind is not None:
        return kind
    if _outside(viewer, target.school_id) or target.gone:
        raise NotFound(f"No such {target.type}.")
    if target.board_owner_id is not None and target.board_owner_id == viewer.id:
        if action not in BOARD_OWNER_ACTIONS:
            raise BoardOwnerCannot()
        return ActorKind.board_owner
    if target.hidden:  # hidden content does not exist for those who may not moderate it
        raise NotFound(f"No such {target.type}.")
    raise ModeratorOnly()


# --- acting -----------------------------------------------------------------------------


def act(session: Session, viewer: Viewer | None, data: ActionIn) -> ActionResult:
    """Apply one decision and log it; repeating one that holds already (hide of hidden,
    lock of locked, ...) changes and logs nothing. `viewer=None`: an operator (the CLI),
    who may do everything."""
    target = _load_target(session, data.target_type, data.target_id)
    if target is None or (target.gone and data.action not in AUTHOR_ACTIONS):
        raise NotFound(f"No such {data.target_type}.")
    kind = (
        ActorKind.operator if viewer is None else _authority(session, viewer, target, data.action)
    )
    if data.action in POST_ONLY and target.type is not TargetType.post:
        raise NotForTarget("Only posts are locked and unlocked.")
    changed = _apply(session, target, data)
    history = None
    if kind is not ActorKind.board_owner:
        known = author_history(session, [target.author_id])
        history = known.get(target.author_id) if target.author_id else None
        history = history or AuthorHistory()
    if not changed:
        return ActionResult(changed=False, author_history=history)
    entry = log(
        session,
        target,
        DECISIONS[data.action],
        data.reason,
        actor=viewer.id if viewer else None,
        actor_kind=kind,
    )
    nickname = session.scalar(select(User.nickname).where(User.id == viewer.id)) if viewer else None
    out = _entry_out(entry, nickname)
    return ActionResult(changed=True, entry=out, author_history=history)


def log(
    session: Session,
    target: Target,
    decision: Decision,
    reason: str,
    *,
    actor: UUID | None,
    actor_kind: ActorKind,
) -> ModerationAction:
    """Append the decision to the log, and its event to the outbox (which never carries
    the author: a handler that needs them reads the entry)."""
    entry = ModerationAction(
        target_type=target.type,
        target_id=target.id,
        action=decision,
        reason=reason,
        actor_id=actor,
        actor_kind=actor_kind,
        school_id=target.school_id,
        subject_id=target.author_id,
        created_at=utcnow(),
    )
    session.add(entry)
    session.flush()
    outbox.record(
        session,
        EventType.moderation_decided,
        f"{target.type}s/{target.id}",
        {
            "action_id": str(entry.id),
            "action": str(decision),
            "actor_kind": str(actor_kind),
            "target_type": str(target.type),
            "target_id": str(target.id),
            "school_id": str(target.school_id),
        },
    )
    if decision is Decision.suspended:
        # The author is mailed too; the mail's composer reads whom from the entry
        # (api/moderation/mail.py), so the event names the entry only.
        outbox.record(
            session,
            EventType.account_suspended,
            f"moderation/{entry.id}",
            {"action_id": str(entry.id)},
        )
    return entry


def _table(target: Target) -> Any:
    return Post if target.type is TargetType.post else Comment


def _apply(session: Session, target: Target, data: ActionIn) -> bool:
    """Do what the action says; whether anything changed."""
    action, now = data.action, utcnow()
    table = _table(target)
    if action is ActionName.hide:
        return _changed(session, table, target.id, table.hidden_at.is_(None), hidden_at=now)
    if action is ActionName.restore:
        return _changed(session, table, target.id, table.hidden_at.is_not(None), hidden_at=None)
    if action is ActionName.lock:
        return _changed(session, Post, target.id, Post.locked_at.is_(None), locked_at=now)
    if action is ActionName.unlock:
        return _changed(session, Post, target.id, Post.locked_at.is_not(None), locked_at=None)
    if action is ActionName.remove:
        if target.comment is not None:
            assert target.post is not None
            comments_service.delete_loaded_comment(session, target.comment, target.post)
        else:
            assert target.post is not None
            posts_service.delete_loaded_post(session, target.post)
        session.flush()
        return True
    if action is ActionName.dismiss:
        return _has_unreviewed_reports(session, target)
    if target.author_id is None:
        return False
    if action is ActionName.suspend_author:
        until: Any = (
            literal_column("'infinity'::timestamptz")
            if data.suspend_hours is None
            else now + timedelta(hours=data.suspend_hours)
        )
        session.execute(
            update(User).where(User.id == target.author_id).values(suspended_until=until)
        )
        return True
    # unsuspend_author: only a suspension still running ends.
    return _changed(
        session, User, target.author_id, User.suspended_until > func.now(), suspended_until=None
    )


def _changed(session: Session, table: Any, row_id: UUID, unless: Any, **values: Any) -> bool:
    done = session.execute(
        update(table)
        .where(table.id == row_id, unless)
        .values(**values)
        .returning(table.id)
        .execution_options(synchronize_session=False)
    ).first()
    return done is not None


def _has_unreviewed_reports(session: Session, target: Target) -> bool:
    last = (
        select(func.max(ModerationAction.created_at))
        .where(
            ModerationAction.target_type == target.type,
            ModerationAction.target_id == target.id,
            ModerationAction.action.in_(REVIEWED),
        )
        .scalar_subquery()
    )
    return bool(
        session.scalar(
            select(
                select(Report.id)
                .where(
                    Report.target_type == target.type,
                    Report.target_id == target.id,
                    Report.created_at > func.coalesce(last, literal("-infinity", DateTime)),
                )
                .exists()
            )
        )
    )


def author_history(session: Session, authors: list[UUID | None]) -> dict[UUID, AuthorHistory]:
    """Each author's decisions in the log, as counts: the only trace of who wrote
    something a moderator is given."""
    ids = {a for a in authors if a is not None}
    if not ids:
        return {}
    rows = session.execute(
        select(ModerationAction.subject_id, ModerationAction.action, func.count())
        .where(
            ModerationAction.subject_id.in_(ids),
            ModerationAction.action.in_([Decision.hidden, Decision.removed, Decision.suspended]),
        )
        .group_by(ModerationAction.subject_id, ModerationAction.action)
    ).all()
    found: dict[UUID, AuthorHistory] = {}
    field = {
        Decision.hidden: "hides",
        Decision.removed: "removals",
        Decision.suspended: "suspensions",
    }
    for subject, action, count in rows:
        history = found.setdefault(cast(UUID, subject), AuthorHistory())
        setattr(history, field[Decision(action)], count)
    return found


# --- the log ----------------------------------------------------------------------------


def _entry_out(entry: Any, nickname: str | None) -> LogEntry:
    return LogEntry(
        id=entry.id,
        action=entry.action,
        reason=entry.reason,
        target_type=TargetType(entry.target_type),
        target_id=entry.target_id,
        actor_kind=entry.actor_kind,
        actor_nickname=nickname,
        created_at=entry.created_at,
    )


def _log_select() -> AnySelect:
    actor = aliased(User)
    return select(ModerationAction, actor.nickname).outerjoin(
        actor, actor.id == ModerationAction.actor_id
    )


def school_log(
    session: Session, viewer: Viewer, school_id: UUID, cursor: str | None, limit: int
) -> Page[LogEntry]:
    """The school's decisions, newest first, for its moderators: no subject."""
    require_staff(session, viewer, school_id)
    stmt = _log_select().where(ModerationAction.school_id == school_id)
    rows, next_cursor = keyset_page(
        session, stmt, ModerationAction.created_at, ModerationAction.id, cursor, limit
    )
    items = [_entry_out(r.ModerationAction, r.nickname) for r in rows]
    return Page[LogEntry](items=items, next_cursor=next_cursor)


def audit(
    session: Session,
    viewer: Viewer,
    school_id: UUID | None,
    subject_id: UUID | None,
    cursor: str | None,
    limit: int,
) -> Page[AuditEntry]:
    """Every decision with the accounts it names, newest first: administrators only."""
    require_admin(session, viewer)
    stmt = _log_select()
    if school_id is not None:
        stmt = stmt.where(ModerationAction.school_id == school_id)
    if subject_id is not None:
        stmt = stmt.where(ModerationAction.subject_id == subject_id)
    rows, next_cursor = keyset_page(
        session, stmt, ModerationAction.created_at, ModerationAction.id, cursor, limit
    )
    items = [
        AuditEntry(
            **_entry_out(r.ModerationAction, r.nickname).model_dump(),
            actor_id=r.ModerationAction.actor_id,
            subject_id=r.ModerationAction.subject_id,
            school_id=r.ModerationAction.school_id,
        )
        for r in rows
    ]
    return Page[AuditEntry](items=items, next_cursor=next_cursor)


# --- the queue --------------------------------------------------------------------------


def queue(
    session: Session,
    viewer: Viewer | None,
    school_id: UUID,
    status: QueueStatus,
    board_id: UUID | None,
    cursor: str | None,
    limit: int,
) -> Page[QueueEntry]:
    """One entry per reported target of the school, oldest first report first: its
    content (hidden content too), its reports by reason and their notes, and its author's
    history as counts. For the school's staff, a board's owner for their board, and
    operators (`viewer=None`)."""
    staff = viewer is None or staff_kind(session, viewer, school_id) is not None
    if viewer is not None and not staff:
        owner = (
            session.scalar(select(Board.owner_id).where(Board.id == board_id))
            if board_id is not None and not _outside(viewer, school_id)
            else None
        )
        if owner is None or owner != viewer.id:
            require_staff(session, viewer, school_id)  # 404 or 403
    reports, log_ = table_of(Report), table_of(ModerationAction)
    grouped = (
        select(
            reports.c.target_type,
            reports.c.target_id,
            func.min(reports.c.created_at).label("first_reported_at"),
            func.max(reports.c.created_at).label("last_reported_at"),
            func.count().label("report_count"),
        )
        .where(reports.c.school_id == school_id)
        .group_by(reports.c.target_type, reports.c.target_id)
        .subquery("g")
    )
    last = (
        select(log_.c.action, log_.c.created_at)
        .where(
            log_.c.target_type == grouped.c.target_type,
            log_.c.target_id == grouped.c.target_id,
            log_.c.actor_kind != ActorKind.system,
        )
        .order_by(log_.c.created_at.desc())
        .limit(1)
        .lateral("last")
    )
    posts, comments = table_of(Post), table_of(Comment)
    post, comment, parent = posts.alias("p"), comments.alias("c"), posts.alias("cp")
    board = func.coalesce(post.c.board_id, parent.c.board_id)
    stmt = select(
        grouped,
        last.c.action.label("decision"),
        board.label("board_id"),
        func.coalesce(post.c.id, parent.c.id).label("post_id"),
        func.coalesce(post.c.title, parent.c.title).label("title"),
        func.coalesce(post.c.body, func.nullif(comment.c.body, "")).label("body"),
        func.coalesce(post.c.hidden_at, comment.c.hidden_at).label("hidden_at"),
        comment.c.deleted_at,
        func.coalesce(post.c.author_id, comment.c.author_id).label("author_id"),
    ).select_from(
        grouped.outerjoin(last, true())
        .outerjoin(
            post,
            and_(grouped.c.target_type == TargetType.post, post.c.id == grouped.c.target_id),
        )
        .outerjoin(
            comment,
            and_(
                grouped.c.target_type == TargetType.comment,
                comment.c.id == grouped.c.target_id,
            ),
        )
        .outerjoin(parent, parent.c.id == comment.c.post_id)
    )
    reviewed = and_(last.c.created_at.is_not(None), grouped.c.last_reported_at <= last.c.created_at)
    if status is QueueStatus.open:
        stmt = stmt.where(~reviewed)
    elif status is QueueStatus.dismissed:
        stmt = stmt.where(reviewed, last.c.action == Decision.dismissed)
    else:
        stmt = stmt.where(reviewed, last.c.action != Decision.dismissed)
    if board_id is not None:
        stmt = stmt.where(board == board_id)
    rows, next_cursor = keyset_page(
        session,
        stmt,
        grouped.c.first_reported_at,
        grouped.c.target_id,
        cursor,
        limit,
        newest_first=False,
    )
    ids = [r.target_id for r in rows]
    reasons: dict[UUID, dict[str, int]] = {}
    notes: dict[UUID, list[str]] = {}
    if ids:
        for target_id, reason, count in session.execute(
            select(Report.target_id, Report.reason, func.count())
            .where(Report.target_id.in_(ids))
            .group_by(Report.target_id, Report.reason)
        ):
            reasons.setdefault(target_id, {})[reason] = count
        for target_id, note in session.execute(
            select(Report.target_id, Report.note)
            .where(Report.target_id.in_(ids), Report.note.is_not(None))
            .order_by(Report.created_at, Report.id)
        ):
            if note and len(notes.setdefault(target_id, [])) < MAX_NOTES:
                notes[target_id].append(note)
    histories = author_history(session, [r.author_id for r in rows])
    items = []
    for r in rows:
        removed = r.post_id is None or r.deleted_at is not None
        items.append(
            QueueEntry(
                target_type=TargetType(r.target_type),
                target_id=r.target_id,
                board_id=r.board_id,
                post_id=r.post_id,
                title=r.title,
                body=None if removed else r.body,
                hidden=r.hidden_at is not None,
                removed=removed,
                status=status,
                report_count=r.report_count,
                reasons=reasons.get(r.target_id, {}),
                notes=notes.get(r.target_id, []),
                first_reported_at=r.first_reported_at,
                last_reported_at=r.last_reported_at,
                last_decision=r.decision,
                author_history=(histories.get(r.author_id) or AuthorHistory()) if staff else None,
            )
        )
    return Page[QueueEntry](items=items, next_cursor=next_cursor)


# --- appeals ----------------------------------------------------------------------------

APPEALABLE = (Decision.hidden, Decision.removed, Decision.locked, Decision.suspended)
# What overturning a decision does (a removal cannot be undone: the content is gone).
UNDO = {
    Decision.hidden: ActionName.restore,
    Decision.locked: ActionName.unlock,
    Decision.suspended: ActionName.unsuspend_author,
}


def _appeal_out(appeal: Appeal) -> AppealOut:
    return AppealOut(
        id=appeal.id,
        action_id=appeal.action_id,
        body=appeal.body,
        created_at=appeal.created_at,
        outcome=AppealOutcome(appeal.outcome) if appeal.outcome else None,
        decided_at=appeal.decided_at,
    )


def appeal(session: Session, viewer: Viewer, action_id: UUID, data: AppealIn) -> AppealOut:
    """The author appeals a decision on their content, once (409 `already-appealed`);
    anyone else's decision is 404. The appeal waits in `list_appeals`."""
    entry = session.get(ModerationAction, action_id)
    if entry is None or entry.subject_id != viewer.id:
        raise NotFound("No such decision on your content.")
    if entry.action not in APPEALABLE:
        raise NotAppealable()
    added = session.execute(
        insert(Appeal)
        .values(action_id=action_id, school_id=entry.school_id, body=data.body)
        .on_conflict_do_nothing(index_elements=["action_id"])
        .returning(Appeal)
    ).scalar_one_or_none()
    if added is None:
        raise AlreadyAppealed()
    outbox.record(
        session,
        EventType.moderation_appealed,
        f"moderation/{action_id}",
        {
            "appeal_id": str(added.id),
            "action_id": str(action_id),
            "school_id": str(entry.school_id),
        },
    )
    return _appeal_out(added)


def my_decisions(
    session: Session, viewer: Viewer, cursor: str | None, limit: int
) -> Page[MyDecision]:
    """The appealable decisions on the viewer's own content, newest first, with their
    appeals; who decided is given as a kind only."""
    stmt = (
        select(ModerationAction, Appeal)
        .outerjoin(Appeal, Appeal.action_id == ModerationAction.id)
        .where(ModerationAction.subject_id == viewer.id, ModerationAction.action.in_(APPEALABLE))
    )
    rows, next_cursor = keyset_page(
        session, stmt, ModerationAction.created_at, ModerationAction.id, cursor, limit
    )
    items = [
        MyDecision(
            entry=_entry_out(r.ModerationAction, None),
            appeal=_appeal_out(r.Appeal) if r.Appeal is not None else None,
        )
        for r in rows
    ]
    return Page[MyDecision](items=items, next_cursor=next_cursor)


def list_appeals(
    session: Session,
    viewer: Viewer,
    school_id: UUID,
    state: AppealState,
    cursor: str | None,
    limit: int,
) -> Page[AppealEntry]:
    """The school's appeals, oldest first, for its moderators: the decision and the
    appeal's words, never whose."""
    require_staff(session, viewer, school_id)
    decided = (
        Appeal.outcome.is_not(None) if state is AppealState.decided else Appeal.outcome.is_(None)
    )
    actor = aliased(User)
    stmt = (
        select(Appeal, ModerationAction, actor.nickname)
        .join(ModerationAction, ModerationAction.id == Appeal.action_id)
        .outerjoin(actor, actor.id == ModerationAction.actor_id)
        .where(Appeal.school_id == school_id, decided)
    )
    rows, next_cursor = keyset_page(
        session, stmt, Appeal.created_at, Appeal.id, cursor, limit, newest_first=False
    )
    items = [
        AppealEntry(
            **_appeal_out(r.Appeal).model_dump(),
            decision=_entry_out(r.ModerationAction, r.nickname),
        )
        for r in rows
    ]
    return Page[AppealEntry](items=items, next_cursor=next_cursor)


def decide_appeal(
    session: Session, viewer: Viewer, appeal_id: UUID, data: AppealDecisionIn
) -> AppealEntry:
    """A moderator of the school upholds the decision or overturns it: overturning undoes
    it (restore, unlock, unsuspend; a removal stays removed) as a logged decision of its
    own. Decided once (409 `appeal-decided`)."""
    found = session.get(Appeal, appeal_id, with_for_update=True)
    if found is None or found.school_id is None:
        raise NotFound("No such appeal.")
    kind = require_staff(session, viewer, found.school_id)
    if found.outcome is not None:
        raise AppealDecided()
    entry = session.get(ModerationAction, found.action_id)
    assert entry is not None  # the foreign key holds it
    undo = UNDO.get(Decision(entry.action))
    if data.outcome is AppealOutcome.overturned and undo is not None:
        target = _load_target(session, TargetType(entry.target_type), entry.target_id)
        if target is not None:
            target.author_id = entry.subject_id
            change = ActionIn(
                target_type=target.type, target_id=target.id, action=undo, reason=data.reason
            )
            if (undo in AUTHOR_ACTIONS or not target.gone) and _apply(session, target, change):
                done = log(
                    session,
                    target,
                    DECISIONS[undo],
                    data.reason,
                    actor=viewer.id,
                    actor_kind=kind,
                )
                found.overturn_action_id = done.id
    found.outcome, found.decided_at, found.decided_by = data.outcome, utcnow(), viewer.id
    session.flush()
    outbox.record(
        session,
        EventType.appeal_decided,
        f"moderation/{entry.id}",
        {"appeal_id": str(found.id), "action_id": str(entry.id), "outcome": str(data.outcome)},
    )
    nickname = session.scalar(select(User.nickname).where(User.id == entry.actor_id))
    return AppealEntry(**_appeal_out(found).model_dump(), decision=_entry_out(entry, nickname))
