from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator

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

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "target_type": "post",
                    "target_id": "0193a5c3-8f50-7c32-8e4b-6d9f0a1b2c3d",
                    "action": "hide",
                    "reason": "대리출석·과제 대행 광고 (이용규칙 제2조 상업적 홍보 금지)",
                },
                {
                    "target_type": "comment",
                    "target_id": "0193a5d1-2c3d-7e4f-9051-6b7c8d9e0f1a",
                    "action": "suspend_author",
                    "reason": "Repeated insults toward another student after two hides",
                    "suspend_hours": 72,
                },
                {
                    "target_type": "post",
                    "target_id": "0193a5c3-8f50-7c32-8e4b-6d9f0a1b2c3d",
                    "action": "lock",
                    "reason": "댓글 싸움이 계속되어 새 댓글을 막습니다",
                },
            ]
        }
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

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "body": "광고가 아니라 동아리 신입부원 모집 공지였습니다. 학생회 승인도 "
                    "받았어요. 다시 검토 부탁드립니다."
                },
                {"body": "I was quoting the other comment to report it, not insulting anyone."},
            ]
        }
    )


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

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"outcome": "overturned", "reason": "학생회 승인을 받은 동아리 모집 공지로 확인"},
                {"outcome": "upheld", "reason": "The insult is in the comment itself, not quoted"},
            ]
        }
    )
