"""Which handler the in-process bus hands each topic to, under `make run` (nothing
configured): the same handler the topic's Cloud Function runs in the cloud, where a push
subscription routes the topic to it (terraform/modules/platform/events.tf).

The processes that may publish on the local bus wire it before they do: the API's app
factory (api/main.py), the operator commands (api/cli.py) and the functions' entry points
(functions/main.py). infra/events.py imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable

from api.mail import service as mail
from api.mail.handlers import mail_requested
from api.moderation.mail import issue_suspension_notice
from api.notifications.handlers import comment_created, moderation_decided
from api.outbox.types import TOPICS, EventType
from api.reports.handlers import content_reported
from api.uploads.handlers import upload_finalized
from infra import events
from infra.storage import FINALIZE_TOPIC

# At import, not in wire_local_bus: the mail function (functions/main.py) and the API both
# import this module, and mail may not import moderation (docs/ARCHITECTURE.md layers).
mail.register_composer(EventType.account_suspended, issue_suspension_notice)

# A handler takes the message's bytes (a structured CloudEvent, as Pub/Sub pushes it) and
# says what came of it (applied, duplicate, ignored, ...; it logs that itself).
EventHandler = Callable[[bytes], str]

LOCAL_SUBSCRIPTIONS: dict[str, EventHandler] = {
    TOPICS[EventType.content_reported]: content_reported,
    TOPICS[EventType.comment_created]: comment_created,
    TOPICS[EventType.moderation_decided]: moderation_decided,
    TOPICS[EventType.email_verification_requested]: mail_requested,
    # The local bucket's finalize events, as the upload bucket notifies quad-uploads.
    FINALIZE_TOPIC: upload_finalized,
}


def wire_local_bus() -> None:
    """Route each topic of an in-process bus made from now on to its handler."""
    events.set_local_subscriptions(
        {topic: [_delivered(handler)] for topic, handler in LOCAL_SUBSCRIPTIONS.items()}
    )


def _delivered(handler: EventHandler) -> events.Handler:
    def deliver(data: bytes, attributes: dict[str, str]) -> None:
        handler(data)

    return deliver
