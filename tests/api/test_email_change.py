"""Changing the email address: the current password, an address the school takes that no
other account has, and a code mailed to the new address (through the outbox and the mail
handler, into the local Maildir) before anything changes; the old address is told after.

Every rule is tried from the side that would break it: wrong password, wrong or
look-alike domains, another account's mailbox, guessed, reused, expired and superseded
codes, another account's code, an unverified account, a redelivered event."""

from __future__ import annotations

import hashlib
import mailbox
import re
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from urllib.parse import unquote
from uuid import UUID

import pytest
from sqlalchemy import select, text, update

from tests.api.test_auth import assert_problem, bearer, login
from tests.conftest import PASSWORD

NEW = "alice.new@example.edu"
CODE_SUBJECTS = ("Quad 이메일 주소 변경 확인 코드", "Confirm your new Quad email address")
NOTICE_SUBJECTS = ("Quad 이메일 주소가 변경되었습니다", "Your Quad email address was changed")
# "example.edu" with a Cyrillic a (U+0430) for the Latin "a": it looks the same.
LOOKALIKE = "ex\u0430mple.edu"


# --- helpers -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def empty_maildir(settings):
    """The Maildir lives for the whole run and the campus's addresses recur: each test
    here starts from an empty one."""
    mailbox.Maildir(settings.data_dir / "mail", create=True).clear()


def ask(client, user, new_email=NEW, password=PASSWORD):
    return client.post(
        "/v1/auth/email",
        json={"new_email": new_email, "password": password},
        headers=user.headers,
    )


def confirm(client, user, **body):
    return client.post("/v1/auth/email/confirm", json=body, headers=user.headers)


def _text(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def mails(settings, to: str, subjects=CODE_SUBJECTS) -> list:
    """The mails of that kind sent to `to` in this test."""
    box = mailbox.Maildir(settings.data_dir / "mail", create=True)
    return [m for m in box if m["To"] == to and _subject(m) in subjects]


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def code_in(message) -> str:
    return re.search(r"\b([0-9]{6})\b", _text(message)).group(1)


def token_in(message) -> str:
    return unquote(re.search(r"confirm-email\?token=([\w%-]+)", _text(message)).group(1))


def mailed_code(client, settings, user, new_email=NEW) -> str:
    """Ask for the change; the code of the one new mail it sent to the new address."""
    sent_to = new_email.lower()
    before = len(mails(settings, sent_to))
    r = ask(client, user, new_email)
    assert r.status_code == 202, r.text
    sent_to = r.json()["sent_to"]
    after = mails(settings, sent_to)
    assert len(after) == before + 1
    return code_in(max(after, key=lambda m: m.get_date()))


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def email_of(user_id) -> str:
    from api.users.models import User
    from infra.database import session_scope

    with session_scope() as s:
        return s.scalar(select(User.email).where(User.id == user_id))


def changes(user_id=None) -> list:
    from api.auth.models import EmailChange
    from infra.database import session_scope

    with session_scope() as s:
        query = select(EmailChange).order_by(EmailChange.created_at)
        if user_id is not None:
            query = query.where(EmailChange.user_id == user_id)
        rows = s.scalars(query).all()
        s.expunge_all()
        return rows


# --- the change ----------------------------------------------------------------------


def test_the_code_mailed_to_the_new_address_changes_it_and_the_old_one_is_told(
    client, campus, settings
):
    from api.outbox.models import OutboxEvent
    from infra.database import session_scope

    alice = campus.alice
    r = ask(client, alice)
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["sent_to"] == NEW and body["expires_in"] == 15 * 60
    left = datetime.fromisoformat(body["expires_at"]) - datetime.now(UTC)
    assert timedelta(minutes=14) < left <= timedelta(minutes=15)

    # Mailed to the new address only; nothing has changed yet.
    (message,) = mails(settings, NEW)
    code = code_in(message)
    assert re.search(r"confirm-email\?token=[\w%-]+", _text(message))
    assert mails(settings, alice.email, CODE_SUBJECTS + NOTICE_SUBJECTS) == []
    assert email_of(alice.id) == alice.email
    assert_problem(login(client, NEW), 401, "invalid-credentials")
    # The event names the row and nothing else; only keyed hashes are stored.
    (row,) = changes(alice.id)
    with session_scope() as s:
        (event,) = s.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "quad.auth.email_change_requested.v1")
        ).all()
        assert (event.topic, event.data) == ("mail", {"change_id": str(row.id)})
    assert row.code_hash and row.code_hash != hashlib.sha256(code.encode()).digest()
    assert code not in str(row.code_hash)

    r = confirm(client, alice, code=code)
    assert r.status_code == 200, r.text
    me = r.json()
    assert (me["email"], me["email_verified"], me["id"]) == (NEW, True, str(alice.id))
    assert email_of(alice.id) == NEW
    assert login(client, NEW).status_code == 200
    assert_problem(login(client, alice.email), 401, "invalid-credentials")
    # The old address gets a notice naming the new one masked, without the code.
    (notice,) = mails(settings, alice.email, NOTICE_SUBJECTS)
    notice_text = _text(notice)
    assert "a***@example.edu" in notice_text
    assert NEW not in notice_text and code not in notice_text
    # ... and is forgotten once told.
    (row,) = changes(alice.id)
    assert row.old_email is None and row.code_hash is None and row.confirmed_at is not None
    # The caller's token goes on (it carries no address).
    assert client.get("/v1/users/me", headers=alice.headers).json()["email"] == NEW


