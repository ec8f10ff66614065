"""Cloud Functions entry points (functions-framework, 2nd gen). One per function, each a
thin adapter over the handler in api/ that holds the rules:

    on_upload_finalized   Pub/Sub topic quad-uploads (the upload bucket's OBJECT_FINALIZE
                          notifications; an Eventarc storage trigger works too)
                          -> api/uploads/handlers.py (images)
    on_content_reported   Pub/Sub topic quad-reports   -> api/reports/handlers.py (moderation)
    on_comment_created    Pub/Sub topic quad-comments  -> api/notifications/handlers.py
    on_moderation_decided Pub/Sub topic quad-moderation -> api/notifications/handlers.py
    on_mail_requested     Pub/Sub topic quad-mail      -> api/mail/handlers.py (send a mail)
    sweep_outbox          Cloud Scheduler (HTTP)       -> publish left-behind events

Deployed from the tree `terraform/scripts/stage-functions.sh` stages (its root `main.py`
re-exports this module) with `--entry-point=<name>`; see functions/README.md.
"""

from __future__ import annotations

import functions_framework
from cloudevents.http import CloudEvent

from api.events_wiring import wire_local_bus
from api.mail.handlers import mail_requested
from api.notifications.handlers import comment_created, moderation_decided
from api.outbox import service as outbox
from api.reports.handlers import content_reported
from api.uploads.handlers import upload_finalized
from infra.logging import configure_logging
from infra.settings import get_settings

configure_logging(get_settings().log_level, get_settings().google_cloud_project)
# Run on one machine with nothing configured, what a function publishes (the sweep's
# backlog) goes to the in-process bus: the same routes as the API's.
wire_local_bus()


@functions_framework.cloud_event
def on_upload_finalized(cloud_event: CloudEvent) -> None:
    upload_finalized(cloud_event)


@functions_framework.cloud_event
def on_content_reported(cloud_event: CloudEvent) -> None:
    content_reported(cloud_event)


@functions_framework.cloud_event
def on_comment_created(cloud_event: CloudEvent) -> None:
    comment_created(cloud_event)


@functions_framework.cloud_event
def on_moderation_decided(cloud_event: CloudEvent) -> None:
    moderation_decided(cloud_event)


@functions_framework.cloud_event
def on_mail_requested(cloud_event: CloudEvent) -> None:
    mail_requested(cloud_event)


@functions_framework.http
def sweep_outbox(request) -> tuple[dict, int]:
    published, pruned = outbox.sweep()
    return {"published": published, "pruned": pruned}, 200
