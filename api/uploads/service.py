"""Uploads: slots with signed URLs, their status, and attaching them to posts.

The bytes never pass through the API in the cloud: the client PUTs them to storage with a
signed URL bound to the declared type and size; the object-finalize event runs the upload
function, which checks and re-encodes the image and marks the attachment ready or
rejected (api/uploads/processing.py). Locally the API itself plays storage (see
`receive_local_upload`), with the same contract.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.db import utcnow
from api.core.errors import NotFound
from api.core.ids import new_id
from api.core.viewer import Viewer
from api.uploads.errors import (
    AttachmentInUse,
    AttachmentNotReady,
    AttachmentRejected,
    PayloadTooLarge,
    PayloadTooSmall,
    SignedUrlRejected,
    UnknownAttachment,
)
from api.uploads.models import Attachment, AttachmentStatus
from api.uploads.rules import INCOMING_PREFIX
from api.uploads.schemas import (
    AttachmentOut,
    ImageUrls,
    UploadIn,
    UploadOut,
    UploadSlotOut,
    UploadTarget,
)
from infra import database
from infra.storage import LocalStorage, ObjectNotFound, UrlRejected, get_storage

log = logging.getLogger(__name__)


# --- slots and status ----------------------------------------------------------------


def create_upload(session: Session, viewer: Viewer, data: UploadIn) -> UploadSlotOut:
    """A pending attachment and the signed URL to PUT its bytes to (valid 15 minutes)."""
    attachment_id = new_id()
    # The object name is ours alone: nothing the client sends (its file name) reaches it.
    object_name = f"{INCOMING_PREFIX}{attachment_id}"
    signed = get_storage().signed_upload(object_name, data.content_type, max_size=data.size)
    attachment = Attachment(
        id=attachment_id,
        owner_id=viewer.id,
        status=AttachmentStatus.pending,
        content_type=data.content_type,
        size=data.size,
        file_name=data.file_name,
        object_name=object_name,
        created_at=utcnow(),
    )
    session.add(attachment)
    session.flush()
    return UploadSlotOut(
        **upload_out(attachment).model_dump(),
        upload=UploadTarget(url=signed.url, headers=signed.headers, expires_at=signed.expires_at),
    )


def get_upload(session: Session, viewer: Viewer, attachment_id: UUID) -> UploadOut:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.owner_id != viewer.id:
        raise NotFound("No such upload.")
    return upload_out(attachment)


def upload_out(attachment: Attachment) -> UploadOut:
    image = None
    if attachment.status == AttachmentStatus.ready:
        image = _image_urls(attachment.image_object, attachment.thumbnail_object)
    return UploadOut(
        id=attachment.id,
        status=attachment.status,
        content_type=attachment.content_type,
        size=attachment.size,
        file_name=attachment.file_name,
        width=attachment.width,
        height=attachment.height,
        reason=attachment.reason,
        post_id=attachment.post_id,
        created_at=attachment.created_at,
        image=image,
    )


def _image_urls(image_object: str | None, thumbnail_object: str | None) -> ImageUrls:
    storage = get_storage()
    image = storage.signed_download(image_object or "")
    thumb = storage.signed_download(thumbnail_object or "")
    return ImageUrls(
        url=image.url,
        thumbnail_url=thumb.url,
        expires_at=min(image.expires_at, thumb.expires_at),
    )


# --- posts ---------------------------------------------------------------------------
# Posts sit above uploads (api/posts/service.py calls these): a post is named here by its
# id and image count, never by importing posts.


class ListedPost(Protocol):
    """A post on a page (posts' PostSummary): the page gets its thumbnails here."""

    id: UUID
    image_count: int
    thumbnail_url: str | None


def attach_to_post(
    session: Session, viewer: Viewer, post_id: UUID, attachment_ids: Sequence[UUID]
) -> list[AttachmentOut]:
    """Put the viewer's ready uploads into a new post, in the order given. Any one that is
    not theirs, not ready, or already in a post fails the whole request (nothing saved).
    The post's `image_count` is set by its creator from the same list."""
    if not attachment_ids:
        return []
    rows = session.scalars(
        select(Attachment)
        .where(Attachment.id.in_(attachment_ids))
        .order_by(Attachment.id)  # one lock order: concurrent posts cannot deadlock
        .with_for_update()
    ).all()
    found = {a.id: a for a in rows}
    for attachment_id in attachment_ids:
        attachment = found.get(attachment_id)
        detail = {"attachment_id": str(attachment_id)}
        if attachment is None or attachment.owner_id != viewer.id:
            raise UnknownAttachment("Attach only your own uploads.", **detail)
        if attachment.post_id is not None:
            raise AttachmentInUse("This upload is already in a post.", **detail)
        if attachment.status == AttachmentStatus.pending:
            raise AttachmentNotReady(
                "This upload is still being checked; try again in a moment.", **detail
            )
        if attachment.status == AttachmentStatus.rejected:
            raise AttachmentRejected(attachment.reason or "The upload was rejected.", **detail)
    for position, attachment_id in enumerate(attachment_ids):
        found[attachment_id].post_id = post_id
        found[attachment_id].position = position
    session.flush()
    return [_attachment_out(found[i]) for i in attachment_ids]


def post_images(session: Session, post_id: UUID, image_count: int) -> list[AttachmentOut]:
    """The images of a post, in order; no query at all for a post without any. (A hidden
    post reaches here only for its author: posts.service.can_see.)"""
    if not image_count:
        return []
    rows = session.scalars(
        select(Attachment).where(Attachment.post_id == post_id).order_by(Attachment.position)
    ).all()
    return [_attachment_out(a) for a in rows]


def add_thumbnails(session: Session, items: Sequence[ListedPost]) -> None:
    """Give each summary with images its first image's thumbnail URL: one query for the
    page when some post on it has images, none otherwise."""
    with_images = [item.id for item in items if item.image_count]
    if not with_images:
        return
    rows = session.execute(
        select(Attachment.post_id, Attachment.thumbnail_object).where(
            Attachment.post_id.in_(with_images), Attachment.position == 0
        )
    ).all()
    storage = get_storage()
    thumbnails = {row.post_id: storage.signed_download(row.thumbnail_object).url for row in rows}
    for item in items:
        item.thumbnail_url = thumbnails.get(item.id)


def delete_post_images(session: Session, post_id: UUID, image_count: int) -> None:
    """Before a post is deleted (its attachment rows go with it, by cascade): delete the
    image objects once the deletion has committed. A failure is logged; the objects are
    then orphans no response points to."""
    if not image_count:
        return
    rows = session.execute(
        select(Attachment.image_object, Attachment.thumbnail_object).where(
            Attachment.post_id == post_id
        )
    ).all()
    names = [name for row in rows for name in row if name]
    if names:
        database.after_commit(session, lambda: _delete_objects(names))


def _delete_objects(names: list[str]) -> None:
    storage = get_storage()
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            log.exception("deleting an image object failed", extra={"fields": {"object": name}})


def _attachment_out(attachment: Attachment) -> AttachmentOut:
    urls = _image_urls(attachment.image_object, attachment.thumbnail_object)
    return AttachmentOut(
        id=attachment.id,
        content_type=attachment.content_type,
        width=attachment.width or 0,
        height=attachment.height or 0,
        url=urls.url,
        thumbnail_url=urls.thumbnail_url,
        expires_at=urls.expires_at,
    )


# --- local storage: the API plays the bucket -----------------------------------------


def local_storage() -> LocalStorage:
    storage = get_storage()
    if not isinstance(storage, LocalStorage):
        raise NotFound("Uploads go to Cloud Storage here.")
    return storage


def check_local_upload(
    storage: LocalStorage, name: str, query: Mapping[str, str], headers: Mapping[str, str]
) -> tuple[int, int]:
    """The signed (min, max) size of an upload to a locally signed URL, or 403."""
    try:
        return storage.check_upload(name, query, headers)
    except (UrlRejected, ValueError) as exc:
        raise SignedUrlRejected(str(exc)) from exc


def check_local_size(size: int, low: int, high: int) -> None:
    if size > high:
        raise PayloadTooLarge(f"The signed URL accepts at most {high} bytes.")
    if size < low:
        raise PayloadTooSmall(f"The signed URL accepts at least {low} bytes.")


def receive_local_upload(storage: LocalStorage, name: str, data: bytes, content_type: str) -> None:
    """Store the bytes; the write notifies the finalize event, as GCS would."""
    storage.write(name, data, content_type)


def local_download(
    storage: LocalStorage, name: str, query: Mapping[str, str]
) -> tuple[Path, str, str]:
    """The file, content type and Cache-Control behind a locally signed GET URL, or 403/404."""
    try:
        storage.check_download(name, query)
    except UrlRejected as exc:
        raise SignedUrlRejected(str(exc)) from exc
    try:
        path, metadata = storage.path(name), storage.metadata(name)
    except ObjectNotFound as exc:
        raise NotFound("No such object.") from exc
    return (
        path,
        metadata.get("contentType", "application/octet-stream"),
        metadata.get("cacheControl", "private"),
    )