def test_the_link_token_confirms_too(client, campus, settings):
    assert ask(client, campus.alice).status_code == 202
    message = max(mails(settings, NEW), key=lambda m: m.get_date())
    assert_problem(confirm(client, campus.alice, token="not-the-token"), 422)
    r = confirm(client, campus.alice, token=token_in(message))
    assert r.status_code == 200, r.text
    assert r.json()["email"] == NEW


def test_a_code_works_once(client, campus, settings):
    code = mailed_code(client, settings, campus.alice)
    assert confirm(client, campus.alice, code=code).status_code == 200
    assert_problem(confirm(client, campus.alice, code=code), 422, "email-change-code-expired")
    assert email_of(campus.alice.id) == NEW


def test_the_body_takes_exactly_one_of_code_and_token(client, campus):
    for body in ({}, {"code": "123456", "token": "abc"}, {"code": "12345"}, {"code": "abcdef"}):
        assert_problem(confirm(client, campus.alice, **body), 422, "validation-error")


# --- what the request refuses ----------------------------------------------------------


def test_a_wrong_password_changes_nothing_mails_nothing_and_spends_the_budget(
    client, campus, settings, override_settings
):
    override_settings(LIMIT_EMAIL_CHANGE_PER_USER=2)
    for _ in range(2):
        body = assert_problem(ask(client, campus.alice, password="not my password"), 422)
        assert body["type"].endswith(":password-incorrect") and body["field"] == "password"
    assert changes() == [] and mails(settings, NEW) == []
    # Over budget: even the right password waits.
    r = ask(client, campus.alice)
    assert_problem(r, 429, "rate-limited")
    assert int(r.headers["retry-after"]) > 0
    assert changes() == []
    assert ask(client, campus.bob, "bob.new@example.edu").status_code == 202


@pytest.mark.parametrize(
    "new_email",
    [
        "alice@gmail.com",
        "alice@riverside.edu",  # the other school's domain
        "alice@example.edu.evil.com",  # the domain as a prefix of another
        "alice@evilexample.edu",  # ... or as a suffix without a dot
        "alice@edu",
        f"alice@{LOOKALIKE}",  # looks the same, is another domain
        "alice@" + LOOKALIKE.encode("idna").decode(),  # ... and spelled in punycode
    ],
)
def test_an_address_outside_the_schools_domains_is_refused(client, world, campus, new_email):
    world.school("Riverside", domains=("riverside.edu",))
    r = ask(client, campus.alice, new_email)
    if r.status_code == 422 and r.json()["type"].endswith("validation-error"):
        return  # refused before the rule (`alice@edu` is no address)
    body = assert_problem(r, 422, "email-domain-mismatch")
    assert body["field"] == "new_email" and body["domains"] == ["example.edu"]
    assert changes() == []


def test_another_accounts_mailbox_is_409_as_at_signup(client, campus):
    for taken in ("bob@example.edu", "BOB@Example.EDU", "bob+quad@example.edu"):
        body = assert_problem(ask(client, campus.alice, taken), 409, "conflict")
        assert body["field"] == "new_email"
    # Signup answers the same for the same mailbox, so the 409 tells nothing new.
    r = client.post(
        "/v1/auth/signup",
        json={
            "email": "bob+quad@example.edu",
            "password": "0123456789",
            "nickname": "bob_two",
            "school_id": str(campus.school),
        },
    )
    assert_problem(r, 409, "conflict")
    assert changes() == []


