"""The messages Quad sends: verification, password reset, a change of address (the code
to the new address, the notice to the old one), and a suspension's notice to its author,
in Korean and English.

Each is an `email.message.EmailMessage`, multipart/alternative: plain text first, then
HTML, saying the same. They carry nothing but what the reader needs to act: no remote
images or style sheets, no tracking pixels, no redirecting or tagged links (the one link
goes straight to the web app), and no personal data beyond the recipient's address (no
nickname, no school). Every value put into the HTML is escaped.

Times are given twice: how long is left when the message is made, and the moment itself,
in Korea's time for Korean readers (KST has no daylight saving) and in UTC for English ones.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Literal, Protocol
from urllib.parse import urlencode

Language = Literal["ko", "en"]
KST = timezone(timedelta(hours=9), "KST")


class VerificationMailLike(Protocol):
    """What a verification message needs (api.auth.verification.VerificationMail)."""

    @property
    def to(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def link_token(self) -> str: ...
    @property
    def expires_at(self) -> datetime: ...


class PasswordResetMailLike(Protocol):
    """What a password-reset message needs."""

    @property
    def to(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def link_token(self) -> str: ...
    @property
    def expires_at(self) -> datetime: ...


class EmailChangedNoticeLike(Protocol):
    """What the notice to an old address needs (api.auth.email_change.EmailChangedNotice)."""

    @property
    def to(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def new_email_masked(self) -> str: ...
    @property
    def changed_at(self) -> datetime: ...


class SuspensionNoticeLike(Protocol):
    """What the notice to a suspended author needs (api.moderation.mail.SuspensionNotice)."""

    @property
    def to(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def until(self) -> datetime | None: ...  # None: without end
    @property
    def reason(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Sender:
    """Who sends, and where links lead: MAIL_FROM and WEB_BASE_URL."""

    from_address: str
    web_base_url: str


def language_of(value: str) -> Language:
    return "ko" if str(value).lower().startswith("ko") else "en"


def verification_message(
    mail: VerificationMailLike, sender: Sender, now: datetime | None = None
) -> EmailMessage:
    language = language_of(mail.language)
    link = _link(sender, "/verify-email", mail.link_token)
    left, at = _expiry(mail.expires_at, language, now)
    if language == "ko":
        subject = "Quad 이메일 인증 코드"
        lines = [
            "Quad에서 이 이메일 주소를 인증하려면 아래 코드를 입력하세요.",
            None,
            f"인증 코드: {mail.code}",
            None,
            "또는 이 링크를 여세요:",
            link,
            None,
            f"코드와 링크는 {left} 후({at})에 만료됩니다.",
            None,
            "요청하지 않으셨다면 이 메일을 무시하세요. 주소는 인증되지 않습니다.",
        ]
    else:
        subject = "Your Quad verification code"
        lines = [
            "To verify this email address for Quad, enter this code:",
            None,
            f"Verification code: {mail.code}",
            None,
            "Or open this link:",
            link,
            None,
            f"The code and the link expire in {left} ({at}).",
            None,
            "If you did not ask for this, ignore this message: the address stays unverified.",
        ]
    body = _html_body(
        language,
        [
            _p(lines[0]),
            _code(mail.code),
            _p(lines[4]),
            _a(link),
            _p(lines[7]),
            _p(lines[9], muted=True),
        ],
    )
    return _message(mail.to, sender, subject, language, _text(lines), body)


def password_reset_message(
    mail: PasswordResetMailLike, sender: Sender, now: datetime | None = None
) -> EmailMessage:
    language = language_of(mail.language)
    link = _link(sender, "/reset-password", mail.link_token)
    left, at = _expiry(mail.expires_at, language, now)
    if language == "ko":
        subject = "Quad 비밀번호 재설정"
        lines = [
            "Quad 비밀번호를 재설정하려면 이 링크를 여세요:",
            link,
            None,
            f"링크는 {left} 후({at})에 만료되며 한 번만 쓸 수 있습니다.",
            None,
            "요청하지 않으셨다면 이 메일을 무시하세요. 비밀번호는 바뀌지 않습니다.",
        ]
    else:
        subject = "Reset your Quad password"
        lines = [
            "To choose a new password for Quad, open this link:",
            link,
            None,
            f"The link expires in {left} ({at}) and works once.",
            None,
            "If you did not ask for this, ignore this message: your password stays as it is.",
        ]
    body = _html_body(language, [_p(lines[0]), _a(link), _p(lines[3]), _p(lines[5], muted=True)])
    return _message(mail.to, sender, subject, language, _text(lines), body)


def email_change_message(
    mail: VerificationMailLike, sender: Sender, now: datetime | None = None
) -> EmailMessage:
    """The code that makes this (new) address the account's."""
    language = language_of(mail.language)
    link = _link(sender, "/confirm-email", mail.link_token)
    left, at = _expiry(mail.expires_at, language, now)
    if language == "ko":
        subject = "Quad 이메일 주소 변경 확인 코드"
        lines = [
            "Quad 계정의 이메일 주소를 이 주소로 바꾸려면 아래 코드를 입력하세요.",
            None,
            f"확인 코드: {mail.code}",
            None,
            "또는 이 링크를 여세요:",
            link,
            None,
            f"코드와 링크는 {left} 후({at})에 만료됩니다.",
            None,
            "요청하지 않으셨다면 이 메일을 무시하세요. 주소는 바뀌지 않습니다.",
        ]
    else:
        subject = "Confirm your new Quad email address"
        lines = [
            "To make this the email address of your Quad account, enter this code:",
            None,
            f"Confirmation code: {mail.code}",
            None,
            "Or open this link:",
            link,
            None,
            f"The code and the link expire in {left} ({at}).",
            None,
            "If you did not ask for this, ignore this message: no address changes.",
        ]
    body = _html_body(
        language,
        [
            _p(lines[0]),
            _code(mail.code),
            _p(lines[4]),
            _a(link),
            _p(lines[7]),
            _p(lines[9], muted=True),
        ],
    )
    return _message(mail.to, sender, subject, language, _text(lines), body)


