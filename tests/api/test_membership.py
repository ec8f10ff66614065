"""Verified membership: who may join a school (its email domains: subdomains, case,
+tags, internationalised and look-alike domains) and what an account may do before it
has entered the mailed code (sign in, read itself, verify, resend, leave: nothing else).

Codes come from `issue_verification_mail`, the function the mail handler calls."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, select, text

from api.openapi import parameters_of
from tests.api.test_auth import assert_problem, bearer

PASSWORD = "0123456789"
HANBIT = "hanbit.ac.kr"
# "hanbit.ac.kr" with a Cyrillic a (U+0430) for the Latin "a": it looks the same.
LOOKALIKE = "h\u0430nbit.ac.kr"
ALLOWED_UNVERIFIED = {
    ("get", "/v1/users/me"),
    ("delete", "/v1/users/me"),
    ("post", "/v1/auth/verify-email"),
    ("post", "/v1/auth/verify-email/resend"),
    ("post", "/v1/auth/logout"),
    ("post", "/v1/auth/password"),
}


# --- helpers -------------------------------------------------------------------------


@pytest.fixture
def hanbit(world) -> UUID:
    return world.school("한빛대학교", domains=(HANBIT,))


def signup(client, school_id, email: str, nickname: str | None = None, **extra):
    nickname = nickname or "u_" + re.sub(r"[^\w]", "", email.split("@")[0])[:18]
    body = {
        "email": email,
        "password": PASSWORD,
        "nickname": nickname,
        "school_id": str(school_id),
        **extra,
    }
    return client.post("/v1/auth/signup", json=body)


def signed_up(client, school_id, email: str, **extra) -> dict:
    r = signup(client, school_id, email, **extra)
    assert r.status_code == 201, r.text
    return r.json()


def counts() -> tuple[int, int, int]:
    """(users, outbox events, verification requests)."""
    from infra.database import session_scope

    with session_scope() as s:
        return tuple(
            s.scalar(text(f"SELECT count(*) FROM {t}"))
            for t in ("users", "outbox", "email_verifications")
        )


def newest_request(user_id) -> UUID:
    from api.auth.models import EmailVerification
    from infra.database import session_scope

    with session_scope() as s:
        return s.scalars(
            select(EmailVerification.id)
            .where(EmailVerification.user_id == UUID(str(user_id)))
            .order_by(EmailVerification.created_at.desc(), EmailVerification.id.desc())
        ).first()


def mail_for(verification_id):
    """What the mail handler would send for the request (in its own transaction)."""
    from api.auth.verification import issue_verification_mail
    from infra.database import session_scope

    with session_scope() as s:
        return issue_verification_mail(s, verification_id)


def code_for(user_id) -> str:
    mail = mail_for(newest_request(user_id))
    assert mail is not None
    return mail.code


def verify(client, access: str, **body):
    return client.post("/v1/auth/verify-email", json=body, headers=bearer(access))


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def age_requests(user_id, seconds: int) -> None:
    """Move the account's verification requests `seconds` into the past."""
    from infra.database import session_scope

    with session_scope() as s:
        s.execute(
            text(
                "UPDATE email_verifications SET created_at = created_at - make_interval(secs => :s)"
                " WHERE user_id = :u"
            ),
            {"s": seconds, "u": UUID(str(user_id))},
        )


# --- who may join --------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "minji@gmail.com",
        "minji@riverside.edu",  # another school's domain
        "minji@hanbit.ac.kr.evil.com",  # the domain as a prefix of another
        "minji@evilhanbit.ac.kr",  # ... or as a suffix without a dot
        "minji@ac.kr",  # the listed domain's parent
        f"minji@{LOOKALIKE}",  # a look-alike: it is another domain (xn--hnbit-4ve.ac.kr)
    ],
)
def test_signup_outside_the_schools_domains_is_refused_and_writes_nothing(
    client, world, hanbit, email
):
    world.school("Riverside College", domains=("riverside.edu",))
    before = counts()
    r = signup(client, hanbit, email, nickname="minji")
    body = assert_problem(r, 422, "email-domain-mismatch")
    assert body["field"] == "email" and body["domains"] == [HANBIT]
    assert counts() == before


