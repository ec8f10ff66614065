"""on_mail_requested: an event on the mail topic becomes one message at the relay, sent
from the handler (never the request), retried until the relay takes it, and sent once
however often the event is delivered.

The composer registered here stands in for api.auth.verification.issue_verification_mail
(another branch): it returns the same frozen dataclass. The relay, the transport, the
handler and the idempotency are the real ones."""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from api import cli
from api.core.ids import new_id
from api.mail import handlers
from api.mail import service as mail_service
from api.outbox import service as outbox
from api.outbox.envelope import event_uuid, unwrap
from api.outbox.models import OutboxEvent, ProcessedEvent
from api.outbox.types import EventType
from infra import database
from infra import mail as mail_module
from tests.functions.events import ours, pubsub_push
from tests.smtp_server import PASSWORD, USERNAME, make_certificates, smtp_relay

WEB = "https://quad.example"
VERIFICATION = EventType.email_verification_requested


@dataclass(frozen=True)
class VerificationMail:  # the shape of api.auth.verification.VerificationMail
    to: str
    language: str
    code: str
    link_token: str
    expires_at: datetime


class Verifications:
    """The composer: verification id -> its mail (None when there is nothing to send)."""

    def __init__(self) -> None:
        self.mails: dict[UUID, VerificationMail | None] = {}
        self.calls: list[UUID] = []

    def add(self, language: str = "ko", minutes: int = 30, to: str = "minji@hanbit.ac.kr"):
        verification_id = new_id()
        self.mails[verification_id] = VerificationMail(
            to, language, "482913", "tok-" + verification_id.hex, _in(minutes)
        )
        return verification_id

    def __call__(self, session, verification_id: UUID) -> VerificationMail | None:
        self.calls.append(verification_id)
        return self.mails.get(verification_id)


def _in(minutes: int) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


@pytest.fixture
def verifications() -> Verifications:
    composer = Verifications()
    real = mail_service.COMPOSERS.get(VERIFICATION)
    mail_service.register_composer(VERIFICATION, composer)
    yield composer
    if real is not None:  # the one api/mail/handlers.py registers
        mail_service.register_composer(VERIFICATION, real)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def relay(certificates, override_settings):
    """A STARTTLS relay with login, and the settings that point the process at it."""
    with smtp_relay(certificates) as server:
        override_settings(
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=server.port,
            SMTP_USERNAME=USERNAME,
            SMTP_PASSWORD=PASSWORD,
            SMTP_CA_FILE=certificates.ca_file,
            SMTP_TIMEOUT_SECONDS=3,
            MAIL_FROM="Quad <no-reply@quad.example>",
            WEB_BASE_URL=WEB,
        )
        mail_module.set_mailer(None)
        yield server
    mail_module.set_mailer(None)


def push(verification_id, event_id=None, **kw):
    event = ours(VERIFICATION, {"verification_id": str(verification_id)}, event_id=event_id, **kw)
    return pubsub_push(event, topic="quad-mail")


def claimed(db, event) -> bool:
    event_id = event_uuid(unwrap(event))
    db.expire_all()
    return (
        db.scalar(
            select(ProcessedEvent).where(
                ProcessedEvent.event_id == event_id,
                ProcessedEvent.handler == handlers.MAIL_REQUESTED,
            )
        )
        is not None
    )


def test_a_verification_event_sends_its_mail_through_the_relay(relay, verifications):
    verification_id = verifications.add(language="ko")
    assert handlers.mail_requested(push(verification_id)) == "sent"
    (message,) = relay.received
    assert relay.envelopes == [("no-reply@quad.example", ["minji@hanbit.ac.kr"])]
    assert message["To"] == "minji@hanbit.ac.kr" and message["Content-Language"] == "ko"
    text = message.get_body(("plain",)).get_content()
    assert "482913" in text
    assert f"{WEB}/verify-email?token=tok-{verification_id.hex}" in text
    assert verifications.calls == [verification_id]


