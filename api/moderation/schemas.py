from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field, model_validator

from api.core.schemas import InputModel, OutputModel
from api.moderation.models import AppealOutcome
from api.reports.models import ReportReason, TargetType

# Ten years: longer is what a permanent suspension (`suspend_hours: null`) is for.
MAX_SUSPEND_HOURS = 24 * 365 * 10


class ActionName(StrEnum):
    hide = "hide"  # hidden from everyone but its author (as an automatic hide is)
    restore = "restore"  # shown again; the reports so far are reviewed
    remove = "remove"  # deleted, as its author's own delete does
    dismiss = "dismiss"  # the reports are closed, nothing done
    lock = "lock"  # a post takes no new comments
    unlock = "unlock"
    suspend_author = "suspend_author"  # the content's author writes nothing until the end
    unsuspend_author = "unsuspend_author"  # the suspension ends now


class ActionIn(InputModel):
    target_type: TargetType
    target_id: UUID
    action: ActionName
    reason: str = Field(min_length=1, max_length=500, description="Why: kept in the log")
    suspend_hours: int | None = Field(
        None,
        ge=1,
        le=MAX_SUSPEND_HOURS,
        description="With `suspend_author`: how long; null or absent: without end",
    )

    @model_validator(mode="after")
    def _hours_only_to_suspend(self) -> ActionIn:
        if self.suspend_hours is not None and self.action is not ActionName.suspend_author:
            raise ValueError("suspend_hours goes with suspend_author only")
        return self


class LogEntry(OutputModel):
    """A decision as moderators see it: never whose content it was."""

    id: UUID
    action: str
    reason: str
    target_type: TargetType
    target_id: UUID
    actor_kind: str = Field(description="system, moderator, board_owner, admin or operator")
    actor_nickname: str | None = None
    created_at: datetime


class AuditEntry(LogEntry):
    """A decision as platform administrators audit it: with the accounts."""

    actor_id: UUID | None
    subject_id: UUID | None = Field(description="The content's author")
    school_id: UUID | None


class AuthorHistory(OutputModel):
    """What the log holds about the content's author, as counts (never who it is)."""

    hides: int = 0
    removals: int = 0
    suspensions: int = 0


class ActionResult(OutputModel):
    changed: bool = Field(description="false: it was so already (nothing logged)")
    entry: LogEntry | None = Field(None, description="The new log entry, if any")
    author_history: AuthorHistory | None = Field(
        None, description="The author's earlier decisions (school moderators and admins only)"
    )


class ModeratorOut(OutputModel):
    user_id: UUID
    nickname: str | None
    school_id: UUID
    granted_at: datetime


class QueueStatus(StrEnum):
    open = "open"  # reports since the last decision by a person
    actioned = "actioned"
    dismissed = "dismissed"


class QueueEntry(OutputModel):
    target_type: TargetType
    target_id: UUID
    board_id: UUID | None
    post_id: UUID | None = Field(description="The post, or the comment's post")
    title: str | None = Field(description="The post's title (a comment's: its post's)")
    body: str | None = Field(description="The target's text; null once removed")
    hidden: bool
    removed: bool
    status: QueueStatus
    report_count: int
    reasons: dict[ReportReason, int]
    notes: list[str] = Field(description="The reporters' notes, oldest first")
    first_reported_at: datetime
    last_reported_at: datetime
    last_decision: str | None
    author_history: AuthorHistory | None = Field(
        description="The author's decisions so far (school moderators and admins only)"
    )


class AppealIn(InputModel):
    body: str = Field(min_length=1, max_length=1000, description="Why it should be undone")


class AppealOut(OutputModel):
    id: UUID
    action_id: UUID
    body: str
    created_at: datetime
    outcome: AppealOutcome | None = Field(None, description="null while it waits")
    decided_at: datetime | None = None


class MyDecision(OutputModel):
    """A decision on the viewer's own content (the moderator is not named)."""

    entry: LogEntry
    appeal: AppealOut | None


class AppealState(StrEnum):
    open = "open"
    decided = "decided"


class AppealEntry(AppealOut):
    """An appeal as the school's moderators see it: the decision, never its author."""

    decision: LogEntry


class AppealDecisionIn(InputModel):
    outcome: AppealOutcome
    reason: str = Field(min_length=1, max_length=500, description="Kept in the log")
