"""A suspended author is mailed (through the outbox and the mail handler, into the local
Maildir): in their language, until when or permanently, and the moderator's reason; the
author of anonymous content too, while the moderator still learns nothing of who. The
event names the log entry only. A mail that goes late says what holds then: nothing once
the suspension is lifted, run out or replaced."""

from __future__ import annotations

import mailbox
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from sqlalchemy import select, update

from api.mail import handlers
from api.outbox import service as outbox
from api.outbox.models import OutboxEvent
from api.outbox.types import EventType
from api.users.models import User
from infra import events
from tests.api.helpers import create_post
from tests.api.test_moderation import act, grant, report

ROOT = Path(__file__).resolve().parents[2]
SUBJECTS = ("Quad 계정 이용이 제한되었습니다", "Your Quad account is suspended")
SUSPENDED = str(EventType.account_suspended)


@pytest.fixture(autouse=True)
def empty_maildir(settings):
    mailbox.Maildir(settings.data_dir / "mail", create=True).clear()


@pytest.fixture
def moderator(campus, world):
    user = world.user(campus.school, "dave")
    grant(user)
    return user


@pytest.fixture
def undelivered(database_url, monkeypatch):
    """The in-process bus delivers to nobody: the mail waits, as a Pub/Sub backlog would,
    until the test hands its event to the handler."""
    from infra.settings import get_settings

    monkeypatch.setenv("INPROCESS_HANDLERS", "false")
    get_settings.cache_clear()
    events.set_bus(None)
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
    events.set_bus(None)


def suspension_mails(settings) -> list:
    box = mailbox.Maildir(settings.data_dir / "mail", create=True)
    return [m for m in box if str(make_header(decode_header(m["Subject"]))) in SUBJECTS]


def text_of(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def suspension_events(db) -> list[OutboxEvent]:
    db.expire_all()
    return list(
        db.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.type == SUSPENDED)
            .order_by(OutboxEvent.created_at)
        )
    )


def suspend(client, moderator, post, reason="spam links", **extra) -> str:
    r = act(client, moderator, post["id"], "suspend_author", reason=reason, **extra)
    assert r.status_code == 200 and r.json()["changed"], r.text
    return r.json()["entry"]["id"]


def test_the_suspended_author_is_mailed_until_when_and_why(
    client, campus, world, moderator, settings, db
):
    db.execute(update(User).where(User.id == campus.alice.id).values(language="en"))
    db.commit()
    post = create_post(client, campus.alice, campus.board)
    reporters = world.users(campus.school, 2, trusted=True)
    report(client, reporters, f"/v1/posts/{post['id']}")
    before = datetime.now(UTC)
    action_id = suspend(client, moderator, post, suspend_hours=24)

    # One mail in all: to the author, none to the moderator or the reporters.
    (mail,) = mailbox.Maildir(settings.data_dir / "mail", create=True)
    assert mail["To"] == campus.alice.email and mail["Content-Language"] == "en"
    assert mail["Subject"] == "Your Quad account is suspended"
    text = text_of(mail)
    ends = (before + timedelta(hours=24, minutes=d) for d in (0, 1))  # a minute may turn
    moments = {f"{m.day} {m:%B %Y, %H:%M} UTC" for m in ends}
    assert "until " in text and any(m in text for m in moments), text
    assert "(24 hours from now)" in text and "Reason: spam links" in text
    assert "appeal" in text and "permanently" not in text

    # The event names the log entry, not whom: no id, nickname or address of the author.
    (event,) = suspension_events(db)
    assert event.topic == "mail" and event.data == {"action_id": action_id}
    row = f"{event.subject} {event.ordering_key} {event.data}"
    for secret in (str(campus.alice.id), campus.alice.nickname, campus.alice.email):
        assert secret not in row


def test_a_permanent_suspension_says_permanently_in_korean(client, campus, moderator, settings):
    post = create_post(client, campus.alice, campus.board)
    suspend(client, moderator, post, reason="반복된 욕설")
    (mail,) = suspension_mails(settings)
    assert mail["To"] == campus.alice.email and mail["Content-Language"] == "ko"
    text = text_of(mail)
    assert "영구적으로 제한" in text and "사유: 반복된 욕설" in text and "까지" not in text


def test_the_author_of_anonymous_content_is_mailed_and_the_moderator_learns_nothing(
    client, campus, moderator, settings
):
    post = create_post(client, campus.alice, campus.board, anonymous=True)
    r = act(client, moderator, post["id"], "suspend_author", suspend_hours=1)
    assert r.status_code == 200, r.text
    for secret in (str(campus.alice.id), campus.alice.nickname, campus.alice.email):
        assert secret not in r.text
    assert [m["To"] for m in suspension_mails(settings)] == [campus.alice.email]


def test_other_decisions_mail_nobody(client, campus, moderator, settings, db):
    post = create_post(client, campus.alice, campus.board)
    for action in ("hide", "restore", "lock"):
        assert act(client, moderator, post["id"], action).json()["changed"]
    suspend(client, moderator, post, suspend_hours=2)
    assert act(client, moderator, post["id"], "unsuspend_author").json()["changed"]
    assert len(suspension_mails(settings)) == 1 and len(suspension_events(db)) == 1


def test_a_mail_that_goes_late_tells_only_a_suspension_still_in_force(
    client, campus, moderator, settings, db, undelivered
):
    lifted = create_post(client, campus.alice, campus.board)
    suspend(client, moderator, lifted, suspend_hours=24)
    assert act(client, moderator, lifted["id"], "unsuspend_author").json()["changed"]

    ran_out = create_post(client, campus.bob, campus.board)
    suspend(client, moderator, ran_out, suspend_hours=24)
    db.execute(
        update(User)
        .where(User.id == campus.bob.id)
        .values(suspended_until=datetime.now(UTC) - timedelta(minutes=1))
    )
    db.commit()

    replaced = create_post(client, campus.carol, campus.board)
    suspend(client, moderator, replaced, suspend_hours=24, reason="first")
    suspend(client, moderator, replaced, reason="for good")

    assert suspension_mails(settings) == []  # nothing delivered yet
    outcomes = [handlers.mail_requested(outbox.to_cloudevent(e)) for e in suspension_events(db)]
    assert outcomes == ["nothing-to-send", "nothing-to-send", "nothing-to-send", "sent"]
    (mail,) = suspension_mails(settings)
    assert mail["To"] == campus.carol.email
    assert "영구적으로" in text_of(mail) and "사유: for good" in text_of(mail)


def test_the_mail_function_has_a_composer_for_every_mail_kind():
    """A fresh process that imports only the Cloud Functions' entry points, as
    functions-framework does: every mail kind has its composer (else NoComposer)."""
    probe = (
        "import functions.main\n"
        "from api.mail.service import COMPOSERS, KINDS\n"
        "print(sorted(set(KINDS) - set(COMPOSERS)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
