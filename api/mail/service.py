"""Which mail an event asks for, and what goes into it.

An event on the `mail` topic names what to write about (`data.verification_id`); a
composer, keyed by the event type, reads it in the handler's transaction and returns the
message's parts (or None: nothing to send any more, e.g. already verified); the event's
kind renders them (api/mail/messages.py). Composers live with their domain (auth issues
the code and the token); this module only routes to them, so mail imports no domain and
a domain registers its composer here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from api.mail import messages
from api.outbox.types import EventType
from infra.settings import get_settings

log = logging.getLogger(__name__)

Composer = Callable[[Session, UUID], Any]


@dataclass(frozen=True, slots=True)
class MailKind:
    subject_field: str  # the event data's field naming what the mail is about
    render: Callable[[Any, messages.Sender], EmailMessage]


# Every event type that asks for a mail; each registers its composer.
KINDS: dict[str, MailKind] = {
    EventType.email_verification_requested: MailKind(
        "verification_id", messages.verification_message
    ),
    EventType.password_reset_requested: MailKind("reset_id", messages.password_reset_message),
    EventType.email_change_requested: MailKind("change_id", messages.email_change_message),
    EventType.email_changed: MailKind("change_id", messages.email_changed_message),
    EventType.account_suspended: MailKind("action_id", messages.suspension_message),
}

# Event type -> composer(session, id) -> the mail's parts or None. Registered where the
# handlers are wired (api/mail/handlers.py; a domain above mail, in api/events_wiring.py),
# e.g. for verification:
#   mail.register_composer(EventType.email_verification_requested,
#                          verification.issue_verification_mail)
COMPOSERS: dict[str, Composer] = {}


class NoComposer(RuntimeError):
    """An event type with no composer registered: a deployment fault, retried, never
    acknowledged as if it were sent."""


def register_composer(event_type: str, composer: Composer) -> None:
    if event_type not in KINDS:
        raise ValueError(f"{event_type} is not a mail event (api/mail/service.py KINDS)")
    COMPOSERS[str(event_type)] = composer


def sender() -> messages.Sender:
    settings = get_settings()
    return messages.Sender(settings.mail_from, settings.web_url())


def compose(session: Session, event_type: str, subject_id: UUID) -> EmailMessage | None:
    """The message this event asks for, or None when there is nothing to send: the
    composer found nothing (used, withdrawn, gone), or it expired before it could go."""
    kind = KINDS[event_type]
    composer = COMPOSERS.get(event_type)
    if composer is None:
        raise NoComposer(f"no composer registered for {event_type}")
    parts = composer(session, subject_id)
    if parts is None:
        return None
    # A notice has no expiry: it is worth sending however late.
    expires_at = getattr(parts, "expires_at", None)
    if expires_at is not None and _as_utc(expires_at) <= datetime.now(UTC):
        log.warning(
            "mail expired before it could be sent; dropped",
            extra={"fields": {"event_type": event_type, kind.subject_field: str(subject_id)}},
        )
        return None
    return kind.render(parts, sender())


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