def test_a_subdomain_of_a_listed_domain_may_join(client, hanbit):
    me = signed_up(client, hanbit, "minji@cs.hanbit.ac.kr")["user"]
    assert me["email"] == "minji@cs.hanbit.ac.kr"
    assert me["school"]["id"] == str(hanbit)


def test_domain_and_address_letter_case_do_not_matter(client, world):
    school = world.school("Case U", domains=("HanBit.AC.KR",))  # an operator's capitals
    me = signed_up(client, school, "MinJi@HANBIT.ac.KR")["user"]
    assert me["email"] == "minji@hanbit.ac.kr"
    r = signup(client, school, "minji@Hanbit.Ac.Kr", nickname="minji2")
    assert_problem(r, 409, "conflict")
    assert client.post(
        "/v1/auth/login", json={"email": "MINJI@hanbit.AC.kr", "password": PASSWORD}
    ).is_success


def test_plus_addressing_joins_but_one_account_per_mailbox(client, hanbit):
    first = signed_up(client, hanbit, "minji+quad@hanbit.ac.kr")["user"]
    assert first["email"] == "minji+quad@hanbit.ac.kr"  # mailed as given
    before = counts()
    for email in ("minji@hanbit.ac.kr", "minji+other@hanbit.ac.kr", "MINJI+X@hanbit.ac.kr"):
        body = assert_problem(signup(client, hanbit, email, nickname="minji2"), 409, "conflict")
        assert body["field"] == "email"
    assert counts() == before
    # Signing in takes the address the account was made with.
    r = client.post(
        "/v1/auth/login", json={"email": "minji+quad@hanbit.ac.kr", "password": PASSWORD}
    )
    assert r.status_code == 200, r.text


def test_a_deleted_accounts_mailbox_may_join_again(client, hanbit):
    first = signed_up(client, hanbit, "minji+a@hanbit.ac.kr")
    r = client.delete("/v1/users/me", headers=bearer(first["tokens"]["access_token"]))
    assert r.status_code == 204, r.text
    signed_up(client, hanbit, "minji@hanbit.ac.kr", nickname="minji_again")


def test_internationalised_domains_compare_in_their_ascii_form(client, world):
    school = world.school("Unicode U", domains=("한빛.kr",))
    from api.schools import domains
    from infra.database import session_scope

    with session_scope() as s:
        assert domains.list_domains(s, school) == ["xn--xx3br43b.kr"]
    me = signed_up(client, school, "minji@한빛.kr")["user"]
    assert me["email"] == "minji@xn--xx3br43b.kr"
    # The same mailbox in its ASCII spelling is the same account.
    r = signup(client, school, "minji@xn--xx3br43b.kr", nickname="minji2")
    assert_problem(r, 409, "conflict")
    signed_up(client, school, "junho@xn--xx3br43b.kr")
    # ... and signing in takes either spelling.
    for email in ("minji@한빛.kr", "minji@xn--xx3br43b.kr"):
        r = client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text


def test_a_school_without_a_domain_accepts_no_signup(client, world):
    school = world.school("Closed U", domains=())
    before = counts()
    body = assert_problem(signup(client, school, "a@example.edu"), 422, "school-not-open")
    assert body["field"] == "school_id"
    assert counts() == before


def test_schools_show_their_domains(client, world):
    school = world.school("Two Domain U", domains=("b.example.edu", "a.example.edu"))
    listed = {s["id"]: s for s in client.get("/v1/schools").json()}
    assert listed[str(school)]["email_domains"] == ["a.example.edu", "b.example.edu"]
    assert listed[str(school)]["email_domain"] == "b.example.edu"  # the first added
    detail = client.get(f"/v1/schools/{school}").json()
    assert detail["email_domains"] == ["a.example.edu", "b.example.edu"]