def test_the_own_address_is_no_change_but_a_tag_of_the_own_mailbox_is(client, campus, settings):
    for same in (campus.alice.email, campus.alice.email.upper()):
        assert_problem(ask(client, campus.alice, same), 422, "email-unchanged")
    tagged = campus.alice.email.replace("@", "+quad@")
    code = mailed_code(client, settings, campus.alice, tagged)
    assert confirm(client, campus.alice, code=code).json()["email"] == tagged


def test_case_tags_and_internationalised_domains_as_at_signup(client, campus, settings, db):
    from api.schools import domains
    from api.schools.models import School

    domains.add_domain(db, db.get(School, campus.school), "한빛.kr")
    db.commit()
    code = mailed_code(client, settings, campus.alice, "Alice.New+Quad@한빛.kr")
    r = confirm(client, campus.alice, code=code)
    assert r.status_code == 200, r.text
    assert r.json()["email"] == "alice.new+quad@xn--xx3br43b.kr"
    # One mailbox, one account: bob cannot take the untagged spelling of it.
    body = assert_problem(ask(client, campus.bob, "alice.new@xn--xx3br43b.kr"), 409, "conflict")
    assert body["field"] == "new_email"


def test_an_unverified_account_may_not_change_its_address(client, campus, world):
    from api.auth.tokens import issue_access_token
    from api.users.models import User
    from infra.database import session_scope

    dave = world.user(campus.school, "dave")
    with session_scope() as s:
        s.execute(update(User).where(User.id == dave.id).values(email_verified_at=None))
    unverified = bearer(issue_access_token(dave.id, campus.school, verified=False))
    # A token that still says verified: the write check reads the row.
    stale = bearer(issue_access_token(dave.id, campus.school, verified=True))
    for headers in (unverified, stale):
        r = client.post(
            "/v1/auth/email",
            json={"new_email": "dave.new@example.edu", "password": PASSWORD},
            headers=headers,
        )
        assert_problem(r, 403, "verification-required")
        r = client.post("/v1/auth/email/confirm", json={"code": "123456"}, headers=headers)
        assert_problem(r, 403, "verification-required")
    assert changes() == []
    assert_problem(client.post("/v1/auth/email", json={"new_email": NEW, "password": "x"}), 401)


# --- guessing and the code's life ------------------------------------------------------


def test_five_wrong_codes_kill_the_change_even_for_the_right_code(client, campus, settings):
    code = mailed_code(client, settings, campus.alice)
    for left in (4, 3, 2, 1):
        body = assert_problem(
            confirm(client, campus.alice, code=wrong(code)), 422, "email-change-code-invalid"
        )
        assert body["attempts_left"] == left
    assert_problem(
        confirm(client, campus.alice, code=wrong(code)), 422, "email-change-code-expired"
    )
    assert_problem(confirm(client, campus.alice, code=code), 422, "email-change-code-expired")
    assert email_of(campus.alice.id) == campus.alice.email
    # A new request mails a new code, and that one works.
    fresh = mailed_code(client, settings, campus.alice)
    assert confirm(client, campus.alice, code=fresh).json()["email"] == NEW


def test_every_confirm_attempt_spends_the_budget(client, campus, settings, override_settings):
    override_settings(LIMIT_EMAIL_CHANGE_CONFIRM_PER_USER=2)
    code = mailed_code(client, settings, campus.alice)
    assert_problem(confirm(client, campus.alice, code=wrong(code)), 422)
    assert_problem(confirm(client, campus.alice, code=wrong(code)), 422)
    assert_problem(confirm(client, campus.alice, code=code), 429, "rate-limited")
    assert email_of(campus.alice.id) == campus.alice.email


def test_an_expired_code_fails(client, campus, settings):
    from api.auth.models import EmailChange
    from infra.database import session_scope

    code = mailed_code(client, settings, campus.alice)
    with session_scope() as s:
        s.execute(update(EmailChange).values(expires_at=text("now() - interval '1 second'")))
    body = assert_problem(
        confirm(client, campus.alice, code=code), 422, "email-change-code-expired"
    )
    assert "expired" in body["detail"]
    assert email_of(campus.alice.id) == campus.alice.email


def test_a_new_request_replaces_the_pending_one(client, campus, settings):
    first = mailed_code(client, settings, campus.alice, "alice.one@example.edu")
    second = mailed_code(client, settings, campus.alice, "alice.two@example.edu")
    assert [c.new_email for c in changes(campus.alice.id)] == ["alice.two@example.edu"]
    if first != second:
        assert_problem(confirm(client, campus.alice, code=first), 422, "email-change-code-invalid")
    assert confirm(client, campus.alice, code=second).json()["email"] == "alice.two@example.edu"


