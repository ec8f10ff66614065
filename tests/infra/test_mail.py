"""infra/mail.py against a real SMTP server on loopback: STARTTLS (required) and login,
TLS from the first byte, refusals at RCPT and DATA, a dropped connection, a silent server;
and the local Maildir."""

from __future__ import annotations

import mailbox
import time
from email.message import EmailMessage

import pytest

from infra.mail import MaildirMailer, MailNotSent, SmtpMailer, create_mailer
from infra.settings import load_settings
from tests.smtp_server import (
    PASSWORD,
    USERNAME,
    make_certificates,
    silent_server,
    smtp_relay,
)

# aiosmtpd warns when AUTH is allowed without STARTTLS: its implicit-TLS listener is TLS
# from the first byte, which it does not count.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("tls"))


def message(to: str = "minji@hanbit.ac.kr", subject: str = "인증 코드") -> EmailMessage:
    m = EmailMessage()
    m["From"] = "Quad <no-reply@quad.example>"
    m["To"] = to
    m["Subject"] = subject
    m.set_content("코드: 123456\n", cte="base64")
    return m


def mailer(relay_port: int, certificates, **overrides) -> SmtpMailer:
    values = {
        "tls": "starttls",
        "username": USERNAME,
        "password": PASSWORD,
        "timeout": 3.0,
        "ca_file": certificates.ca_file,
    } | overrides
    return SmtpMailer("127.0.0.1", relay_port, **values)


def test_delivers_over_starttls_with_login(certificates):
    with smtp_relay(certificates) as relay:
        mailer(relay.port, certificates).send(message())
    assert relay.logins == [USERNAME]
    assert relay.envelopes == [("no-reply@quad.example", ["minji@hanbit.ac.kr"])]
    (received,) = relay.received
    assert received["Subject"] == "인증 코드"
    assert received.get_content() == "코드: 123456\n"


def test_delivers_over_implicit_tls(certificates):
    with smtp_relay(certificates, implicit_tls=True) as relay:
        mailer(relay.port, certificates, tls="tls").send(message())
    assert len(relay.received) == 1 and relay.logins == [USERNAME]


def test_settings_choose_the_relay_and_its_port_from_the_tls_mode(certificates):
    settings = load_settings(
        smtp_host="127.0.0.1",
        smtp_tls="tls",
        smtp_username=USERNAME,
        smtp_password=PASSWORD,
        smtp_ca_file=str(certificates.ca_file),
    )
    relay_mailer = create_mailer(settings)
    assert isinstance(relay_mailer, SmtpMailer)
    assert (relay_mailer.port, relay_mailer.tls) == (465, "tls")
    assert create_mailer(load_settings(smtp_host="relay.example")).port == 587


def test_a_relay_without_starttls_gets_neither_password_nor_message():
    plain = smtp_relay(None, require_auth=False)
    with plain as relay, pytest.raises(MailNotSent, match="does not offer STARTTLS"):
        SmtpMailer("127.0.0.1", relay.port, username=USERNAME, password=PASSWORD).send(message())
    assert relay.received == [] and relay.logins == []


def test_a_certificate_from_an_unknown_ca_is_refused(certificates, tmp_path):
    other = make_certificates(tmp_path / "other")
    refused = pytest.raises(MailNotSent, match="CERTIFICATE_VERIFY_FAILED")
    with smtp_relay(certificates) as relay, refused:
        mailer(relay.port, certificates, ca_file=other.ca_file).send(message())
    assert relay.received == []


def test_a_wrong_password_is_not_sent(certificates):
    with smtp_relay(certificates) as relay, pytest.raises(MailNotSent, match="535"):
        mailer(relay.port, certificates, password="wrong").send(message())
    assert relay.received == []


@pytest.mark.parametrize(
    ("switch", "answer"),
    [("refuse_rcpt", "550 5.1.1 No such user"), ("refuse_data", "554 5.7.1 Message rejected")],
    ids=["rcpt", "data"],
)
def test_a_refusal_raises_and_a_later_send_goes_through(certificates, switch, answer):
    with smtp_relay(certificates) as relay:
        setattr(relay, switch, answer)
        with pytest.raises(MailNotSent, match=answer.split()[0]) as refused:
            mailer(relay.port, certificates).send(message())
        assert "minji@" not in str(refused.value)  # errors are logged: no addresses
        assert relay.received == []
        setattr(relay, switch, None)
        mailer(relay.port, certificates).send(message())
    assert len(relay.received) == 1


def test_a_dropped_connection_raises(certificates):
    with smtp_relay(certificates) as relay:
        relay.hang_up_at_data = True
        with pytest.raises(MailNotSent):
            mailer(relay.port, certificates).send(message())
    assert relay.received == []


def test_a_silent_server_times_out_within_the_timeout(certificates):
    with silent_server() as port:
        started = time.monotonic()
        with pytest.raises(MailNotSent, match="timed out"):
            mailer(port, certificates, timeout=0.5).send(message())
        assert time.monotonic() - started < 3


def test_with_nothing_configured_mail_lands_in_the_local_maildir(tmp_path):
    settings = load_settings(data_dir=str(tmp_path / "data"))  # not there yet: a first run
    local = create_mailer(settings)
    assert isinstance(local, MaildirMailer) and local.path == tmp_path / "data" / "mail"
    local.send(message(subject="first"))
    local.send(message(subject="second"))
    box = mailbox.Maildir(tmp_path / "data" / "mail", create=False)
    assert sorted(m["Subject"] for m in box) == ["first", "second"]
    assert len(list((tmp_path / "data" / "mail" / "new").iterdir())) == 2


def test_in_the_cloud_a_relay_is_required(tmp_path):
    with pytest.raises(RuntimeError, match="SMTP_HOST"):
        create_mailer(load_settings(environment="prod", data_dir=str(tmp_path)))
