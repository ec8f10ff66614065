"""What each function does with an event it accepts (the rules live in api/ services)."""

from __future__ import annotations

import logging

from cloudevents.http import CloudEvent
from sqlalchemy.orm import Session

from api.auth import verification
from api.mail import service as mail
from api.notifications import service as notifications
from api.outbox import service as outbox
from api.outbox.types import EventType
from api.reports import service as reports
from api.reports.models import TargetType
from api.uploads import service as uploads
from api.uploads.models import Attachment, AttachmentStatus
from api.uploads.rules import IMAGES_PREFIX, INCOMING_PREFIX, MAX_UPLOAD_BYTES
from functions.envelope import MalformedEvent, handle, uuid_field
from functions.images import ImageRejected, sanitize_image
from infra import database
from infra.mail import get_mailer
from infra.storage import FINALIZED, ObjectNotFound, get_storage

log = logging.getLogger("functions")

CONTENT_REPORTED = "on_content_reported"
COMMENT_CREATED = "on_comment_created"
UPLOAD_FINALIZED = "on_upload_finalized"
MAIL_REQUESTED = "on_mail_requested"

# The domains that ask for mail give the mail router what goes into it.
mail.register_composer(EventType.email_verification_requested, verification.issue_verification_mail)

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}


def _data(event: CloudEvent) -> dict:
    return event.data if isinstance(event.data, dict) else {}


def _apply_report(session: Session, event: CloudEvent) -> None:
    data = _data(event)
    try:
        target_type = TargetType(str(data.get("target_type")))
    except ValueError as exc:
        raise MalformedEvent("data.target_type is not post or comment") from exc
    reports.hide_if_reported_enough(session, target_type, uuid_field(data, "target_id"))


def _apply_comment(session: Session, event: CloudEvent) -> None:
    notifications.notify_comment(
        session, uuid_field(event, "id"), uuid_field(_data(event), "comment_id")
    )


def _is_upload(event: CloudEvent) -> bool:
    """Only uploads to our bucket's incoming/ prefix. The bucket also notifies the
    function's own writes (images/...) wherever a trigger cannot filter by prefix."""
    data = _data(event)
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise MalformedEvent("data.name (the object) is missing")
    return name.startswith(INCOMING_PREFIX) and data.get("bucket") in (None, get_storage().bucket)


def _apply_upload(session: Session, event: CloudEvent) -> str | None:
    data = _data(event)
    name: str = data["name"]
    fields = {"object": name}
    attachment = uploads.attachment_for_object(session, name)
    storage = get_storage()
    if attachment is None:
        log.warning("uploaded object belongs to no attachment; ignored", extra={"fields": fields})
        return "ignored"
    fields["attachment_id"] = str(attachment.id)
    if attachment.status != AttachmentStatus.pending:
        # Uploaded again with a still-valid URL after it was processed: not used.
        log.info("attachment already processed; upload discarded", extra={"fields": fields})
        database.after_commit(session, lambda: storage.delete(name))
        return "ignored"
    try:
        size = int(data.get("size", 0))
    except (TypeError, ValueError) as exc:
        raise MalformedEvent("data.size is not a number") from exc
    try:
        if size > MAX_UPLOAD_BYTES:  # refused unread: no need to hold 12 MiB to say no
            raise ImageRejected(f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MiB")
        try:
            # One byte more than allowed is enough to know it is too large.
            raw = storage.read(name, MAX_UPLOAD_BYTES + 1)
        except ObjectNotFound:
            log.warning("uploaded object is gone; left pending", extra={"fields": fields})
            return "ignored"
        image = sanitize_image(raw, attachment.content_type)
    except ImageRejected as exc:
        uploads.mark_rejected(attachment, exc.reason)
        log.info(f"upload rejected: {exc.reason}", extra={"fields": fields})
        database.after_commit(session, lambda: storage.delete(name))
        return "rejected"
    image_object = _image_name(attachment, image.content_type, "image")
    thumbnail_object = _image_name(attachment, image.content_type, "thumb")
    # Written before the commit: a retry after a failed commit overwrites the same names.
    storage.write(image_object, image.data, image.content_type)
    storage.write(thumbnail_object, image.thumbnail, image.content_type)
    uploads.mark_ready(
        attachment,
        image_object=image_object,
        thumbnail_object=thumbnail_object,
        width=image.width,
        height=image.height,
    )
    # The upload itself goes once the attachment is ready (if deleting fails, the bucket's
    # lifecycle rule clears incoming/).
    database.after_commit(session, lambda: storage.delete(name))
    return "ready"


def _apply_mail(session: Session, event: CloudEvent) -> str | None:
    """Compose, render and send inside the handler's transaction, before its commit: a
    send that fails raises, so the claim rolls back and Pub/Sub delivers the event again;
    nothing is lost. The one seam: the relay took the message and then the commit failed
    (database gone at that moment). The redelivery then sends again, so the reader gets
    one extra message per such failure; sending after the commit instead would lose the
    message whenever the send failed. A verification composer that issues a new code
    each time makes the later message the valid one."""
    kind = mail.KINDS[event["type"]]
    subject_id = uuid_field(_data(event), kind.subject_field)
    message = mail.compose(session, event["type"], subject_id)
    if message is None:
        log.info(
            "nothing to send for this event",
            extra={"fields": {kind.subject_field: str(subject_id)}},
        )
        return "nothing-to-send"
    get_mailer().send(message)
    return "sent"


def _image_name(attachment: Attachment, content_type: str, kind: str) -> str:
    return f"{IMAGES_PREFIX}{attachment.id}/{kind}.{_EXTENSIONS[content_type]}"


def content_reported(event: CloudEvent | bytes) -> str:
    return handle(CONTENT_REPORTED, {EventType.content_reported}, event, _apply_report)


def comment_created(event: CloudEvent | bytes) -> str:
    return handle(COMMENT_CREATED, {EventType.comment_created}, event, _apply_comment)


def upload_finalized(event: CloudEvent | bytes) -> str:
    return handle(UPLOAD_FINALIZED, {FINALIZED}, event, _apply_upload, relevant=_is_upload)


def mail_requested(event: CloudEvent | bytes) -> str:
    return handle(MAIL_REQUESTED, set(mail.KINDS), event, _apply_mail)


def sweep_outbox() -> tuple[int, int]:
    return outbox.sweep()


# The in-process bus (local runs) hands over (data, attributes) as Pub/Sub would.
def local_content_reported(data: bytes, attributes: dict[str, str]) -> None:
    content_reported(data)


def local_comment_created(data: bytes, attributes: dict[str, str]) -> None:
    comment_created(data)


def local_upload_finalized(data: bytes, attributes: dict[str, str]) -> None:
    upload_finalized(data)


def local_mail_requested(data: bytes, attributes: dict[str, str]) -> None:
    mail_requested(data)
