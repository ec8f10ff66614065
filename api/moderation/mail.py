"""The mail to a suspended author (`quad.moderation.account_suspended.v1`): its composer,
which the mail handler calls in its own transaction (api/mail/service.py). Registered by
api/events_wiring.py, since mail sits below moderation and may not import it.

The event names the log entry only; the author is read from the entry here, with their
address and language, and the suspension as it stands when the mail goes, so a moderator
never learns whom they mailed and a lifted or superseded suspension mails nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session, aliased

from api.reports.models import Decision, ModerationAction
from api.users.models import User

# The suspension decisions on an author: the latest one is what holds.
_ON_AUTHOR = (Decision.suspended, Decision.unsuspended)


@dataclass(frozen=True, slots=True)
class SuspensionNotice:
    to: str
    language: str
    until: datetime | None  # None: without end
    reason: str


def issue_suspension_notice(session: Session, action_id: UUID) -> SuspensionNotice | None:
    """The notice of this suspension, or None when there is nothing to tell any more: the
    account is gone, the suspension was lifted or has run out, or a later decision on the
    author replaced it (whose own mail, if any, tells what holds)."""
    later = aliased(ModerationAction)
    superseded = (
        select(later.id)
        .where(
            later.subject_id == ModerationAction.subject_id,
            later.action.in_(_ON_AUTHOR),
            later.created_at > ModerationAction.created_at,
        )
        .exists()
    )
    row = session.execute(
        select(
            User.email,
            User.language,
            ModerationAction.reason,
            # Compared with the database's clock, as the write check does; the driver has
            # no datetime for 'infinity', so no end reads as NULL.
            (User.suspended_until > func.now()).label("suspended"),
            func.nullif(User.suspended_until, literal_column("'infinity'::timestamptz")).label(
                "until"
            ),
        )
        .join(User, User.id == ModerationAction.subject_id)
        .where(
            ModerationAction.id == action_id,
            ModerationAction.action == Decision.suspended,
            User.deleted_at.is_(None),
            ~superseded,
        )
    ).one_or_none()
    if row is None or not row.suspended:
        return None
    return SuspensionNotice(to=row.email, language=row.language, until=row.until, reason=row.reason)