def email_changed_message(notice: EmailChangedNoticeLike, sender: Sender) -> EmailMessage:
    """To the old address, once the change is made: where the account's mail goes now."""
    language = language_of(notice.language)
    at = _moment(notice.changed_at, language)
    if language == "ko":
        subject = "Quad 이메일 주소가 변경되었습니다"
        lines = [
            f"Quad 계정의 이메일 주소가 {notice.new_email_masked}(으)로 변경되었습니다({at}).",
            None,
            "이 주소로는 더 이상 로그인하거나 비밀번호를 재설정할 수 없습니다.",
            None,
            "직접 변경하지 않으셨다면 즉시 학교의 Quad 운영자에게 알려 주세요.",
        ]
    else:
        subject = "Your Quad email address was changed"
        lines = [
            f"The email address of your Quad account was changed to "
            f"{notice.new_email_masked} ({at}).",
            None,
            "This address can no longer sign in or reset the password.",
            None,
            "If you did not make this change, tell your school's Quad operator at once.",
        ]
    body = _html_body(language, [_p(lines[0]), _p(lines[2]), _p(lines[4], muted=True)])
    return _message(notice.to, sender, subject, language, _text(lines), body)


def suspension_message(
    notice: SuspensionNoticeLike, sender: Sender, now: datetime | None = None
) -> EmailMessage:
    """To the author a moderator suspended: until when, what they can no longer do, the
    moderator's reason, and that they may appeal. Nothing about which content or who."""
    language = language_of(notice.language)
    if language == "ko":
        subject = "Quad 계정 이용이 제한되었습니다"
        if notice.until is None:
            first = "Quad 운영진이 회원님의 계정 이용을 영구적으로 제한했습니다."
        else:
            left = _span(notice.until, language, now)
            first = (
                f"Quad 운영진이 회원님의 계정 이용을 {_moment(notice.until, language)}까지"
                f"({left} 동안) 제한했습니다."
            )
        lines = [
            first,
            None,
            "로그인하고 글을 읽을 수는 있지만, 글과 댓글 작성, 좋아요 등은 할 수 없습니다.",
            None,
            f"사유: {notice.reason}",
            None,
            "이 결정에 동의하지 않으시면 앱에서 한 번 이의를 제기할 수 있습니다.",
        ]
    else:
        subject = "Your Quad account is suspended"
        if notice.until is None:
            first = "Quad's moderators have suspended your account permanently."
            still = "You can still sign in and read, but no longer post, comment, like and so on."
        else:
            left = _span(notice.until, language, now)
            first = (
                "Quad's moderators have suspended your account until "
                f"{_moment(notice.until, language)} ({left} from now)."
            )
            still = "Until then you can sign in and read, but not post, comment, like and so on."
        lines = [
            first,
            None,
            still,
            None,
            f"Reason: {notice.reason}",
            None,
            "If you disagree with this decision, you can appeal it once in the app.",
        ]
    body = _html_body(language, [_p(lines[0]), _p(lines[2]), _p(lines[4]), _p(lines[6])])
    return _message(notice.to, sender, subject, language, _text(lines), body)