def test_signup_chooses_the_mail_language(client, hanbit):
    assert signed_up(client, hanbit, "a@hanbit.ac.kr")["user"]["language"] == "ko"
    me = signed_up(client, hanbit, "b@hanbit.ac.kr", language="en")["user"]
    assert me["language"] == "en"
    assert mail_for(newest_request(me["id"])).language == "en"
    assert_problem(signup(client, hanbit, "c@hanbit.ac.kr", language="fr"), 422)


# --- verifying -----------------------------------------------------------------------


def test_signup_requests_a_mail_without_personal_data_and_the_code_verifies(client, hanbit):
    from api.outbox.models import OutboxEvent
    from infra.database import session_scope

    account = signed_up(client, hanbit, "minji@hanbit.ac.kr")
    me, unverified = account["user"], account["tokens"]["access_token"]
    assert me["email_verified"] is False
    request_id = newest_request(me["id"])
    with session_scope() as s:
        (event,) = s.scalars(
            select(OutboxEvent).where(
                OutboxEvent.type == "quad.auth.email_verification_requested.v1"
            )
        ).all()
        assert (event.topic, event.data) == ("mail", {"verification_id": str(request_id)})

    mail = mail_for(request_id)
    assert mail.to == "minji@hanbit.ac.kr" and mail.language == "ko"
    assert re.fullmatch(r"[0-9]{6}", mail.code) and len(mail.link_token) >= 32
    remaining = mail.expires_at - __import__("datetime").datetime.now(mail.expires_at.tzinfo)
    assert timedelta(minutes=14) < remaining <= timedelta(minutes=15)

    r = verify(client, unverified, code=mail.code)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["email_verified"] is True
    verified = r.json()["tokens"]["access_token"]
    assert client.get(f"/v1/schools/{hanbit}/boards", headers=bearer(verified)).status_code == 200
    # The old access token still says what it said (reads trust the token) until it
    # expires; refreshing or signing in gives a verified one.
    r = client.get(f"/v1/schools/{hanbit}/boards", headers=bearer(unverified))
    assert_problem(r, 403, "verification-required")
    fresh = client.post(
        "/v1/auth/refresh", json={"refresh_token": account["tokens"]["refresh_token"]}
    ).json()["access_token"]
    assert client.get(f"/v1/schools/{hanbit}/boards", headers=bearer(fresh)).status_code == 200
    with session_scope() as s:
        verified_at = s.scalar(
            text("SELECT email_verified_at FROM users WHERE id = :u"), {"u": me["id"]}
        )
    assert verified_at is not None


def test_the_code_and_link_token_are_stored_nowhere_in_plaintext(client, hanbit, engine):
    me = signed_up(client, hanbit, "minji@hanbit.ac.kr")["user"]
    mail = mail_for(newest_request(me["id"]))
    import hashlib

    plain_hashes = {hashlib.sha256(s.encode()).digest() for s in (mail.code, mail.link_token)}
    with engine.connect() as conn:
        # Every row of every table, as text: neither secret (nor its plain SHA-256) is there.
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        for table in tables:
            dump = " ".join(
                str(row) for row in conn.execute(text(f'SELECT t::text FROM "{table}" t'))
            )
            assert mail.code not in dump and mail.link_token not in dump, table
        row = conn.execute(text("SELECT code_hash, link_token_hash FROM email_verifications")).one()
    assert row.code_hash and row.link_token_hash
    assert not {bytes(row.code_hash), bytes(row.link_token_hash)} & plain_hashes


def test_the_link_token_verifies_too(client, hanbit):
    account = signed_up(client, hanbit, "minji@hanbit.ac.kr")
    mail = mail_for(newest_request(account["user"]["id"]))
    token = account["tokens"]["access_token"]
    assert_problem(verify(client, token, token="not-the-token"), 422, "verification-code-invalid")
    r = verify(client, token, token=mail.link_token)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["email_verified"] is True


def test_the_body_takes_exactly_one_of_code_and_token(client, hanbit):
    account = signed_up(client, hanbit, "minji@hanbit.ac.kr")
    token = account["tokens"]["access_token"]
    for body in ({}, {"code": "123456", "token": "abc"}, {"code": "12345"}, {"code": "abcdef"}):
        assert_problem(verify(client, token, **body), 422, "validation-error")


