"""Auth and the caller's own account: signup, login and its throttling, refresh-token
rotation with reuse detection, logout, account deletion, bad access tokens, me and
public profiles."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import jwt
import pytest
from sqlalchemy import func, insert, select, update

from tests.conftest import PASSWORD

PROBLEM = "application/problem+json"
PREFIX = "urn:quad:problem:"


# --- helpers -------------------------------------------------------------------------


def assert_problem(r, status: int, slug: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == status
    assert body["title"]
    assert body["type"].startswith(PREFIX)
    if slug is not None:
        assert body["type"] == PREFIX + slug
    return body


def login(client, email: str, password: str = PASSWORD):
    return client.post("/v1/auth/login", json={"email": email, "password": password})


def login_ok(client, email: str) -> dict:
    r = login(client, email)
    assert r.status_code == 200, r.text
    return r.json()


def refresh(client, token: str):
    return client.post("/v1/auth/refresh", json={"refresh_token": token})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def user_count() -> int:
    from api.users.models import User
    from infra.database import session_scope

    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(User))


def user_row(user_id: UUID):
    from api.users.models import User
    from infra.database import session_scope

    with session_scope() as s:
        return s.get(User, user_id)


def signup_body(school_id, **overrides) -> dict:
    body = {
        "email": "newbie@example.edu",
        "password": "0123456789",
        "nickname": "newbie",
        "school_id": str(school_id),
    }
    body.update(overrides)
    return body


# "Anonymous" in full-width Latin letters (U+FF21...), which \w accepts.
FULLWIDTH_ANONYMOUS = "".join(chr(ord(c) + 0xFEE0) for c in "Anonymous")


# --- signup --------------------------------------------------------------------------


def test_signup_creates_an_account_that_can_log_in(client, world):
    school = world.school("Signup U")
    r = client.post(
        "/v1/auth/signup",
        json=signup_body(school, email="Newbie@Example.edu", password="exactly10!"),
    )
    assert r.status_code == 201, r.text
    me = r.json()["user"]
    assert me["nickname"] == "newbie"
    assert me["email"] == "newbie@example.edu"
    assert me["school"] == {"id": str(school), "name": "Signup U"}
    assert me["department_id"] is None
    assert me["email_verified"] is False and me["language"] == "ko"
    assert "password" not in r.text and "exactly10!" not in r.text
    # Signup answers a token pair too: the app needs no login (and no second hash).
    signed_up = r.json()["tokens"]
    assert signed_up["refresh_token"] and signed_up["expires_in"] == 15 * 60
    r = client.get("/v1/users/me", headers=bearer(signed_up["access_token"]))
    assert r.status_code == 200 and r.json()["id"] == me["id"]

    # Email matching is case-insensitive at login too.
    r = login(client, "NEWBIE@example.EDU", "exactly10!")
    assert r.status_code == 200, r.text
    pair = r.json()
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == 15 * 60
    assert pair["refresh_expires_in"] == 14 * 24 * 3600
    assert pair["refresh_token"] and pair["access_token"]
    r = client.get("/v1/users/me", headers=bearer(pair["access_token"]))
    assert r.status_code == 200, r.text
    assert r.json()["id"] == me["id"]


def test_signup_with_a_department_of_the_school(client, world):
    from api.schools import service
    from infra.database import session_scope

    school = world.school("Dept U", departments=("Physics",))
    with session_scope() as s:
        dept = service.get_school(s, school).departments[0].id
    r = client.post("/v1/auth/signup", json=signup_body(school, department_id=str(dept)))
    assert r.status_code == 201, r.text
    assert r.json()["user"]["department_id"] == str(dept)


def test_signup_password_shorter_than_10_is_rejected(client, world):
    school = world.school()
    before = user_count()
    r = client.post("/v1/auth/signup", json=signup_body(school, password="9chars-pw"))
    body = assert_problem(r, 422, "validation-error")
    assert ["body", "password"] in [e["loc"] for e in body["errors"]]
    assert "9chars-pw" not in r.text
    assert user_count() == before


def test_signup_nickname_taken_case_insensitively(client, campus):
    before = user_count()
    r = client.post(
        "/v1/auth/signup", json=signup_body(campus.school, nickname="ALICE", email="x@example.edu")
    )
    body = assert_problem(r, 409, "conflict")
    assert body["field"] == "nickname"
    assert user_count() == before


def test_signup_nickname_conflict_is_reported_as_nickname_whatever_the_nickname(client, world):
    # The conflict must be told apart by constraint, not by words in the error text.
    school = world.school()
    world.user(school, "emailqueen")
    r = client.post(
        "/v1/auth/signup",
        json=signup_body(school, nickname="EmailQueen", email="other@example.edu"),
    )
    body = assert_problem(r, 409, "conflict")
    assert body["field"] == "nickname"
    assert "nickname" in body["detail"]


def test_signup_email_taken_case_insensitively(client, campus):
    before = user_count()
    r = client.post(
        "/v1/auth/signup",
        json=signup_body(campus.school, email="ALICE@example.edu", nickname="alice2"),
    )
    body = assert_problem(r, 409, "conflict")
    assert body["field"] == "email"
    assert user_count() == before


def test_signup_unknown_school(client, database_url):
    r = client.post("/v1/auth/signup", json=signup_body(uuid4()))
    body = assert_problem(r, 422)
    assert body["field"] == "school_id"
    assert user_count() == 0


def test_signup_department_of_another_school(client, world):
    from api.schools import service
    from infra.database import session_scope

    mine = world.school("Mine U")
    theirs = world.school("Theirs U", departments=("Law",))
    with session_scope() as s:
        their_dept = service.get_school(s, theirs).departments[0].id
    r = client.post("/v1/auth/signup", json=signup_body(mine, department_id=str(their_dept)))
    body = assert_problem(r, 422)
    assert body["field"] == "department_id"
    assert user_count() == 0


RESERVED = {
    "Anonymous1": "Anonymous1",
    "anonymous": "anonymous",
    "ANONYMOUS_2": "ANONYMOUS_2",
    "익명": "익명",
    "익명1": "익명1",
    "Deleted": "Deleted",
    "fullwidth-Anonymous1": FULLWIDTH_ANONYMOUS + "1",  # renders just like "Anonymous1"
}


@pytest.mark.parametrize("nickname", RESERVED.values(), ids=RESERVED.keys())
def test_signup_reserved_nicknames_are_rejected(client, world, nickname):
    school = world.school()
    r = client.post("/v1/auth/signup", json=signup_body(school, nickname=nickname))
    assert_problem(r, 422, "validation-error")
    assert user_count() == 0


# --- login ---------------------------------------------------------------------------


def test_login_wrong_password_and_unknown_email_look_the_same(client, campus):
    wrong = login(client, campus.alice.email, "not-the-password")
    unknown = login(client, "nobody@example.edu", "not-the-password")
    a = assert_problem(wrong, 401, "invalid-credentials")
    b = assert_problem(unknown, 401, "invalid-credentials")
    assert a["title"] == b["title"]
    assert a.get("detail") == b.get("detail")
    assert wrong.headers["www-authenticate"] == unknown.headers["www-authenticate"] == "Bearer"


def test_access_token_from_login_works(client, campus):
    pair = login_ok(client, campus.alice.email)
    r = client.get("/v1/users/me", headers=bearer(pair["access_token"]))
    assert r.status_code == 200, r.text
    assert r.json()["nickname"] == "alice"
    assert r.json()["id"] == str(campus.alice.id)


# Clients at different addresses: the login throttle counts per email and address.
ATTACKER = "198.51.100.7"
OWNER = "203.0.113.20"
WRONG = "wrong-password!"


@pytest.fixture
def client_at(database_url) -> Iterator:
    """`client_at("198.51.100.7")`: a client of a new app instance calling from that address."""
    from fastapi.testclient import TestClient

    from api.main import create_app

    with ExitStack() as stack:

        def make(address: str) -> TestClient:
            app = TestClient(create_app(), client=(address, 50000), raise_server_exceptions=False)
            return stack.enter_context(app)

        yield make


def failure_rows(email: str) -> dict[str, tuple[int, datetime | None]]:
    """client -> (failures, locked_until) of the email's login_failures rows."""
    from api.auth.models import LoginFailure
    from infra.database import session_scope

    with session_scope() as s:
        rows = s.execute(select(LoginFailure).where(LoginFailure.email == email.lower()))
        return {r.client: (r.failures, r.locked_until) for r in rows.scalars()}