def test_a_redelivered_event_sends_one_mail(relay, verifications, db):
    event = push(verifications.add())
    outcomes = [handlers.mail_requested(event) for _ in range(3)]
    assert outcomes == ["sent", "duplicate", "duplicate"]
    assert len(relay.received) == 1
    assert claimed(db, event)


@pytest.mark.parametrize(
    ("switch", "value"),
    [
        ("refuse_rcpt", "550 5.1.1 Mailbox unavailable"),
        ("refuse_data", "554 5.7.1 Rejected by policy"),
        ("hang_up_at_data", True),
    ],
    ids=["5xx-at-rcpt", "5xx-at-data", "dropped"],
)
def test_a_failed_send_is_retried_and_the_retry_sends_it_once(
    relay, verifications, db, switch, value
):
    event = push(verifications.add())
    setattr(relay, switch, value)
    with pytest.raises(mail_module.MailNotSent):
        handlers.mail_requested(event)  # raised: Pub/Sub delivers it again
    assert relay.received == []
    assert not claimed(db, event)  # not marked processed: the retry is not a duplicate

    setattr(relay, switch, None if switch != "hang_up_at_data" else False)
    assert handlers.mail_requested(event) == "sent"
    assert handlers.mail_requested(event) == "duplicate"
    assert len(relay.received) == 1
    assert claimed(db, event)


def test_nothing_is_sent_when_the_composer_finds_nothing(relay, verifications, db):
    event = push(new_id())  # no such verification (used, withdrawn or gone)
    assert handlers.mail_requested(event) == "nothing-to-send"
    assert relay.received == [] and claimed(db, event)


def test_a_mail_that_expired_before_it_could_go_is_not_sent(relay, verifications):
    verification_id = verifications.add(minutes=-1)
    assert handlers.mail_requested(push(verification_id)) == "nothing-to-send"
    assert relay.received == []


def test_without_a_composer_the_event_is_retried_not_acknowledged(relay, db, monkeypatch):
    monkeypatch.delitem(mail_service.COMPOSERS, VERIFICATION, raising=False)
    event = push(new_id())
    with pytest.raises(mail_service.NoComposer):
        handlers.mail_requested(event)
    assert not claimed(db, event)


@pytest.mark.parametrize("data", [{}, {"verification_id": "nope"}], ids=["empty", "bad"])
def test_malformed_mail_events_are_acknowledged(relay, verifications, data):
    event = pubsub_push(ours(VERIFICATION, data), topic="quad-mail")
    assert handlers.mail_requested(event) == "malformed"
    assert relay.received == [] and verifications.calls == []


def test_stale_events_are_dropped(relay, verifications):
    event = push(verifications.add(), age=timedelta(days=2))
    assert handlers.mail_requested(event) == "stale"
    assert relay.received == []


def test_locally_the_outbox_delivers_to_the_maildir_after_the_commit(
    override_settings, fresh_adapters, verifications, tmp_path, db
):
    """`make run`: nothing configured, so the in-process bus hands the committed event to
    the same handler, which writes the mail into DATA_DIR/mail."""
    override_settings(MAIL_DIR=tmp_path / "mail", WEB_BASE_URL="http://localhost:5173")
    mail_module.set_mailer(None)
    verification_id = verifications.add(language="en", to="alex@riverside.edu")
    try:
        with database.session_scope() as session:
            outbox.record(
                session,
                VERIFICATION,
                f"verifications/{verification_id}",
                {"verification_id": str(verification_id)},
            )
            assert verifications.calls == []  # nothing is sent before the commit
        box = mailbox.Maildir(tmp_path / "mail", create=False)
        (message,) = list(box)
        assert message["To"] == "alex@riverside.edu"
        assert message["Subject"] == "Your Quad verification code"
        assert db.scalars(select(OutboxEvent.published_at)).one() is not None
        # ... where `quad mail` reads it.
        listed = CliRunner().invoke(cli.main, ["mail", "list"])
        assert listed.exit_code == 0
        assert "alex@riverside.edu  Your Quad verification code" in listed.output
        shown = CliRunner().invoke(cli.main, ["mail", "show", "1"])
        assert shown.exit_code == 0 and "482913" in shown.output
    finally:
        mail_module.set_mailer(None)