def test_five_wrong_codes_kill_the_code_even_for_the_right_one(client, hanbit):
    account = signed_up(client, hanbit, "minji@hanbit.ac.kr")
    token, user_id = account["tokens"]["access_token"], account["user"]["id"]
    code = code_for(user_id)
    for left in (4, 3, 2, 1):
        body = assert_problem(
            verify(client, token, code=wrong_code(code)), 422, "verification-code-invalid"
        )
        assert body["attempts_left"] == left
    assert_problem(verify(client, token, code=wrong_code(code)), 422, "verification-code-expired")
    # The right code no longer works, and guessing on does not count further.
    assert_problem(verify(client, token, code=code), 422, "verification-code-expired")
    assert client.get("/v1/users/me", headers=bearer(token)).json()["email_verified"] is False
    # A new mail's code works.
    age_requests(user_id, 120)
    assert client.post("/v1/auth/verify-email/resend", headers=bearer(token)).status_code == 204
    assert verify(client, token, code=code_for(user_id)).status_code == 200


def test_wrong_guesses_at_once_are_all_counted(client, hanbit, live_server):
    from tests.api.helpers import burst

    account = signed_up(client, hanbit, "minji@hanbit.ac.kr")
    code = code_for(account["user"]["id"])

    class Caller:
        headers = bearer(account["tokens"]["access_token"])

    guesses = [f"{(int(code) + n) % 10**6:06d}" for n in range(1, 11)]
    answers = burst(
        live_server,
        [("POST", "/v1/auth/verify-email", Caller, {"code": g}) for g in guesses],
    )
    kinds = sorted(r.json()["type"].rsplit(":", 1)[1] for r in answers)
    assert kinds == ["verification-code-expired"] * 6 + ["verification-code-invalid"] * 4
    assert_problem(verify(client, Caller.headers["Authorization"][7:], code=code), 422)


def test_a_code_works_once(client, hanbit):
    account = signed_up(client, hanbit, "minji@hanbit.ac.kr")
    token, user_id = account["tokens"]["access_token"], account["user"]["id"]
    request_id = newest_request(user_id)
    code = mail_for(request_id).code
    assert verify(client, token, code=code).status_code == 200
    assert_problem(verify(client, token, code=code), 409, "email-already-verified")
    # Nothing left to mail, and the stored hashes are gone.
    assert mail_for(request_id) is None
    from infra.database import session_scope

    with session_scope() as s:
        row = s.execute(text("SELECT code_hash, link_token_hash FROM email_verifications")).one()
    assert tuple(row) == (None, None)


def test_an_expired_code_fails(client, hanbit):
    from infra.database import session_scope

    account = signed_up(client, hanbit, "minji@hanbit.ac.kr")
    token, user_id = account["tokens"]["access_token"], account["user"]["id"]
    code = code_for(user_id)
    with session_scope() as s:
        s.execute(
            text(
                "UPDATE email_verifications SET expires_at = now() - interval '1 second'"
                " WHERE user_id = :u"
            ),
            {"u": UUID(user_id)},
        )
    body = assert_problem(verify(client, token, code=code), 422, "verification-code-expired")
    assert "expired" in body["detail"]


def test_a_code_before_its_mail_and_a_superseded_code_fail(client, hanbit):
    account = signed_up(client, hanbit, "minji@hanbit.ac.kr")
    token, user_id = account["tokens"]["access_token"], account["user"]["id"]
    first_request = newest_request(user_id)
    # Before its mail is sent (here the bus delivered it at once, so the request is put
    # back as it stands while the event waits in the outbox), no code can be right.
    from infra.database import session_scope

    with session_scope() as s:
        s.execute(
            text(
                "UPDATE email_verifications SET code_hash = NULL, link_token_hash = NULL"
                " WHERE id = :v"
            ),
            {"v": first_request},
        )
    assert_problem(verify(client, token, code="000000"), 422, "verification-code-expired")
    first = mail_for(first_request).code
    # Issued again (the handler retried): the first mail's code stops working.
    second = mail_for(first_request).code
    if second != first:
        assert_problem(verify(client, token, code=first), 422, "verification-code-invalid")
    # A resend supersedes the request: its mail is not sent, its codes stop working.
    age_requests(user_id, 120)
    assert client.post("/v1/auth/verify-email/resend", headers=bearer(token)).status_code == 204
    assert mail_for(first_request) is None
    # (The resend's own mail went out at once, so the old code is now a wrong guess.)
    assert_problem(verify(client, token, code=second), 422, "verification-code-invalid")
    third = code_for(user_id)
    assert verify(client, token, code=third).status_code == 200