def _link(sender: Sender, path: str, token: str) -> str:
    return f"{sender.web_base_url.rstrip('/')}{path}?{urlencode({'token': token})}"


def _expiry(expires_at: datetime, language: Language, now: datetime | None) -> tuple[str, str]:
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    minutes = max(1, math.ceil((expires_at - now).total_seconds() / 60))
    if language == "ko":
        left = f"{minutes}분" if minutes < 120 else f"{round(minutes / 60)}시간"
        return left, _moment(expires_at, language)
    left = (
        f"{minutes} minute{'s' if minutes != 1 else ''}"
        if minutes < 120
        else f"{round(minutes / 60)} hours"
    )
    return left, _moment(expires_at, language)


def _span(until: datetime, language: Language, now: datetime | None) -> str:
    """How long from now: minutes, hours up to two days, then days."""
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    minutes = max(1, math.ceil((until - (now or datetime.now(UTC))).total_seconds() / 60))
    if minutes < 120:
        count, ko, en = minutes, "분", "minute"
    elif minutes < 48 * 60:
        count, ko, en = round(minutes / 60), "시간", "hour"
    else:
        count, ko, en = round(minutes / (24 * 60)), "일", "day"
    return f"{count}{ko}" if language == "ko" else f"{count} {en}{'s' if count != 1 else ''}"


def _moment(moment: datetime, language: Language) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if language == "ko":
        local = moment.astimezone(KST)
        return f"{local.year}년 {local.month}월 {local.day}일 {local:%H:%M} KST"
    utc = moment.astimezone(UTC)
    return f"{utc.day} {utc:%B %Y, %H:%M} UTC"


def _text(lines: list[str | None]) -> str:
    return "\n".join(line or "" for line in lines) + "\n\n-- \nQuad\n"


# Inline styles only: a mail client loads nothing from anywhere to show these.
_FONT = "font-family:-apple-system,'Apple SD Gothic Neo','Malgun Gothic',sans-serif"


def _p(text: str | None, *, muted: bool = False) -> str:
    colour = "#666666" if muted else "#111111"
    return f'<p style="margin:0 0 16px;color:{colour}">{html.escape(text or "")}</p>'


def _code(code: str) -> str:
    return (
        '<p style="margin:0 0 16px;font-size:28px;font-weight:bold;letter-spacing:6px;'
        f'font-family:monospace">{html.escape(code)}</p>'
    )


def _a(url: str) -> str:
    escaped = html.escape(url, quote=True)
    return f'<p style="margin:0 0 16px;word-break:break-all"><a href="{escaped}">{escaped}</a></p>'


def _html_body(language: Language, parts: list[str]) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width"></head>\n'
        f'<body style="margin:0;padding:24px;{_FONT};font-size:16px;line-height:1.5">\n'
        + "\n".join(parts)
        + '\n<p style="margin:24px 0 0;color:#999999;font-size:13px">Quad</p>\n</body>\n</html>\n'
    )


def _message(
    to: str, sender: Sender, subject: str, language: Language, text: str, body: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender.from_address
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(sender.from_address)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    # RFC 3834: sent by a machine, so vacation responders do not answer it.
    message["Auto-Submitted"] = "auto-generated"
    # 8bit would need the relay's 8BITMIME; base64 goes through any of them.
    message.set_content(text, cte="7bit" if text.isascii() else "base64")
    message.add_alternative(body, subtype="html", cte="7bit" if body.isascii() else "base64")
    # After the parts: setting content clears every Content-* header before it.
    message["Content-Language"] = language
    return message
