"""Budgets per user and per client address (api/limits/), and the client address itself
(api/core/client.py): over budget is 429 with Retry-After and the RateLimit fields and
writes nothing; refused or failed writes spend nothing; attempts count even when they
fail; the counts are in PostgreSQL (every instance and restart sees them), pruned as they
go; a client cannot choose its address with X-Forwarded-For."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import func, insert, select

from tests.api.helpers import burst, create_post
from tests.conftest import PASSWORD, running_server

PROBLEM = "application/problem+json"
USER_A, USER_B = "198.51.100.7", "203.0.113.20"
# RateLimit-Policy / RateLimit as draft-ietf-httpapi-ratelimit-headers-12: Structured
# Field lists of quoted policy names with integer parameters.
POLICY_ITEM = re.compile(r'^"([a-z-]+)";q=(\d+);w=(\d+)$')
STATE_ITEM = re.compile(r'^"([a-z-]+)";r=(\d+);t=(\d+)$')


@pytest.fixture
def client_at(database_url) -> Iterator:
    """`client_at("198.51.100.7")`: a client of a new app instance whose socket peer is
    that address."""
    from fastapi.testclient import TestClient

    from api.main import create_app

    with ExitStack() as stack:

        def make(address: str) -> TestClient:
            app = TestClient(create_app(), client=(address, 50000), raise_server_exceptions=False)
            return stack.enter_context(app)

        yield make


def comment(client, user, post_id: str, **headers: str) -> httpx.Response:
    return client.post(
        f"/v1/posts/{post_id}/comments",
        json={"body": "hello"},
        headers={**user.headers, **headers},
    )


def count(model) -> int:
    from infra.database import session_scope

    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(model))


def assert_rate_limited(r: httpx.Response, policies: dict[str, tuple[int, int]]) -> dict:
    """A well-formed 429: problem+json, a sane Retry-After, and RateLimit-Policy and
    RateLimit naming exactly `policies` (name -> (quota, window)), an exhausted one at 0
    remaining, with resets within their windows."""
    assert r.status_code == 429, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["type"] == "urn:quad:problem:rate-limited" and body["status"] == 429
    retry_after = int(r.headers["Retry-After"])
    declared = {}
    for item in r.headers["RateLimit-Policy"].split(", "):
        name, quota, window = POLICY_ITEM.match(item).groups()
        declared[name] = (int(quota), int(window))
    assert declared == policies
    states = {}
    for item in r.headers["RateLimit"].split(", "):
        name, remaining, reset = STATE_ITEM.match(item).groups()
        states[name] = (int(remaining), int(reset))
    assert states.keys() == policies.keys()
    for name, (remaining, reset) in states.items():
        assert 1 <= reset <= policies[name][1]
        assert remaining <= policies[name][0]
    exhausted = [reset for remaining, reset in states.values() if remaining == 0]
    assert exhausted and retry_after == max(exhausted)
    assert body["retry_after"] == retry_after
    return states


# --- write budgets --------------------------------------------------------------------


def test_over_the_comment_budget_is_429_with_the_fields_and_writes_nothing(
    client_at, campus, override_settings
):
    from api.comments.models import Comment
    from api.outbox.models import OutboxEvent

    override_settings(LIMIT_COMMENT_PER_USER=3, LIMIT_COMMENT_WINDOW_SECONDS=600)
    c = client_at(USER_A)
    post = create_post(c, campus.alice, campus.board)["id"]
    for _ in range(3):
        assert comment(c, campus.bob, post).status_code == 201
    comments, events = count(Comment), count(OutboxEvent)
    r = comment(c, campus.bob, post)
    states = assert_rate_limited(r, {"comment-user": (3, 600), "comment-address": (1000000, 600)})
    assert states["comment-user"][0] == 0
    # The address had spent 3, and the refused one is not counted.
    assert states["comment-address"][0] == 1000000 - 3
    assert 590 <= int(r.headers["Retry-After"]) <= 600
    assert (count(Comment), count(OutboxEvent)) == (comments, events)
    assert c.get(f"/v1/posts/{post}", headers=campus.bob.headers).json()["comment_count"] == 3
    # Another user is not held back by bob's budget.
    assert comment(c, campus.carol, post).status_code == 201


def test_a_failed_or_refused_write_spends_nothing(client_at, campus, override_settings):
    override_settings(LIMIT_POST_PER_USER=2)
    c = client_at(USER_A)
    for _ in range(5):
        r = c.post(
            f"/v1/boards/{uuid4()}/posts",
            json={"title": "t", "body": "b"},
            headers=campus.alice.headers,
        )
        assert r.status_code == 404
        r = c.post(
            f"/v1/boards/{campus.other_board}/posts",
            json={"title": "t", "body": "b"},
            headers=campus.alice.headers,
        )
        assert r.status_code in (403, 404)
    create_post(c, campus.alice, campus.board)
    create_post(c, campus.alice, campus.board)
    r = c.post(
        f"/v1/boards/{campus.board}/posts",
        json={"title": "t", "body": "b"},
        headers=campus.alice.headers,
    )
    assert r.status_code == 429


def test_users_behind_one_address_share_its_budget_and_other_addresses_do_not(
    client_at, campus, override_settings
):
    override_settings(LIMIT_COMMENT_PER_ADDRESS=4)
    campus_nat, elsewhere = client_at(USER_A), client_at(USER_B)
    post = create_post(campus_nat, campus.alice, campus.board)["id"]
    for user in (campus.alice, campus.bob, campus.carol, campus.alice):
        assert comment(campus_nat, user, post).status_code == 201
    r = comment(campus_nat, campus.bob, post)
    states = assert_rate_limited(r, {"comment-user": (1000000, 3600), "comment-address": (4, 3600)})
    assert states["comment-address"][0] == 0
    assert comment(elsewhere, campus.bob, post).status_code == 201


def test_every_budgeted_endpoint_is_limited(client_at, campus, world, override_settings):
    """One of each existing write over a budget of 1: the second is refused."""
    c = client_at(USER_A)
    post = create_post(c, campus.alice, campus.board)["id"]
    reported = [create_post(c, campus.alice, campus.board)["id"] for _ in range(2)]
    others = world.users(campus.school, 2)
    budgets = ("POST", "COMMENT", "REPORT", "BOARD", "UPLOAD", "FRIEND_REQUEST", "FOLLOW")
    override_settings(**{f"LIMIT_{name}_PER_USER": 1 for name in budgets})
    h = campus.bob.headers
    calls = {
        "post": lambda i: c.post(
            f"/v1/boards/{campus.board}/posts", json={"title": "t", "body": "b"}, headers=h
        ),
        "comment": lambda i: comment(c, campus.bob, post),
        "report": lambda i: c.put(
            f"/v1/posts/{reported[i]}/report", json={"reason": "spam"}, headers=h
        ),
        "board": lambda i: c.post(
            f"/v1/schools/{campus.school}/boards", json={"name": f"board {i}"}, headers=h
        ),
        "upload": lambda i: c.post(
            "/v1/uploads",
            json={"content_type": "image/png", "size": 1000, "file_name": "a.png"},
            headers=h,
        ),
        "friend-request": lambda i: c.post(
            "/v1/friends/requests", json={"user_id": str(others[i].id)}, headers=h
        ),
        "follow": lambda i: c.put(f"/v1/users/{others[i].id}/follow", headers=h),
    }
    for name, call in calls.items():
        first = call(0)
        assert first.status_code in (200, 201), (name, first.text)
        second = call(1)
        assert second.status_code == 429, (name, second.text)
        assert f'"{name}-user";q=1;' in second.headers["RateLimit-Policy"]


def test_a_deleted_account_still_cannot_write(client_at, campus):
    c = client_at(USER_A)
    post = create_post(c, campus.alice, campus.board)["id"]
    assert c.delete("/v1/users/me", headers=campus.bob.headers).status_code == 204
    r = comment(c, campus.bob, post)
    assert r.status_code == 401 and r.json()["type"] == "urn:quad:problem:invalid-token"
    assert c.get(f"/v1/posts/{post}", headers=campus.alice.headers).json()["comment_count"] == 0


def test_the_counts_survive_a_new_app_instance(client_at, campus, override_settings):
    override_settings(LIMIT_POST_PER_USER=2)
    first = client_at(USER_A)
    create_post(first, campus.alice, campus.board)
    create_post(first, campus.alice, campus.board)
    second = client_at(USER_B)  # another instance (its own engine), another address
    r = second.post(
        f"/v1/boards/{campus.board}/posts",
        json={"title": "t", "body": "b"},
        headers=campus.alice.headers,
    )
    assert r.status_code == 429


def test_a_window_that_ended_starts_anew(client_at, campus, override_settings):
    from sqlalchemy import update

    from api.limits.models import LimitCount
    from infra.database import session_scope

    override_settings(LIMIT_POST_PER_USER=1)
    c = client_at(USER_A)
    create_post(c, campus.alice, campus.board)
    body = {"title": "t", "body": "b"}
    assert (
        c.post(
            f"/v1/boards/{campus.board}/posts", json=body, headers=campus.alice.headers
        ).status_code
        == 429
    )
    with session_scope() as s:
        s.execute(update(LimitCount).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    create_post(c, campus.alice, campus.board)
    assert (
        c.post(
            f"/v1/boards/{campus.board}/posts", json=body, headers=campus.alice.headers
        ).status_code
        == 429
    )


def test_expired_counts_are_pruned_as_budgets_are_spent(client_at, campus):
    from api.limits.models import LimitCount
    from api.limits.service import PRUNE_BATCH
    from infra.database import session_scope

    past = datetime.now(UTC) - timedelta(minutes=1)
    with session_scope() as s:
        s.execute(
            insert(LimitCount),
            [
                {
                    "policy": "comment",
                    "subject": f"a:10.0.{i // 250}.{i % 250}",
                    "hits": 3,
                    "expires_at": past,
                }
                for i in range(20)
            ],
        )
    c = client_at(USER_A)
    post = create_post(c, campus.alice, campus.board)["id"]
    # The post added two rows and took PRUNE_BATCH of the expired ones with it.
    assert count(LimitCount) == 20 + 2 - PRUNE_BATCH
    for _ in range(10):
        assert comment(c, campus.bob, post).status_code == 201
    # Two comment rows more; every expired one gone, and no more than that was left.
    assert count(LimitCount) == 4


# --- attempt budgets ------------------------------------------------------------------


def signup_body(school, **fields) -> dict:
    n = uuid4().hex[:8]
    return {
        "email": f"s{n}@example.edu",
        "password": "exactly10!",
        "nickname": f"s{n}",
        "school_id": str(school),
        **fields,
    }


def test_failed_signups_spend_the_address_budget_and_over_it_nothing_is_created(
    client_at, world, override_settings
):
    from api.users.models import User

    override_settings(LIMIT_SIGNUP_PER_ADDRESS=3, LIMIT_SIGNUP_WINDOW_SECONDS=3600)
    school = world.school()
    c = client_at(USER_A)
    assert c.post("/v1/auth/signup", json=signup_body(uuid4())).status_code == 422
    taken = signup_body(school)
    assert c.post("/v1/auth/signup", json=taken).status_code == 201
    assert c.post("/v1/auth/signup", json=taken).status_code == 409
    users = count(User)
    r = c.post("/v1/auth/signup", json=signup_body(school))
    assert_rate_limited(r, {"signup-address": (3, 3600)})
    assert count(User) == users
    assert client_at(USER_B).post("/v1/auth/signup", json=signup_body(school)).status_code == 201


def test_login_attempts_spend_the_address_budget_whatever_the_email(
    client_at, campus, override_settings
):
    override_settings(LIMIT_LOGIN_PER_ADDRESS=4, LIMIT_LOGIN_WINDOW_SECONDS=900)
    c = client_at(USER_A)
    # Spraying different emails: no email's failure count ever locks, the budget does.
    for i in range(3):
        r = c.post("/v1/auth/login", json={"email": f"x{i}@example.edu", "password": "nope-nope"})
        assert r.status_code == 401
    ok = c.post("/v1/auth/login", json={"email": campus.alice.email, "password": PASSWORD})
    assert ok.status_code == 200
    r = c.post("/v1/auth/login", json={"email": campus.alice.email, "password": PASSWORD})
    assert_rate_limited(r, {"login-address": (4, 900)})
    r = client_at(USER_B).post(
        "/v1/auth/login", json={"email": campus.alice.email, "password": PASSWORD}
    )
    assert r.status_code == 200


def test_future_attempt_endpoints_spend_with_one_call(database_url, override_settings, world):
    """Verification attempts, resends and password resets have budgets before their
    endpoints exist: one call spends them, committed even if the attempt then fails."""
    from api.limits.errors import RateLimited
    from api.limits.service import Limit, spend_attempt
    from infra.database import session_scope

    override_settings(
        LIMIT_VERIFY_PER_USER=2, LIMIT_RESEND_PER_USER=1, LIMIT_PASSWORD_RESET_PER_USER=1
    )
    user = uuid4()
    for limit, quota in ((Limit.verify, 2), (Limit.resend, 1), (Limit.password_reset, 1)):
        for _ in range(quota):
            with pytest.raises(ValueError), session_scope() as s:
                spend_attempt(s, limit, address=USER_A, user=user)
                raise ValueError("the code was wrong")  # rolls back, the attempt counted
        with pytest.raises(RateLimited), session_scope() as s:
            spend_attempt(s, limit, address=USER_A, user=user)
        with session_scope() as s:  # someone else is unaffected
            spend_attempt(s, limit, address=USER_B, user="someone@example.edu")


def test_verification_attempts_and_resends_spend_their_budgets(client_at, world, override_settings):
    """Beyond the code's own 5 tries, guessing across new codes is bounded per account
    (and address); resends too, beside the one-a-minute rule of the mails."""
    override_settings(
        LIMIT_VERIFY_PER_USER=2,
        LIMIT_VERIFY_PER_ADDRESS=100,
        LIMIT_RESEND_PER_USER=1,
        LIMIT_RESEND_PER_ADDRESS=50,
        EMAIL_VERIFICATION_RESEND_INTERVAL_SECONDS=0,
    )
    c = client_at(USER_A)
    account = c.post("/v1/auth/signup", json=signup_body(world.school())).json()
    headers = {"Authorization": f"Bearer {account['tokens']['access_token']}"}
    for _ in range(2):
        r = c.post("/v1/auth/verify-email", json={"code": "000000"}, headers=headers)
        assert r.status_code == 422, r.text  # a wrong code: it counted
    r = c.post("/v1/auth/verify-email", json={"code": "000000"}, headers=headers)
    assert_rate_limited(r, {"verify-user": (2, 3600), "verify-address": (100, 3600)})
    assert c.post("/v1/auth/verify-email/resend", headers=headers).status_code == 204
    r = c.post("/v1/auth/verify-email/resend", headers=headers)
    assert_rate_limited(r, {"resend-user": (1, 3600), "resend-address": (50, 3600)})


# --- 50 at once, against a real server ------------------------------------------------


@pytest.fixture(scope="module")
def limited_server(database_url) -> Iterator[str]:
    """A real two-worker server with two small budgets, shared by the tests below (each
    spends a different one, and the database is emptied after each test)."""
    env = {"LIMIT_COMMENT_PER_USER": "10", "LIMIT_POST_PER_ADDRESS": "20"}
    with running_server(env=env) as (_proc, base):
        yield base


def test_fifty_comments_at_once_spend_exactly_the_user_budget(limited_server, client, campus):
    from api.comments.models import Comment

    post = create_post(client, campus.alice, campus.board)["id"]  # through another app
    path = f"/v1/posts/{post}/comments"
    responses = burst(limited_server, [("POST", path, campus.bob, {"body": "hi"})] * 50)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 10 + [429] * 40
    assert count(Comment) == 10


def test_fifty_users_at_once_spend_exactly_the_address_budget(limited_server, world, campus):
    from api.posts.models import Post

    users = world.users(campus.school, 50)
    path = f"/v1/boards/{campus.board}/posts"
    body = {"title": "t", "body": "b"}
    responses = burst(limited_server, [("POST", path, u, body) for u in users])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 20 + [429] * 30
    assert count(Post) == 20


# --- the client address ---------------------------------------------------------------


def request_from(peer: str, *forwarded: str):
    from starlette.requests import Request

    headers = [(b"x-forwarded-for", value.encode("latin-1")) for value in forwarded]
    return Request({"type": "http", "client": (peer, 1234), "headers": headers})


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        # No proxy trusted: the header is ignored whatever it says.
        (0, ["192.0.2.1"], "10.9.8.7"),
        (0, ["192.0.2.1, 192.0.2.2"], "10.9.8.7"),
        # Google's external ALB: "<client>, <load balancer>" appended to what was sent.
        (2, ["198.51.100.7, 34.120.0.1"], "198.51.100.7"),
        (2, ["1.2.3.4, 198.51.100.7, 34.120.0.1"], "198.51.100.7"),
        (2, ["1.2.3.4", "5.6.7.8, 198.51.100.7, 34.120.0.1"], "198.51.100.7"),
        (1, ["1.2.3.4, 198.51.100.7"], "198.51.100.7"),
        (2, ["2001:db8::1, 34.120.0.1"], "2001:db8::1"),
        (2, ["[2001:db8::1]:443, 34.120.0.1"], "2001:db8::1"),
        (2, ["198.51.100.7:5555, 34.120.0.1"], "198.51.100.7"),
        # Too short (a request that bypassed the proxy) or not an address: the peer.
        (2, ["34.120.0.1"], "10.9.8.7"),
        (2, [], "10.9.8.7"),
        (2, ["nonsense, 34.120.0.1"], "10.9.8.7"),
        (2, [", 34.120.0.1"], "10.9.8.7"),
        (2, ["\x00\xff' OR 1=1 --, 34.120.0.1"], "10.9.8.7"),
        (2, ["999.1.1.1, 34.120.0.1"], "10.9.8.7"),
    ],
)
def test_the_client_address_is_the_first_entry_our_proxies_wrote(
    override_settings, hops, forwarded, expected
):
    from api.core.client import client_address

    override_settings(TRUSTED_PROXY_HOPS=hops)
    assert client_address(request_from("10.9.8.7", *forwarded)) == expected


def test_a_client_cannot_spoof_its_way_past_the_login_budget(client_at, campus, override_settings):
    """Behind the load balancer, whatever a client puts in X-Forwarded-For itself is left
    of what the balancer appends: new values each time do not make it a new client."""
    override_settings(TRUSTED_PROXY_HOPS=2, LIMIT_LOGIN_PER_ADDRESS=3)
    lb = client_at("10.0.0.1")
    wrong = {"email": campus.alice.email, "password": "nope-nope"}
    for i in range(3):
        spoof = {"X-Forwarded-For": f"192.0.2.{i}, {USER_A}, 34.120.0.1"}
        assert lb.post("/v1/auth/login", json=wrong, headers=spoof).status_code == 401
    spoof = {"X-Forwarded-For": f"192.0.2.99, {USER_A}, 34.120.0.1"}
    assert lb.post("/v1/auth/login", json=wrong, headers=spoof).status_code == 429
    # Another client behind the same balancer has its own budget.
    other = {"X-Forwarded-For": f"{USER_B}, 34.120.0.1"}
    right = {"email": campus.alice.email, "password": PASSWORD}
    assert lb.post("/v1/auth/login", json=right, headers=other).status_code == 200
    # Garbage in the header is never an error.
    for junk in ("", ",,,", "[::1", "a" * 2000, "1.2.3.4, ::ffff:zz"):
        r = lb.post("/v1/auth/login", json=wrong, headers={"X-Forwarded-For": junk})
        assert r.status_code in (401, 429), r.text


def test_with_no_trusted_proxy_the_header_is_ignored(client_at, campus, override_settings):
    override_settings(TRUSTED_PROXY_HOPS=0, LIMIT_LOGIN_PER_ADDRESS=2)
    c = client_at(USER_A)
    wrong = {"email": campus.alice.email, "password": "nope-nope"}
    for i in range(2):
        headers = {"X-Forwarded-For": f"192.0.2.{i}"}
        assert c.post("/v1/auth/login", json=wrong, headers=headers).status_code == 401
    headers = {"X-Forwarded-For": USER_B}
    assert c.post("/v1/auth/login", json=wrong, headers=headers).status_code == 429
