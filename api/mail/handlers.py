"""The `mail` topic's events (`quad.auth.email_verification_requested.v1`,
`password_reset_requested`, `email_change_requested`, `email_changed`,
`quad.moderation.account_suspended.v1`) -> compose, render, send.
Run by the Cloud Function `on_mail_requested` and, under `make run`, by the in-process bus
(api/events_wiring.py), under the shared rules of api/outbox/envelope.py."""

from __future__ import annotations

import logging

from cloudevents.http import CloudEvent
from sqlalchemy.orm import Session

from api.auth import email_change, recovery, verification
from api.mail import service
from api.outbox.envelope import handle, uuid_field
from api.outbox.types import EventType
from infra.mail import get_mailer

log = logging.getLogger("functions")

MAIL_REQUESTED = "on_mail_requested"

# The domains that ask for mail give the mail router what goes into it.
service.register_composer(
    EventType.email_verification_requested, verification.issue_verification_mail
)
# Resolves the account only now: a request for an unknown address sends nothing.
service.register_composer(EventType.password_reset_requested, recovery.issue_password_reset_mail)
# The code goes to the new address; the notice, once the change is made, to the old one.
service.register_composer(EventType.email_change_requested, email_change.issue_email_change_mail)
service.register_composer(EventType.email_changed, email_change.issue_email_changed_notice)
# account_suspended's composer lives in moderation, above mail: api/events_wiring.py
# registers it.


def _apply_mail(session: Session, event: CloudEvent) -> str | None:
    """Compose, render and send inside the handler's transaction, before its commit: a
    send that fails raises, so the claim rolls back and Pub/Sub delivers the event again;
    nothing is lost. The one seam: the relay took the message and then the commit failed
    (database gone at that moment). The redelivery then sends again, so the reader gets
    one extra message per such failure; sending after the commit instead would lose the
    message whenever the send failed. A verification composer that issues a new code
    each time makes the later message the valid one."""
    kind = service.KINDS[event["type"]]
    data = event.data if isinstance(event.data, dict) else {}
    subject_id = uuid_field(data, kind.subject_field)
    message = service.compose(session, event["type"], subject_id)
    if message is None:
        log.info(
            "nothing to send for this event",
            extra={"fields": {kind.subject_field: str(subject_id)}},
        )
        return "nothing-to-send"
    get_mailer().send(message)
    return "sent"


def mail_requested(event: CloudEvent | bytes) -> str:
    return handle(MAIL_REQUESTED, set(service.KINDS), event, _apply_mail)