def test_no_mail_for_an_account_that_is_gone_or_an_unknown_request(client, hanbit):
    account = signed_up(client, hanbit, "minji@hanbit.ac.kr")
    request_id = newest_request(account["user"]["id"])
    assert mail_for(uuid4()) is None
    r = client.delete("/v1/users/me", headers=bearer(account["tokens"]["access_token"]))
    assert r.status_code == 204, r.text
    assert mail_for(request_id) is None


def test_resending_is_limited_per_minute_and_per_day(client, hanbit, override_settings):
    override_settings(EMAIL_VERIFICATION_MAILS_PER_DAY=3)
    account = signed_up(client, hanbit, "minji@hanbit.ac.kr")
    token, user_id = account["tokens"]["access_token"], account["user"]["id"]
    resend = lambda: client.post("/v1/auth/verify-email/resend", headers=bearer(token))  # noqa: E731
    r = resend()  # right after signup's mail
    assert_problem(r, 429, "verification-mail-limited")
    assert 1 <= int(r.headers["retry-after"]) <= 61
    before = counts()
    assert_problem(resend(), 429, "verification-mail-limited")
    assert counts() == before  # a refused resend writes nothing
    for _ in range(2):  # signup's mail and two resends: the day's three
        age_requests(user_id, 61)
        assert resend().status_code == 204
    age_requests(user_id, 61)
    r = assert_problem(resend(), 429, "verification-mail-limited")
    # The day's window frees up when its oldest mail is a day old.
    assert 3600 * 23 < int(r["retry_after"]) <= 24 * 3600
    age_requests(user_id, 24 * 3600 - 3 * 61 + 1)
    assert resend().status_code == 204


def test_a_verified_account_has_nothing_to_resend_or_verify(client, campus):
    r = client.post("/v1/auth/verify-email/resend", headers=campus.alice.headers)
    assert_problem(r, 409, "email-already-verified")
    assert_problem(verify(client, campus.alice.token, code="123456"), 409, "email-already-verified")


def test_login_answers_what_the_account_is(client, hanbit):
    account = signed_up(client, hanbit, "minji@hanbit.ac.kr")
    login = {"email": "minji@hanbit.ac.kr", "password": PASSWORD}
    token = client.post("/v1/auth/login", json=login).json()["access_token"]
    assert_problem(client.get(f"/v1/schools/{hanbit}/boards", headers=bearer(token)), 403)
    assert verify(client, token, code=code_for(account["user"]["id"])).status_code == 200
    token = client.post("/v1/auth/login", json=login).json()["access_token"]
    assert client.get(f"/v1/schools/{hanbit}/boards", headers=bearer(token)).status_code == 200


# --- what an unverified account may do -----------------------------------------------


def _operations(client) -> list[tuple[str, str, dict]]:
    """Every operation of the OpenAPI document that takes a bearer token."""
    document = client.get("/openapi.json").json()
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete") and operation.get("security"):
                parameters = parameters_of(document, operation)
                found.append((method, path, {**operation, "parameters": parameters}))
    return found


def _call(client, method: str, path: str, operation: dict, token: str):
    url = re.sub(r"\{[^}]+\}", str(uuid4()), path)
    params = {
        p["name"]: "2026-2" if p["name"] == "semester" else "x"
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    }
    body = {} if "requestBody" in operation else None
    return client.request(method, url, params=params, json=body, headers=bearer(token))


