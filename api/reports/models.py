from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column


class ReportReason(StrEnum):
    spam = "spam"
    abuse = "abuse"
    hate = "hate"
    sexual = "sexual"
    illegal = "illegal"
    privacy = "privacy"
    misinformation = "misinformation"
    other = "other"


class TargetType(StrEnum):
    post = "post"
    comment = "comment"


_reasons = ", ".join(f"'{r}'" for r in ReportReason)
_targets = ", ".join(f"'{t}'" for t in TargetType)


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "reporter_id"),
        CheckConstraint(f"reason IN ({_reasons})", name="reason"),
        CheckConstraint(f"target_type IN ({_targets})", name="target_type"),
        Index("ix_reports_school_id", "school_id", "target_type", "target_id"),
    )

    id: Mapped[UUID] = id_column()
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[UUID]
    reporter_id: Mapped[UUID] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(30))
    # The reporter's words for moderators (the queue); optional.
    note: Mapped[str | None] = mapped_column(String(500))
    # The target's school, so the queue finds a school's reports (NULL only for reports
    # of content already gone when migration 0015 ran).
    school_id: Mapped[UUID | None]
    created_at: Mapped[datetime] = created_at_column()


class ActorKind(StrEnum):
    system = "system"  # a rule (the report threshold): no actor
    moderator = "moderator"  # a school moderator
    board_owner = "board_owner"
    admin = "admin"  # a platform administrator
    operator = "operator"  # the CLI


class Decision(StrEnum):
    """What the log records, in the past tense (analytics reads `hidden`)."""

    hidden = "hidden"
    restored = "restored"
    removed = "removed"
    dismissed = "dismissed"
    locked = "locked"
    unlocked = "unlocked"
    suspended = "suspended"
    unsuspended = "unsuspended"


# The decisions that close a target's reports: the threshold counts only reports after
# the last of them (api/reports/service.py), so a restored post is not hidden again by
# the reports a moderator already read.
REVIEWED = (Decision.restored, Decision.dismissed)

_kinds = ", ".join(f"'{k}'" for k in ActorKind)
_decisions = ", ".join(f"'{d}'" for d in Decision)


class ModerationAction(Base):
    """The moderation log: every decision on content or its author, automatic or human.

    Append-only: nothing in the code updates or deletes a row, and the database refuses
    it (migration 0015: a trigger, and no UPDATE/DELETE/TRUNCATE grant). No foreign keys,
    so an entry outlives the content, the account and the school it names.
    `subject_id` (the content's author) is for the platform administrators' audit only:
    no answer to a moderator carries it (api/moderation/service.py).
    """

    __tablename__ = "moderation_actions"
    __table_args__ = (
        CheckConstraint(f"actor_kind IN ({_kinds})", name="actor_kind"),
        CheckConstraint(f"action IN ({_decisions})", name="action"),
        Index("ix_moderation_actions_school_log", "school_id", text("created_at DESC"), "id"),
        Index("ix_moderation_actions_target", "target_type", "target_id", "created_at"),
        Index("ix_moderation_actions_subject_id", "subject_id"),
    )

    id: Mapped[UUID] = id_column()
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[UUID]
    action: Mapped[str] = mapped_column(String(20))
    # For a system entry, the rule that decided ("system:report-threshold").
    decided_by: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(500))
    actor_id: Mapped[UUID | None]  # NULL: the system, or an operator
    actor_kind: Mapped[str] = mapped_column(
        String(20), default=ActorKind.system, server_default=ActorKind.system
    )
    school_id: Mapped[UUID | None]
    subject_id: Mapped[UUID | None]
    created_at: Mapped[datetime] = created_at_column()