def test_another_accounts_code_confirms_nothing(client, campus, settings):
    alices = mailed_code(client, settings, campus.alice)
    # Bob has no change pending: there is nothing his request could confirm.
    assert_problem(confirm(client, campus.bob, code=alices), 422, "email-change-code-expired")
    # With one of his own, Alice's code is a wrong guess at his.
    bobs = mailed_code(client, settings, campus.bob, "bob.new@example.edu")
    if bobs != alices:
        assert_problem(confirm(client, campus.bob, code=alices), 422, "email-change-code-invalid")
    assert (email_of(campus.alice.id), email_of(campus.bob.id)) == (
        campus.alice.email,
        campus.bob.email,
    )
    assert confirm(client, campus.alice, code=alices).json()["email"] == NEW


def test_a_mailbox_taken_since_the_request_is_409_at_confirm(client, campus, world, settings):
    code = mailed_code(client, settings, campus.alice, "dave@example.edu")
    world.user(campus.school, "dave")  # dave@example.edu signs up meanwhile
    body = assert_problem(confirm(client, campus.alice, code=code), 409, "conflict")
    assert body["field"] == "new_email"
    assert email_of(campus.alice.id) == campus.alice.email


def test_a_domain_the_school_dropped_since_the_request_is_refused(client, campus, settings, db):
    from api.schools import domains
    from api.schools.models import School

    school = db.get(School, campus.school)
    domains.add_domain(db, school, "cs.hanbit.ac.kr")
    db.commit()
    code = mailed_code(client, settings, campus.alice, "alice@cs.hanbit.ac.kr")
    domains.remove_domain(db, school, "cs.hanbit.ac.kr")
    db.commit()
    assert_problem(confirm(client, campus.alice, code=code), 422, "email-domain-mismatch")
    assert email_of(campus.alice.id) == campus.alice.email


# --- what the change does to the rest ----------------------------------------------------


def test_reset_links_mailed_to_the_old_address_stop_working(client, campus, settings):
    from tests.api.test_password_reset import confirm as confirm_reset
    from tests.api.test_password_reset import mailed_token

    token = mailed_token(client, settings, campus.alice.email)
    code = mailed_code(client, settings, campus.alice)
    assert confirm(client, campus.alice, code=code).status_code == 200
    assert_problem(confirm_reset(client, token), 422, "password-reset-token-invalid")
    assert login(client, NEW).status_code == 200


def test_a_redelivered_event_sends_no_second_mail(client, campus, settings):
    from api.mail import handlers
    from api.outbox import service as outbox
    from api.outbox.models import OutboxEvent
    from infra.database import session_scope

    code = mailed_code(client, settings, campus.alice)
    assert confirm(client, campus.alice, code=code).status_code == 200
    codes = len(mails(settings, NEW))
    notices = len(mails(settings, campus.alice.email, NOTICE_SUBJECTS))
    with session_scope() as s:
        events = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "mail")).all()
        delivered = [outbox.to_cloudevent(e) for e in events if "email_change" in e.type]
    assert len(delivered) == 2
    assert [handlers.mail_requested(e) for e in delivered] == ["duplicate", "duplicate"]
    assert len(mails(settings, NEW)) == codes
    assert len(mails(settings, campus.alice.email, NOTICE_SUBJECTS)) == notices


def test_the_composers_find_nothing_to_send_once_done(client, campus, settings):
    """Even were an event's claim lost, a replaced, confirmed or told change mails no more."""
    from api.auth import email_change
    from infra.database import session_scope

    mailed_code(client, settings, campus.alice, "alice.one@example.edu")
    (first,) = changes(campus.alice.id)
    code = mailed_code(client, settings, campus.alice)
    (second,) = changes(campus.alice.id)
    assert confirm(client, campus.alice, code=code).status_code == 200
    with session_scope() as s:
        assert email_change.issue_email_change_mail(s, first.id) is None  # replaced
        assert email_change.issue_email_change_mail(s, second.id) is None  # confirmed
        assert email_change.issue_email_changed_notice(s, second.id) is None  # told


def test_closing_the_account_forgets_its_changes(client, campus, settings):
    mailed_code(client, settings, campus.alice)
    assert client.delete("/v1/users/me", headers=campus.alice.headers).status_code == 204
    assert changes(UUID(str(campus.alice.id))) == []
