"""Sending mail: an SMTP relay, or a local Maildir.

- SMTP (smtplib) to a relay configured by settings: SendGrid, Mailgun, the school's own
  server. Cloud Run and Cloud Functions cannot send on port 25, so it is submission with
  STARTTLS (587), which the relay must offer, or TLS from the first byte (465); the
  certificate is verified (system CAs, or SMTP_CA_FILE) and nothing is sent unencrypted.
  One connection per message: a function instance sends a message now and then, and a
  connection kept open would be dropped by the relay in between.
- With nothing configured, a Maildir under DATA_DIR/mail (`quad mail list` reads it), so
  `make run` shows every message it would send.

`send()` returns once the relay (or the folder) has taken the message, and raises
MailNotSent otherwise: refused by the relay (any 4xx or 5xx), the connection dropped or
timed out, TLS or login failed. The caller decides what a failure means; the mail
handler lets the event be retried.
"""

from __future__ import annotations

import logging
import mailbox
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Protocol

from infra.settings import Settings, get_settings

log = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The message was not accepted; sending it again later may succeed."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand the message over or raise MailNotSent."""


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int | None = None,
        *,
        tls: str = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        ca_file: Path | None = None,
    ) -> None:
        if tls not in ("starttls", "tls"):
            raise ValueError(f"tls must be starttls or tls, not {tls!r}")
        self.host = host
        self.port = port or (465 if tls == "tls" else 587)
        self.tls = tls
        self._username = username
        self._password = password
        self._timeout = timeout
        self._context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)

    def send(self, message: EmailMessage) -> None:
        recipients = [address for _, address in getaddresses(message.get_all("To", []))]
        where = f"{self.host}:{self.port}"
        try:
            with self._connect() as smtp:
                if self._username:
                    smtp.login(self._username, self._password or "")
                refused = smtp.send_message(message, to_addrs=recipients)
        except smtplib.SMTPResponseException as exc:
            answer = f"{exc.smtp_code} {exc.smtp_error!r}"
            raise MailNotSent(f"{where} refused the message: {answer}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            answers = _answers(exc.recipients)
            raise MailNotSent(f"{where} refused every recipient: {answers}") from exc
        except (smtplib.SMTPException, OSError) as exc:  # dropped, timed out, TLS, DNS
            raise MailNotSent(f"sending through {where} failed: {exc!r}") from exc
        if refused:  # some recipients accepted: what was refused is still not sent
            raise MailNotSent(f"{where} refused {len(refused)} recipients: {_answers(refused)}")

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "tls":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self._timeout, context=self._context
            )
        smtp = smtplib.SMTP(self.host, self.port, timeout=self._timeout)
        try:
            smtp.ehlo()
            # Required: a relay that does not offer it (or a network that strips it) gets
            # nothing, neither the password nor the message.
            if not smtp.has_extn("starttls"):
                raise MailNotSent(f"{self.host}:{self.port} does not offer STARTTLS")
            smtp.starttls(context=self._context)
            smtp.ehlo()
        except BaseException:
            smtp.close()
            raise
        return smtp


def _answers(refused: dict[str, tuple[int, bytes]]) -> str:
    """The relay's answers without the addresses they were for: errors are logged, and
    logs carry no addresses."""
    return ", ".join(sorted({f"{code} {text!r}" for code, text in refused.values()}))


class MaildirMailer:
    """Each message a file in `path` (new/), written atomically by mailbox.Maildir."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def send(self, message: EmailMessage) -> None:
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)  # DATA_DIR on a first run
                mailbox.Maildir(self.path, create=True).add(message)
        except OSError as exc:
            raise MailNotSent(f"writing to {self.path} failed: {exc!r}") from exc
        log.info(
            "mail written to the local Maildir",
            extra={"fields": {"maildir": str(self.path), "subject": str(message["Subject"])}},
        )


def create_mailer(settings: Settings) -> Mailer:
    if settings.uses_smtp:
        if not settings.smtp_host:
            raise RuntimeError("MAIL_BACKEND=smtp needs SMTP_HOST")
        return SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            tls=settings.smtp_tls,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            timeout=settings.smtp_timeout_seconds,
            ca_file=settings.smtp_ca_file,
        )
    if settings.in_cloud and settings.mail_backend == "auto":
        # An instance's disk is gone with it: nobody would ever read those messages.
        raise RuntimeError("SMTP_HOST must be set in the cloud (the relay mail goes through)")
    return MaildirMailer(settings.maildir_path)


_mailer: Mailer | None = None
_mailer_lock = threading.Lock()


def get_mailer() -> Mailer:
    global _mailer
    if _mailer is None:
        with _mailer_lock:
            if _mailer is None:
                _mailer = create_mailer(get_settings())
    return _mailer


def set_mailer(mailer: Mailer | None) -> None:
    """Replace the process's mailer (tests, and processes that configure their own)."""
    global _mailer
    with _mailer_lock:
        _mailer = mailer