def test_repeated_failed_logins_lock_that_address_out_of_the_email(client_at, world, settings):
    assert settings.login_max_failures == 5
    school = world.school()
    victim = world.user(school, "victim")
    bystander = world.user(school, "bystander")
    attacker = client_at(ATTACKER)
    for _ in range(settings.login_max_failures):
        assert_problem(login(attacker, victim.email, WRONG), 401, "invalid-credentials")

    r = login(attacker, victim.email)  # the right password, but too late from there
    assert_problem(r, 429, "account-locked")
    retry_after = int(r.headers["retry-after"])
    assert 0 < retry_after <= settings.login_lock_seconds + 1
    assert r.json()["retry_after"] == retry_after

    # The lock is in the database, so another API instance sees it too.
    failures, locked_until = failure_rows(victim.email)[ATTACKER]
    assert failures == settings.login_max_failures
    assert locked_until is not None and locked_until > datetime.now(UTC)
    other_instance = client_at(ATTACKER)
    assert_problem(login(other_instance, victim.email), 429, "account-locked")
    # Only that email is locked for that address.
    assert login(other_instance, bystander.email).status_code == 200


def test_the_owner_gets_in_from_another_address_while_an_attacker_hammers_the_email(
    client_at, world, settings
):
    victim = world.user(world.school(), "victim")
    attacker, owner = client_at(ATTACKER), client_at(OWNER)
    answers = []
    for _ in range(3 * settings.login_max_failures):
        answers.append(login(attacker, victim.email, WRONG).status_code)
        if len(answers) % settings.login_max_failures == 0:
            assert login(owner, victim.email).status_code == 200
    assert answers == [401] * settings.login_max_failures + [429] * (
        2 * settings.login_max_failures
    )
    # Locked requests are not counted (nor hashed): the lock did not grow while refused.
    assert failure_rows(victim.email)[ATTACKER][0] == settings.login_max_failures
    # The owner's own count is theirs: they may still mistype a few times and get in.
    for _ in range(settings.login_max_failures - 1):
        assert login(owner, victim.email, WRONG).status_code == 401
    assert login(owner, victim.email).status_code == 200
    assert_problem(login(attacker, victim.email), 429, "account-locked")