def test_an_unverified_account_may_only_read_itself_verify_resend_and_leave(client, hanbit):
    account = signed_up(client, hanbit, "minji@hanbit.ac.kr")
    token = account["tokens"]["access_token"]
    operations = _operations(client)
    walked = set()
    for method, path, operation in operations:
        if (method, path) in ALLOWED_UNVERIFIED:
            continue
        walked.add((method, path))
        r = _call(client, method, path, operation, token)
        assert_problem(r, 403, "verification-required")
    assert len(walked) >= 40, walked  # the walk reached the whole API
    assert {(m, p) for m, p, _ in operations} >= ALLOWED_UNVERIFIED
    # The allowed ones work.
    me = client.get("/v1/users/me", headers=bearer(token))
    assert me.status_code == 200 and me.json()["email_verified"] is False
    r = client.post("/v1/auth/verify-email", json={"code": "000000"}, headers=bearer(token))
    assert r.status_code == 422 and "verification-code" in r.json()["type"]
    r = client.post("/v1/auth/verify-email/resend", headers=bearer(token))
    assert r.status_code == 429  # answered by the resend limit, not refused as unverified
    new = {"current_password": PASSWORD, "new_password": "another password"}
    assert client.post("/v1/auth/password", json=new, headers=bearer(token)).status_code == 204
    other = client.post(
        "/v1/auth/login", json={"email": "minji@hanbit.ac.kr", "password": "another password"}
    ).json()
    r = client.post(
        "/v1/auth/logout",
        json={"refresh_token": other["refresh_token"]},
        headers=bearer(other["access_token"]),
    )
    assert r.status_code == 204, r.text
    assert client.delete("/v1/users/me", headers=bearer(token)).status_code == 204


def test_verified_members_are_not_asked_to_verify_anywhere(client, campus):
    for method, path, operation in _operations(client):
        if (method, path) == ("delete", "/v1/users/me"):
            continue
        r = _call(client, method, path, operation, campus.alice.token)
        if r.status_code == 403:
            assert r.json()["type"] != "urn:quad:problem:verification-required", (method, path)


def test_writes_check_the_account_row_too(client, hanbit, world):
    # A token that says verified (minted by hand) for an account that is not: the write
    # path reads the row (api/auth/access.py) and refuses.
    from api.auth.tokens import issue_access_token

    board = world.board(hanbit)
    me = signed_up(client, hanbit, "minji@hanbit.ac.kr")["user"]
    token = issue_access_token(UUID(me["id"]), hanbit, verified=True)
    r = client.post(
        f"/v1/boards/{board}/posts", json={"title": "t", "body": "b"}, headers=bearer(token)
    )
    assert_problem(r, 403, "verification-required")
    from api.posts.models import Post
    from infra.database import session_scope

    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(Post)) == 0


def test_a_token_with_a_malformed_verified_claim_is_refused(client, campus, settings):
    import jwt

    from tests.api.test_auth import _claims

    token = jwt.encode(_claims(campus.alice, evf="yes"), settings.signing_key(), "HS256")
    assert_problem(client.get("/v1/users/me", headers=bearer(token)), 401, "invalid-token")


def test_signup_mails_a_code_that_verifies_the_account(client, hanbit, settings):
    """The whole flow as `make run` has it: signup commits, the outbox hands the event to
    the mail handler on the local bus, the mail lands in DATA_DIR/mail, and its code and
    its link both work."""
    import mailbox

    account = signed_up(client, hanbit, "jiwoo@hanbit.ac.kr", language="en")
    box = mailbox.Maildir(settings.data_dir / "mail", create=False)
    (message,) = [m for m in box if m["To"] == "jiwoo@hanbit.ac.kr"]
    assert message["Subject"] == "Your Quad verification code"
    text_part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    body = text_part.get_payload(decode=True).decode()
    code = re.search(r"\b([0-9]{6})\b", body).group(1)
    assert re.search(r"verify-email\?token=[\w%-]+", body)
    r = verify(client, account["tokens"]["access_token"], code=code)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["email_verified"] is True
