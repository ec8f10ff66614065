"""The messages as a reader gets them: text and HTML saying the same in the reader's
language, the code, a direct link and when both expire; nothing loaded from anywhere, no
personal data beyond the address, every value escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from html.parser import HTMLParser

import pytest

from api.mail.messages import (
    Sender,
    email_change_message,
    email_changed_message,
    password_reset_message,
    suspension_message,
    verification_message,
)

NOW = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)
SENDER = Sender("Quad <no-reply@quad.example>", "https://quad.example/")


@dataclass(frozen=True)
class Verification:
    to: str
    language: str
    code: str
    link_token: str
    expires_at: datetime


@dataclass(frozen=True)
class Reset:
    to: str
    language: str
    link_token: str
    expires_at: datetime


@dataclass(frozen=True)
class Notice:
    to: str
    language: str
    new_email_masked: str
    changed_at: datetime


@dataclass(frozen=True)
class Suspension:
    to: str
    language: str
    until: datetime | None
    reason: str


def as_received(message):
    """Through bytes, as a relay and a mail client see it."""
    return message_from_bytes(message.as_bytes(), policy=policy.default)


def parts(message) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in message.iter_parts()]
    assert kinds == ["text/plain", "text/html"]  # the richer part last, as clients expect
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


class Resources(HTMLParser):
    """Every URL the HTML would load or lead to, and its visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "href" and tag == "a":
                self.links.append(value)
            elif name in ("src", "href", "background", "srcset", "poster", "data"):
                self.loads.append(f"{tag} {name}={value}")
            elif name == "style" and "url(" in (value or ""):
                self.loads.append(f"{tag} style={value}")
        if tag in ("img", "link", "script", "iframe", "object", "embed", "video", "audio"):
            self.loads.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def read_html(body: str) -> Resources:
    parser = Resources()
    parser.feed(body)
    return parser


def verification(language: str, **kw) -> Verification:
    values = {
        "to": "minji@hanbit.ac.kr",
        "language": language,
        "code": "048213",
        "link_token": "abc-DEF_123",
        "expires_at": NOW + timedelta(minutes=30),
    } | kw
    return Verification(**values)


@pytest.mark.parametrize(
    ("language", "subject", "expiry"),
    [
        ("ko", "Quad 이메일 인증 코드", "30분 후(2026년 12월 3일 14:30 KST)"),
        ("en", "Your Quad verification code", "in 30 minutes (3 December 2026, 05:30 UTC)"),
    ],
)
def test_the_verification_message_in_each_language(language, subject, expiry):
    message = as_received(verification_message(verification(language), SENDER, now=NOW))
    assert message["Subject"] == subject
    assert message["To"] == "minji@hanbit.ac.kr"
    assert message["From"] == "Quad <no-reply@quad.example>"
    assert message["Content-Language"] == language
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@quad.example>")
    text, body = parts(message)
    link = "https://quad.example/verify-email?token=abc-DEF_123"
    for part in (text, body):
        assert "048213" in part and link in part
    assert expiry in text
    html = read_html(body)
    assert html.links == [link]
    assert expiry in "".join(html.text)
    assert f'<html lang="{language}">' in body
    if language == "ko":
        assert "인증 코드" in text and "Verification" not in text
    else:
        assert "Verification code" in text and "인증" not in text


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_password_reset_message_in_each_language(language):
    reset = Reset("alex@riverside.edu", language, "r3set", NOW + timedelta(minutes=30))
    message = as_received(password_reset_message(reset, SENDER, now=NOW))
    text, body = parts(message)
    link = "https://quad.example/reset-password?token=r3set"
    assert link in text and read_html(body).links == [link]
    expected = "30분 후" if language == "ko" else "in 30 minutes"
    assert expected in text and expected in body
    assert message["Subject"] == (
        "Quad 비밀번호 재설정" if language == "ko" else "Reset your Quad password"
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda lang: verification_message(verification(lang), SENDER, now=NOW),
        lambda lang: password_reset_message(
            Reset("alex@riverside.edu", lang, "t", NOW + timedelta(minutes=30)), SENDER, now=NOW
        ),
        lambda lang: email_change_message(verification(lang), SENDER, now=NOW),
        lambda lang: email_changed_message(
            Notice("minji@hanbit.ac.kr", lang, "m***@cs.hanbit.ac.kr", NOW), SENDER
        ),
        lambda lang: suspension_message(
            Suspension("minji@hanbit.ac.kr", lang, NOW + timedelta(days=3), "spam"), SENDER, NOW
        ),
    ],
    ids=["verification", "reset", "email-change", "email-changed", "suspension"],
)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_nothing_is_loaded_or_tracked(build, language):
    message = as_received(build(language))
    text, body = parts(message)
    html = read_html(body)
    assert html.loads == []  # no image, style sheet, font, script or frame
    assert not re.search(r"url\(|@import|<img|cid:", body, re.I)
    # The one link goes straight to the web app, untagged: no redirector, no utm_.
    for link in html.links:
        assert link.startswith("https://quad.example/") and "utm_" not in link
        assert re.fullmatch(r"https://quad\.example/[\w-]+\?token=[\w-]+", link), link
    assert re.findall(r"https?://[^\s<>\"]+", text) == html.links
    assert not [p for p in message.walk() if p.get_content_maintype() == "image"]


