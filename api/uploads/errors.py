"""The problems only uploads raise (api/core/errors.py has the shared ones)."""

from __future__ import annotations

from api.core.errors import Conflict, Forbidden, InvalidInput, Problem


class UnknownAttachment(InvalidInput):
    slug, title = "unknown-attachment", "No such upload of yours"


class AttachmentNotReady(Conflict):
    slug, title = "attachment-not-ready", "The upload has not been checked yet"


class AttachmentRejected(Conflict):
    slug, title = "attachment-rejected", "The upload was rejected"


class AttachmentInUse(Conflict):
    slug, title = "attachment-in-use", "The upload is already attached to a post"


class SignedUrlRejected(Forbidden):
    slug, title = "signed-url-rejected", "The signed URL is not valid for this request"


class PayloadTooLarge(Problem):
    status, slug, title = 413, "payload-too-large", "Request body too large"


class PayloadTooSmall(Problem):
    status, slug, title = 400, "payload-too-small", "Request body too small"
