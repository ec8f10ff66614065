"""What happens to an uploaded file once it is in the bucket: the upload function's work,
run by the object-finalize event's handler (api/uploads/handlers.py) in the cloud and
under `make run` alike.

`process_upload` checks the file against the image rules (api/uploads/images.py), writes
the re-encoded image and its thumbnail under IMAGES_PREFIX and marks the attachment ready,
or rejected with the reason for the uploader; the upload itself is deleted once that has
committed.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.db import utcnow
from api.outbox.envelope import MalformedEvent
from api.uploads.images import ImageRejected, sanitize_image
from api.uploads.models import Attachment, AttachmentStatus
from api.uploads.rules import IMAGES_PREFIX, MAX_UPLOAD_BYTES
from infra import database
from infra.settings import get_settings
from infra.storage import ObjectNotFound, ObjectStorage

# The functions' logger, whichever process runs the handler.
log = logging.getLogger("functions")

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}


def process_upload(
    session: Session, object_name: str, size: str | int, storage: ObjectStorage
) -> str:
    """Process the upload stored at `object_name`, of `size` bytes as the storage event
    gives it (a decimal string): "ready", "rejected", or "ignored" (no attachment, one
    already processed, or the object gone). A `size` that is not a number is a
    MalformedEvent."""
    fields = {"object": object_name}
    attachment = attachment_for_object(session, object_name)
    if attachment is None:
        log.warning("uploaded object belongs to no attachment; ignored", extra={"fields": fields})
        return "ignored"
    fields["attachment_id"] = str(attachment.id)
    if attachment.status != AttachmentStatus.pending:
        # Uploaded again with a still-valid URL after it was processed: not used.
        log.info("attachment already processed; upload discarded", extra={"fields": fields})
        database.after_commit(session, lambda: storage.delete(object_name))
        return "ignored"
    try:
        declared = int(size)
    except (TypeError, ValueError) as exc:
        raise MalformedEvent("data.size is not a number") from exc
    try:
        if declared > MAX_UPLOAD_BYTES:  # refused unread: no need to hold 12 MiB to say no
            raise ImageRejected(f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MiB")
        try:
            # One byte more than allowed is enough to know it is too large.
            raw = storage.read(object_name, MAX_UPLOAD_BYTES + 1)
        except ObjectNotFound:
            log.warning("uploaded object is gone; left pending", extra={"fields": fields})
            return "ignored"
        image = sanitize_image(raw, attachment.content_type)
    except ImageRejected as exc:
        mark_rejected(attachment, exc.reason)
        log.info(f"upload rejected: {exc.reason}", extra={"fields": fields})
        database.after_commit(session, lambda: storage.delete(object_name))
        return "rejected"
    image_object = image_name(attachment, image.content_type, "image")
    thumbnail_object = image_name(attachment, image.content_type, "thumb")
    # Written before the commit: a retry after a failed commit overwrites the same names.
    cache_control = image_cache_control()
    storage.write(image_object, image.data, image.content_type, cache_control)
    storage.write(thumbnail_object, image.thumbnail, image.content_type, cache_control)
    mark_ready(
        attachment,
        image_object=image_object,
        thumbnail_object=thumbnail_object,
        width=image.width,
        height=image.height,
    )
    # The upload itself goes once the attachment is ready (if deleting fails, the bucket's
    # lifecycle rule clears incoming/).
    database.after_commit(session, lambda: storage.delete(object_name))
    return "ready"


def image_cache_control() -> str:
    """How long a browser may keep an image: no longer than the window of the URLs that name
    it (IMAGE_CDN_URL_WINDOW_SECONDS), and in no shared cache (Cloud CDN caches signed
    requests by its own rule, signed_url_cache_max_age_sec)."""
    return f"private, max-age={get_settings().image_cdn_url_window_seconds}"


def image_name(attachment: Attachment, content_type: str, kind: str) -> str:
    """Where the processed image (`kind` "image" or "thumb") of an attachment is written."""
    return f"{IMAGES_PREFIX}{attachment.id}/{kind}.{_EXTENSIONS[content_type]}"


def attachment_for_object(session: Session, object_name: str) -> Attachment | None:
    """The attachment uploaded to `object_name`, locked for the caller's transaction."""
    return session.scalars(
        select(Attachment).where(Attachment.object_name == object_name).with_for_update()
    ).one_or_none()


def mark_ready(
    attachment: Attachment,
    *,
    image_object: str,
    thumbnail_object: str,
    width: int,
    height: int,
) -> None:
    attachment.status = AttachmentStatus.ready
    attachment.image_object = image_object
    attachment.thumbnail_object = thumbnail_object
    attachment.width = width
    attachment.height = height
    attachment.reason = None
    attachment.processed_at = utcnow()


def mark_rejected(attachment: Attachment, reason: str) -> None:
    attachment.status = AttachmentStatus.rejected
    attachment.reason = reason[:300]
    attachment.processed_at = utcnow()