def test_unsafe_values_are_escaped_in_the_html_and_encoded_in_the_link():
    hostile = verification(
        "en",
        code='<b>1</b>"',
        link_token='"><script>alert(1)</script>&x=1',
    )
    message = as_received(verification_message(hostile, SENDER, now=NOW))
    text, body = parts(message)
    assert "<script>" not in body and "<b>1</b>" not in body
    assert "&lt;b&gt;1&lt;/b&gt;&quot;" in body
    html = read_html(body)
    assert html.loads == []
    (link,) = html.links
    # The token is one query value, percent-encoded: it cannot end the attribute or add one.
    assert link == (
        "https://quad.example/verify-email?token=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E%26x%3D1"
    )
    assert link in text


def test_an_unknown_language_gets_english():
    message = as_received(verification_message(verification("fr"), SENDER, now=NOW))
    assert message["Content-Language"] == "en"
    assert message["Subject"] == "Your Quad verification code"


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_email_change_code_and_the_notice_in_each_language(language):
    change = verification(language, to="minji.new@hanbit.ac.kr")
    message = as_received(email_change_message(change, SENDER, now=NOW))
    assert message["To"] == "minji.new@hanbit.ac.kr"
    text, body = parts(message)
    link = "https://quad.example/confirm-email?token=abc-DEF_123"
    for part in (text, body):
        assert "048213" in part and link in part
    assert ("30분 후" if language == "ko" else "in 30 minutes") in text
    assert message["Subject"] == (
        "Quad 이메일 주소 변경 확인 코드"
        if language == "ko"
        else "Confirm your new Quad email address"
    )

    notice = Notice("minji@hanbit.ac.kr", language, "m***@hanbit.ac.kr", NOW)
    message = as_received(email_changed_message(notice, SENDER))
    assert message["To"] == "minji@hanbit.ac.kr"
    text, body = parts(message)
    when = "2026년 12월 3일 14:00 KST" if language == "ko" else "3 December 2026, 05:00 UTC"
    for part in (text, "".join(read_html(body).text)):
        assert "m***@hanbit.ac.kr" in part and when in part
    assert read_html(body).links == []  # nothing to click: a notice, not a request


@pytest.mark.parametrize(
    ("language", "subject", "until", "reason", "cannot"),
    [
        (
            "ko",
            "Quad 계정 이용이 제한되었습니다",
            "2026년 12월 10일 14:00 KST까지(7일 동안)",
            "사유: 광고 <b>도배</b>",
            "글과 댓글 작성, 좋아요",
        ),
        (
            "en",
            "Your Quad account is suspended",
            "until 10 December 2026, 05:00 UTC (7 days from now)",
            "Reason: 광고 <b>도배</b>",
            "not post, comment, like",
        ),
    ],
)
def test_the_suspension_notice_in_each_language(language, subject, until, reason, cannot):
    notice = Suspension("minji@hanbit.ac.kr", language, NOW + timedelta(days=7), "광고 <b>도배</b>")
    message = as_received(suspension_message(notice, SENDER, now=NOW))
    assert message["Subject"] == subject and message["To"] == "minji@hanbit.ac.kr"
    assert message["Auto-Submitted"] == "auto-generated"
    text, body = parts(message)
    shown = "".join(read_html(body).text)
    for part in (text, shown):
        assert until in part and reason in part and cannot in part
        assert ("이의" if language == "ko" else "appeal it once") in part
    assert "<b>" not in body  # the moderator's words are escaped
    assert read_html(body).links == []

    forever = as_received(suspension_message(Suspension(notice.to, language, None, "x"), SENDER))
    text, _ = parts(forever)
    assert ("영구적으로" if language == "ko" else "permanently") in text
    assert ("까지" if language == "ko" else "until") not in text


@pytest.mark.parametrize(
    ("hours", "ko", "en"),
    [(1, "60분", "60 minutes"), (24, "24시간", "24 hours"), (72, "3일", "3 days")],
)
def test_how_long_a_suspension_lasts_reads_naturally(hours, ko, en):
    for language, expected in (("ko", ko), ("en", en)):
        notice = Suspension("m@hanbit.ac.kr", language, NOW + timedelta(hours=hours), "r")
        text, _ = parts(as_received(suspension_message(notice, SENDER, now=NOW)))
        assert expected in text, text
