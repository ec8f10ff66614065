"""Every domain event the API emits: its CloudEvents `type` and the topic it goes to.

Types are versioned (`.v1`); a consumer handles the versions it knows and acknowledges
the rest. Topic names get the `TOPIC_PREFIX` (default `quad-`) on Pub/Sub.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    user_signed_up = "quad.user.signed_up.v1"
    post_created = "quad.post.created.v1"
    comment_created = "quad.comment.created.v1"
    post_liked = "quad.post.liked.v1"
    comment_liked = "quad.comment.liked.v1"
    post_scrapped = "quad.post.scrapped.v1"
    content_reported = "quad.content.reported.v1"
    content_hidden = "quad.content.hidden.v1"
    review_posted = "quad.review.posted.v1"
    friend_added = "quad.friend.added.v1"
    user_followed = "quad.user.followed.v1"
    timetable_changed = "quad.timetable.changed.v1"
    # data: {"verification_id"} only; the mail handler reads the rest in its transaction
    # (api/auth/verification.py: issue_verification_mail), so no address or code is here.
    email_verification_requested = "quad.auth.email_verification_requested.v1"
    # data: {"reset_id"} only, for known and unknown addresses alike; the mail handler
    # resolves the account when it sends (api/auth/recovery.py: issue_password_reset_mail).
    password_reset_requested = "quad.auth.password_reset_requested.v1"
    # data: {"action_id", "action", "actor_kind", "target_type", "target_id", "school_id"}:
    # never the content's author (a handler reads it from the log entry, api/moderation/).
    moderation_decided = "quad.moderation.decided.v1"
    # data: {"appeal_id", "action_id", "school_id"}; then {"appeal_id", "action_id",
    # "outcome"} once a moderator decides it. Never the author.
    moderation_appealed = "quad.moderation.appealed.v1"
    appeal_decided = "quad.moderation.appeal_decided.v1"
    # data: {"change_id"} only: the code goes to the new address, which the mail handler
    # reads from the row (api/auth/email_change.py: issue_email_change_mail).
    email_change_requested = "quad.auth.email_change_requested.v1"
    # data: {"change_id"} only: the notice to the old address, kept on the row until the
    # notice is sent (api/auth/email_change.py: issue_email_changed_notice).
    email_changed = "quad.auth.email_changed.v1"
    # data: {"action_id"} only: the mail to a suspended author, whom the mail handler reads
    # from the log entry (api/moderation/mail.py: issue_suspension_notice).
    account_suspended = "quad.moderation.account_suspended.v1"


TOPICS: dict[EventType, str] = {
    EventType.user_signed_up: "users",
    EventType.post_created: "posts",
    EventType.comment_created: "comments",
    EventType.post_liked: "reactions",
    EventType.comment_liked: "reactions",
    EventType.post_scrapped: "reactions",
    EventType.content_reported: "reports",
    EventType.content_hidden: "moderation",
    EventType.review_posted: "reviews",
    EventType.friend_added: "social",
    EventType.user_followed: "social",
    EventType.timetable_changed: "timetables",
    EventType.email_verification_requested: "mail",
    EventType.password_reset_requested: "mail",
    EventType.moderation_decided: "moderation",
    EventType.moderation_appealed: "moderation",
    EventType.appeal_decided: "moderation",
    EventType.email_change_requested: "mail",
    EventType.email_changed: "mail",
    EventType.account_suspended: "mail",
}
