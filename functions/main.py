"""Cloud Functions entry points (functions-framework, 2nd gen). One per function:

    on_upload_finalized   Pub/Sub topic quad-uploads (the upload bucket's OBJECT_FINALIZE
                          notifications; an Eventarc storage trigger works too) -> images
    on_content_reported   Pub/Sub topic quad-reports   -> moderation
    on_comment_created    Pub/Sub topic quad-comments  -> notifications
    on_mail_requested     Pub/Sub topic quad-mail      -> compose, render and send a mail
    sweep_outbox          Cloud Scheduler (HTTP)       -> publish left-behind events

Deployed from the tree `terraform/scripts/stage-functions.sh` stages (its root `main.py`
re-exports this module) with `--entry-point=<name>`; see functions/README.md.
"""

from __future__ import annotations

import functions_framework
from cloudevents.http import CloudEvent

from functions import handlers
from infra.logging import configure_logging
from infra.settings import get_settings

configure_logging(get_settings().log_level, get_settings().google_cloud_project)


@functions_framework.cloud_event
def on_upload_finalized(cloud_event: CloudEvent) -> None:
    handlers.upload_finalized(cloud_event)


@functions_framework.cloud_event
def on_content_reported(cloud_event: CloudEvent) -> None:
    handlers.content_reported(cloud_event)


@functions_framework.cloud_event
def on_comment_created(cloud_event: CloudEvent) -> None:
    handlers.comment_created(cloud_event)


@functions_framework.cloud_event
def on_mail_requested(cloud_event: CloudEvent) -> None:
    handlers.mail_requested(cloud_event)


@functions_framework.http
def sweep_outbox(request) -> tuple[dict, int]:
    published, pruned = handlers.sweep_outbox()
    return {"published": published, "pruned": pruned}, 200