def test_known_and_unknown_emails_answer_the_same_failure_sequence(client_at, world, settings):
    """Nothing in the answers tells an account apart from an email nobody has."""
    known = world.user(world.school(), "known").email
    unknown = "nobody-here@example.edu"
    sequence = [WRONG] * settings.login_max_failures + [PASSWORD, WRONG, PASSWORD]

    def answers(email: str) -> list[tuple[int, dict, dict]]:
        c = client_at(ATTACKER)
        return [
            (r.status_code, r.json(), dict(r.headers))
            for r in (login(c, email, password) for password in sequence)
        ]

    known_answers, unknown_answers = answers(known), answers(unknown)
    assert [a[0] for a in known_answers] == [401] * settings.login_max_failures + [429] * 3
    assert known_answers == unknown_answers
    assert failure_rows(known).keys() == failure_rows(unknown).keys() == {ATTACKER, "*"}


def test_lock_ends_when_its_time_is_up(client_at, world, settings):
    from api.auth.models import LoginFailure
    from infra.database import session_scope

    victim = world.user(world.school())
    attacker = client_at(ATTACKER)
    for _ in range(settings.login_max_failures):
        login(attacker, victim.email, WRONG)
    assert login(attacker, victim.email).status_code == 429
    with session_scope() as s:
        s.execute(
            update(LoginFailure)
            .where(LoginFailure.email == victim.email, LoginFailure.client == ATTACKER)
            .values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert login(attacker, victim.email).status_code == 200
    # Success forgets that address's failures (it is now one the email logged in from);
    # the count across addresses stays.
    assert set(failure_rows(victim.email)) == {"*", f"+{ATTACKER}"}


def test_each_failure_after_the_lock_doubles_it(client_at, world, settings):
    from api.auth.models import LoginFailure
    from infra.database import session_scope

    victim = world.user(world.school())
    attacker = client_at(ATTACKER)
    locks = []
    for _ in range(3):
        while login(attacker, victim.email, WRONG).status_code != 429:
            pass
        failures, locked_until = failure_rows(victim.email)[ATTACKER]
        locks.append((failures, round((locked_until - datetime.now(UTC)).total_seconds())))
        with session_scope() as s:  # the lock has run out
            s.execute(
                update(LoginFailure)
                .where(LoginFailure.email == victim.email, LoginFailure.client == ATTACKER)
                .values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
            )
    first = settings.login_lock_seconds
    n = settings.login_max_failures
    assert locks == [(n, first), (n + 1, 2 * first), (n + 2, 4 * first)]


def test_successful_login_resets_the_failure_count(client_at, world, settings):
    user = world.user(world.school())
    c = client_at(ATTACKER)
    almost = settings.login_max_failures - 1
    for _ in range(almost):
        assert login(c, user.email, WRONG).status_code == 401
    assert login(c, user.email).status_code == 200
    assert ATTACKER not in failure_rows(user.email)
    # Had the count not been reset, these would lock the address out.
    for _ in range(almost):
        assert login(c, user.email, WRONG).status_code == 401
    assert login(c, user.email).status_code == 200


def test_failures_from_many_addresses_lock_the_email_everywhere_at_the_account_cap(
    client_at, world, override_settings
):
    settings = override_settings(LOGIN_ACCOUNT_MAX_FAILURES=6)
    school = world.school()
    victim, bystander = world.user(school, "victim"), world.user(school, "bystander")
    for i in range(3):  # each address stays under its own limit
        c = client_at(f"198.51.100.{10 + i}")
        for _ in range(2):
            assert login(c, victim.email, WRONG).status_code == 401
    r = login(client_at(OWNER), victim.email)
    assert_problem(r, 429, "account-locked")
    window = settings.login_failure_window_seconds
    assert window - 60 < int(r.headers["retry-after"]) <= window + 1
    assert login(client_at(OWNER), bystander.email).status_code == 200


def test_attackers_at_the_account_cap_do_not_lock_the_owner_out_of_their_own_address(
    client_at, world, override_settings
):
    """Guessing from many addresses locks the email everywhere except where its owner has
    logged in: an attacker who knows the email cannot lock its owner out."""
    settings = override_settings(LOGIN_ACCOUNT_MAX_FAILURES=6)
    victim = world.user(world.school(), "victim")
    owner = client_at(OWNER)
    assert login(owner, victim.email).status_code == 200  # the owner's usual address
    for i in range(4):  # each attacker address exhausts its own limit, together the cap
        c = client_at(f"198.51.100.{10 + i}")
        answers = [login(c, victim.email, WRONG).status_code for _ in range(6)]
        assert 429 in answers
    # The cap is reached: a new address is locked out, and so is each attacker's ...
    assert_problem(login(client_at("192.0.2.50"), victim.email), 429, "account-locked")
    assert_problem(login(client_at("198.51.100.10"), victim.email), 429, "account-locked")
    # ... but the owner gets in from their own address, from a new app instance too.
    assert login(owner, victim.email).status_code == 200
    assert login(client_at(OWNER), victim.email).status_code == 200
    # Their address still has its own limit: mistyping there locks it like anywhere.
    for _ in range(settings.login_max_failures):
        assert login(owner, victim.email, WRONG).status_code == 401
    assert_problem(login(owner, victim.email), 429, "account-locked")


def test_an_address_stops_being_known_when_its_time_is_up(client_at, world, override_settings):
    from api.auth.models import LoginFailure
    from infra.database import session_scope

    override_settings(LOGIN_ACCOUNT_MAX_FAILURES=3, LOGIN_KNOWN_ADDRESS_SECONDS=3600)
    victim = world.user(world.school(), "victim")
    owner = client_at(OWNER)
    assert login(owner, victim.email).status_code == 200
    for i in range(3):
        assert login(client_at(f"198.51.100.{10 + i}"), victim.email, WRONG).status_code == 401
    assert login(owner, victim.email).status_code == 200
    with session_scope() as s:
        s.execute(
            update(LoginFailure)
            .where(LoginFailure.email == victim.email, LoginFailure.client.startswith("+"))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert_problem(login(owner, victim.email), 429, "account-locked")


def test_addresses_of_one_ipv6_64_count_as_one(client_at, world, settings):
    victim = world.user(world.school())
    for i in range(settings.login_max_failures):
        c = client_at(f"2001:db8:1:2::{i + 1:x}")
        assert login(c, victim.email, WRONG).status_code == 401
    assert_problem(login(client_at("2001:db8:1:2:ffff::9"), victim.email), 429, "account-locked")
    # Another /64 is another client.
    assert login(client_at("2001:db8:1:3::1"), victim.email).status_code == 200


def test_expired_failure_rows_are_pruned_as_failures_are_recorded(client, world):
    from api.auth.models import LoginFailure
    from api.auth.throttle import PRUNE_BATCH
    from infra.database import session_scope

    past = datetime.now(UTC) - timedelta(seconds=1)
    stale = [
        {"email": f"old{i}@example.edu", "client": ATTACKER, "failures": 3, "expires_at": past}
        for i in range(PRUNE_BATCH + 20)
    ]
    with session_scope() as s:
        s.execute(insert(LoginFailure), stale)

    def left() -> int:
        with session_scope() as s:
            return s.scalar(select(func.count()).where(LoginFailure.expires_at <= func.now()))

    assert login(client, "someone@example.edu", WRONG).status_code == 401
    assert left() == 20
    assert login(client, "someone@example.edu", WRONG).status_code == 401
    assert left() == 0


def test_an_old_hash_still_verifies_and_is_rehashed_with_the_settings(client, world, settings):
    from pwdlib import PasswordHash

    from api.users.models import User
    from infra.database import session_scope

    user = world.user(world.school())
    old = PasswordHash.recommended().hash(PASSWORD)  # argon2's defaults: 64 MiB, t=3, p=4
    assert "$m=65536,t=3,p=4$" in old
    with session_scope() as s:
        s.execute(update(User).where(User.id == user.id).values(password_hash=old))
    assert login(client, user.email).status_code == 200
    new = user_row(user.id).password_hash
    params = (
        f"$m={settings.password_hash_memory_kib},t={settings.password_hash_time_cost},"
        f"p={settings.password_hash_parallelism}$"
    )
    assert new.startswith("$argon2id$") and params in new
    assert login(client, user.email).status_code == 200
    assert user_row(user.id).password_hash == new  # nothing more to update


# --- refresh and logout --------------------------------------------------------------


def test_refresh_rotates_the_token(client, campus):
    first = login_ok(client, campus.alice.email)
    r = refresh(client, first["refresh_token"])
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    me = client.get("/v1/users/me", headers=bearer(second["access_token"]))
    assert me.status_code == 200 and me.json()["id"] == str(campus.alice.id)
    r = refresh(client, second["refresh_token"])
    assert r.status_code == 200, r.text


def test_reused_refresh_token_revokes_the_whole_family(client, campus):
    first = login_ok(client, campus.alice.email)
    other_device = login_ok(client, campus.alice.email)
    second = refresh(client, first["refresh_token"]).json()
    third = refresh(client, second["refresh_token"]).json()

    r = refresh(client, first["refresh_token"])  # a copy of a rotated token comes back
    assert_problem(r, 401, "refresh-token-reused")
    assert r.headers["www-authenticate"] == "Bearer"

    # The newest token of that family is dead too, and so is the middle one.
    assert_problem(refresh(client, third["refresh_token"]), 401)
    assert_problem(refresh(client, second["refresh_token"]), 401)
    # Another session of the same user is a different family and keeps working.
    assert refresh(client, other_device["refresh_token"]).status_code == 200


def test_unknown_and_expired_refresh_tokens_are_rejected(client, campus):
    from api.auth.models import RefreshToken
    from infra.database import session_scope

    assert_problem(refresh(client, "not-a-token"), 401, "invalid-token")
    pair = login_ok(client, campus.alice.email)
    with session_scope() as s:
        s.execute(update(RefreshToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert_problem(refresh(client, pair["refresh_token"]), 401, "invalid-token")


def test_logout_revokes_and_is_idempotent(client, campus):
    pair = login_ok(client, campus.alice.email)
    rotated = refresh(client, pair["refresh_token"]).json()
    headers = bearer(rotated["access_token"])
    body = {"refresh_token": rotated["refresh_token"]}
    assert_problem(client.post("/v1/auth/logout", json=body), 401, "invalid-token")
    r = client.post("/v1/auth/logout", json=body, headers=headers)
    assert r.status_code == 204, r.text
    assert_problem(refresh(client, rotated["refresh_token"]), 401)

    again = client.post("/v1/auth/logout", json=body, headers=headers)
    assert again.status_code == 204, again.text
    unknown = client.post(
        "/v1/auth/logout", json={"refresh_token": "never-issued"}, headers=headers
    )
    assert_problem(unknown, 404, "session-not-found")


# --- account deletion ----------------------------------------------------------------


def test_account_deletion(client, campus):
    alice, bob = campus.alice, campus.bob
    pair = login_ok(client, alice.email)
    post = client.post(
        f"/v1/boards/{campus.board}/posts",
        json={"title": "alice's post", "body": "stays after she leaves"},
        headers=alice.headers,
    ).json()
    bobs_post = client.post(
        f"/v1/boards/{campus.board}/posts",
        json={"title": "bob's post", "body": "hello"},
        headers=bob.headers,
    ).json()
    comment = client.post(
        f"/v1/posts/{bobs_post['id']}/comments", json={"body": "hi bob"}, headers=alice.headers
    )
    assert comment.status_code == 201, comment.text

    r = client.delete("/v1/users/me", headers=alice.headers)
    assert r.status_code == 204, r.text

    # Login stops working, and the refresh token she held is dead.
    assert_problem(login(client, alice.email), 401, "invalid-credentials")
    assert_problem(refresh(client, pair["refresh_token"]), 401)
    # Her profile is gone.
    assert_problem(client.get(f"/v1/users/{alice.id}", headers=bob.headers), 404)

    # Her post stays, authored by "(deleted)" with nothing that identifies her.
    deleted_author = {"label": "(deleted)", "deleted": True, "id": None, "nickname": None}
    r = client.get(f"/v1/posts/{post['id']}", headers=bob.headers)
    assert r.status_code == 200, r.text
    assert r.json()["author"].items() >= deleted_author.items()
    assert r.json()["body"] == "stays after she leaves"
    page = client.get(f"/v1/boards/{campus.board}/posts", headers=bob.headers)
    by_id = {p["id"]: p for p in page.json()["items"]}
    assert by_id[post["id"]]["author"].items() >= deleted_author.items()
    # Her comment stays too.
    r = client.get(f"/v1/posts/{bobs_post['id']}/comments", headers=bob.headers)
    [thread] = r.json()["items"]
    assert thread["body"] == "hi bob"
    assert thread["author"].items() >= deleted_author.items()
    for text in (page.text, r.text):
        assert str(alice.id) not in text
        assert '"alice"' not in text

    # Her access token is still within its lifetime but can no longer write.
    r = client.post(
        f"/v1/boards/{campus.board}/posts", json={"title": "t", "body": "b"}, headers=alice.headers
    )
    assert_problem(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"
    r = client.patch("/v1/users/me", json={"nickname": "ghost"}, headers=alice.headers)
    assert_problem(r, 401)
    assert_problem(client.delete("/v1/users/me", headers=alice.headers), 401)
    assert_problem(client.get("/v1/users/me", headers=alice.headers), 401)


# --- access tokens -------------------------------------------------------------------


def _claims(user, **overrides) -> dict:
    now = int(time.time())
    claims = {
        "sub": str(user.id),
        "sch": str(user.school_id),
        "typ": "access",
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _bad_authorization(kind: str, user, key: str) -> dict[str, str]:
    now = int(time.time())
    if kind == "missing":
        return {}
    if kind == "expired":
        token = jwt.encode(_claims(user, iat=now - 1000, exp=now - 10), key, algorithm="HS256")
    elif kind == "tampered":
        token = user.token
        head, sig = token[:-10], token[-10:]
        token = head + ("A" if sig[0] != "A" else "B") + sig[1:]
    elif kind == "tampered-claims":
        header, _payload, sig = user.token.split(".")
        token = f"{header}.{_b64(_claims(user, sub=str(uuid4())))}.{sig}"
    elif kind == "other-key":
        token = jwt.encode(_claims(user), "another-key-" + "x" * 40, algorithm="HS256")
    elif kind == "refresh-typ":
        token = jwt.encode(_claims(user, typ="refresh"), key, algorithm="HS256")
    elif kind == "no-exp":
        token = jwt.encode(_claims(user, exp=None), key, algorithm="HS256")
    elif kind == "alg-none":
        token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(user))}."
    elif kind == "garbage":
        token = "not.a.jwt"
    elif kind == "basic-scheme":
        return {"Authorization": "Basic " + base64.b64encode(b"alice:pw").decode()}
    elif kind == "token-without-scheme":
        return {"Authorization": user.token}
    elif kind == "empty-bearer":
        return {"Authorization": "Bearer "}
    else:  # pragma: no cover
        raise AssertionError(kind)
    return bearer(token)


@pytest.mark.parametrize(
    "kind",
    [
        "missing",
        "expired",
        "tampered",
        "tampered-claims",
        "other-key",
        "refresh-typ",
        "no-exp",
        "alg-none",
        "garbage",
        "basic-scheme",
        "token-without-scheme",
        "empty-bearer",
    ],
)
def test_bad_access_tokens_get_401(client, campus, settings, kind):
    headers = _bad_authorization(kind, campus.alice, settings.signing_key())
    r = client.get("/v1/users/me", headers=headers)
    assert_problem(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"
    assert "alice" not in r.text
    # The same token cannot write either, and nothing is written.
    r = client.post(
        f"/v1/boards/{campus.board}/posts", json={"title": "t", "body": "b"}, headers=headers
    )
    assert_problem(r, 401)
    page = client.get(f"/v1/boards/{campus.board}/posts", headers=campus.bob.headers)
    assert page.json()["items"] == []


def test_a_deleted_accounts_token_cannot_write(client, campus):
    # The access token itself is still valid for minutes; every write checks the account.
    post = client.post(
        f"/v1/boards/{campus.board}/posts",
        json={"title": "t", "body": "b"},
        headers=campus.bob.headers,
    ).json()
    assert client.delete("/v1/users/me", headers=campus.alice.headers).status_code == 204
    writes = [
        ("PUT", f"/v1/posts/{post['id']}/like", None),
        ("PUT", f"/v1/posts/{post['id']}/scrap", None),
        ("POST", f"/v1/posts/{post['id']}/comments", {"body": "from beyond"}),
    ]
    for method, path, body in writes:
        r = client.request(method, path, json=body, headers=campus.alice.headers)
        assert_problem(r, 401, "invalid-token")
    r = client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).json()
    assert (r["like_count"], r["comment_count"]) == (0, 0)


def test_an_access_token_stops_working_when_it_expires(client, campus, settings):
    # Verified tokens are remembered; the memory must not outlive the token. (Two seconds
    # ahead: `int(time.time()) + 1` may be a few milliseconds away.)
    exp = int(time.time()) + 2
    token = jwt.encode(_claims(campus.alice, exp=exp), settings.signing_key(), algorithm="HS256")
    assert client.get("/v1/users/me", headers=bearer(token)).status_code == 200
    time.sleep(max(0.0, exp - time.time()) + 0.05)
    r = client.get("/v1/users/me", headers=bearer(token))
    assert_problem(r, 401, "invalid-token")
    assert "expired" in r.json()["detail"]


def test_refresh_token_is_not_an_access_token(client, campus):
    pair = login_ok(client, campus.alice.email)
    r = client.get("/v1/users/me", headers=bearer(pair["refresh_token"]))
    assert_problem(r, 401, "invalid-token")


def test_well_formed_token_of_the_right_key_is_accepted(client, campus, settings):
    # The control for the cases above: the same construction with nothing wrong works.
    token = jwt.encode(_claims(campus.alice), settings.signing_key(), algorithm="HS256")
    r = client.get("/v1/users/me", headers=bearer(token))
    assert r.status_code == 200, r.text


# --- me and profiles -----------------------------------------------------------------


def test_get_me(client, campus):
    r = client.get("/v1/users/me", headers=campus.alice.headers)
    assert r.status_code == 200, r.text
    me = r.json()
    assert me["id"] == str(campus.alice.id)
    assert me["email"] == campus.alice.email
    assert me["nickname"] == "alice"
    assert me["school"] == {"id": str(campus.school), "name": "Hanbit University"}
    assert "password_hash" not in me


def test_change_nickname(client, campus):
    r = client.patch("/v1/users/me", json={"nickname": "alice.k"}, headers=campus.alice.headers)
    assert r.status_code == 200, r.text
    assert r.json()["nickname"] == "alice.k"
    assert client.get("/v1/users/me", headers=campus.alice.headers).json()["nickname"] == "alice.k"
    profile = client.get(f"/v1/users/{campus.alice.id}", headers=campus.bob.headers).json()
    assert profile["nickname"] == "alice.k"
    # The old nickname is free again.
    r = client.patch("/v1/users/me", json={"nickname": "alice"}, headers=campus.carol.headers)
    assert r.status_code == 200, r.text


def test_change_nickname_to_own_in_another_case(client, campus):
    r = client.patch("/v1/users/me", json={"nickname": "Alice"}, headers=campus.alice.headers)
    assert r.status_code == 200, r.text
    assert r.json()["nickname"] == "Alice"


def test_change_nickname_to_a_taken_one(client, campus):
    r = client.patch("/v1/users/me", json={"nickname": "BOB"}, headers=campus.alice.headers)
    body = assert_problem(r, 409, "conflict")
    assert body["field"] == "nickname"
    assert client.get("/v1/users/me", headers=campus.alice.headers).json()["nickname"] == "alice"
    assert client.get("/v1/users/me", headers=campus.bob.headers).json()["nickname"] == "bob"


@pytest.mark.parametrize("nickname", ["김민지", "Zoë_K", "li.wei-2"])
def test_a_nickname_takes_letters_of_any_script(client, campus, nickname):
    r = client.patch("/v1/users/me", json={"nickname": nickname}, headers=campus.alice.headers)
    assert r.status_code == 200, r.text
    assert client.get("/v1/users/me", headers=campus.alice.headers).json()["nickname"] == nickname


@pytest.mark.parametrize(
    "body",
    [
        {"nickname": "익명"},
        {"nickname": "Anonymous3"},
        {"nickname": "a"},
        {"nickname": "has space"},
        {"nickname": "x" * 21},
        {"nickname": "alice2", "email": "alice2@example.edu"},
        {},
    ],
)
def test_change_nickname_invalid(client, campus, body):
    r = client.patch("/v1/users/me", json=body, headers=campus.alice.headers)
    assert_problem(r, 422, "validation-error")
    me = client.get("/v1/users/me", headers=campus.alice.headers).json()
    assert me["nickname"] == "alice"
    assert me["email"] == campus.alice.email


def test_public_profile(client, campus):
    r = client.get(f"/v1/users/{campus.bob.id}", headers=campus.alice.headers)
    assert r.status_code == 200, r.text
    profile = r.json()
    assert profile["id"] == str(campus.bob.id)
    assert profile["nickname"] == "bob"
    assert profile["school"] == {"id": str(campus.school), "name": "Hanbit University"}
    joined = datetime.fromisoformat(profile["joined_at"])
    assert abs(datetime.now(UTC) - joined) < timedelta(minutes=5)
    assert campus.bob.email not in r.text
    assert "email" not in profile


def test_public_profile_unknown_user_and_no_token(client, campus):
    assert_problem(client.get(f"/v1/users/{uuid4()}", headers=campus.alice.headers), 404)
    r = client.get(f"/v1/users/{campus.bob.id}")
    assert_problem(r, 401)
    assert "bob" not in r.text
