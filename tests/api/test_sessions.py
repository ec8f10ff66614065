"""Sessions (refresh-token families): logout ends the caller's own session only, and a
revoked session's access tokens stop writing at once while reads trust them until they
expire."""

from __future__ import annotations

import jwt

from tests.api.test_auth import assert_problem, bearer, login, login_ok, refresh
from tests.conftest import PASSWORD


def post(client, campus, headers, title="t"):
    return client.post(
        f"/v1/boards/{campus.board}/posts", json={"title": title, "body": "b"}, headers=headers
    )


def logout(client, pair, refresh_token=None):
    return client.post(
        "/v1/auth/logout",
        json={"refresh_token": refresh_token or pair["refresh_token"]},
        headers=bearer(pair["access_token"]),
    )


def test_access_tokens_name_their_session_and_keep_it_across_refreshes(client, campus):
    first = login_ok(client, campus.alice.email)
    second = refresh(client, first["refresh_token"]).json()
    other = login_ok(client, campus.alice.email)
    sid = [
        jwt.decode(p["access_token"], options={"verify_signature": False})["sid"]
        for p in (first, second, other)
    ]
    assert sid[0] == sid[1] != sid[2]


def test_a_logged_out_session_cannot_write_but_reads_until_its_token_expires(client, campus):
    phone = login_ok(client, campus.alice.email)
    laptop = login_ok(client, campus.alice.email)
    assert post(client, campus, bearer(phone["access_token"])).status_code == 201

    assert logout(client, phone).status_code == 204

    r = post(client, campus, bearer(phone["access_token"]))
    assert_problem(r, 401, "session-revoked")
    assert r.headers["www-authenticate"] == "Bearer"
    # Reads trust the token until it expires (ACCESS_TOKEN_TTL_SECONDS).
    assert client.get("/v1/users/me", headers=bearer(phone["access_token"])).status_code == 200
    assert_problem(refresh(client, phone["refresh_token"]), 401, "invalid-token")
    # The other session goes on writing and refreshing.
    assert post(client, campus, bearer(laptop["access_token"])).status_code == 201
    assert refresh(client, laptop["refresh_token"]).status_code == 200


def test_a_refreshed_token_of_a_logged_out_session_cannot_write(client, campus):
    first = login_ok(client, campus.alice.email)
    second = refresh(client, first["refresh_token"]).json()
    # Logging out with the older access token and the current refresh token of the session.
    r = logout(client, first, second["refresh_token"])
    assert r.status_code == 204, r.text
    for pair in (first, second):
        assert_problem(post(client, campus, bearer(pair["access_token"])), 401, "session-revoked")


def test_logout_with_another_sessions_or_accounts_refresh_token_revokes_nothing(client, campus):
    mine = login_ok(client, campus.alice.email)
    my_other = login_ok(client, campus.alice.email)
    bobs = login_ok(client, campus.bob.email)

    for stranger in (bobs["refresh_token"], my_other["refresh_token"]):
        assert_problem(logout(client, mine, stranger), 404, "session-not-found")
    # Bob's refresh token alone cannot end Bob's session either.
    assert_problem(logout(client, mine, bobs["refresh_token"]), 404, "session-not-found")

    for pair in (mine, my_other, bobs):
        assert post(client, campus, bearer(pair["access_token"])).status_code == 201
    for pair in (my_other, bobs, mine):
        assert refresh(client, pair["refresh_token"]).status_code == 200


def test_tokens_minted_before_sessions_were_named_still_write(client, campus):
    # campus.alice.headers is a token without `sid`, as every token minted before was.
    claims = jwt.decode(
        campus.alice.headers["Authorization"].split()[1], options={"verify_signature": False}
    )
    assert "sid" not in claims
    assert post(client, campus, campus.alice.headers).status_code == 201


# --- changing the password -----------------------------------------------------------

NEW = "a new password, long enough"


def change(client, pair, current=PASSWORD, new=NEW):
    return client.post(
        "/v1/auth/password",
        json={"current_password": current, "new_password": new},
        headers=bearer(pair["access_token"]),
    )


def test_changing_the_password_logs_out_every_other_session(client, campus):
    mine = login_ok(client, campus.alice.email)
    other = login_ok(client, campus.alice.email)
    bobs = login_ok(client, campus.bob.email)

    r = change(client, mine)
    assert r.status_code == 204, r.text

    assert_problem(login(client, campus.alice.email), 401, "invalid-credentials")
    assert login(client, campus.alice.email, NEW).status_code == 200
    # The caller's session goes on.
    assert post(client, campus, bearer(mine["access_token"])).status_code == 201
    assert refresh(client, mine["refresh_token"]).status_code == 200
    # The other one is over, for writes at once.
    assert_problem(post(client, campus, bearer(other["access_token"])), 401, "session-revoked")
    assert_problem(refresh(client, other["refresh_token"]), 401)
    # Nobody else's.
    assert post(client, campus, bearer(bobs["access_token"])).status_code == 201


def test_a_wrong_current_password_changes_nothing_and_spends_the_budget(
    client, campus, override_settings
):
    override_settings(LIMIT_PASSWORD_CHANGE_PER_USER=2)
    mine = login_ok(client, campus.alice.email)
    other = login_ok(client, campus.alice.email)
    for _ in range(2):
        assert_problem(change(client, mine, current="not my password"), 422, "password-incorrect")
    # Over budget: even the right password waits.
    r = change(client, mine)
    assert_problem(r, 429, "rate-limited")
    assert int(r.headers["retry-after"]) > 0
    assert login(client, campus.alice.email).status_code == 200
    assert post(client, campus, bearer(other["access_token"])).status_code == 201


def test_the_new_password_follows_signups_rules(client, campus):
    mine = login_ok(client, campus.alice.email)
    for bad in ("short", "x" * 129):
        assert_problem(change(client, mine, new=bad), 422, "validation-error")
    assert_problem(
        client.post("/v1/auth/password", json={"current_password": PASSWORD, "new_password": NEW}),
        401,
        "invalid-token",
    )
    assert login(client, campus.alice.email).status_code == 200


def test_a_logged_out_session_cannot_change_the_password(client, campus):
    mine = login_ok(client, campus.alice.email)
    assert logout(client, mine).status_code == 204
    assert_problem(change(client, mine), 401, "session-revoked")
    assert login(client, campus.alice.email).status_code == 200


def test_a_token_without_sid_may_end_its_accounts_sessions_only(client, campus):
    pair = login_ok(client, campus.alice.email)
    bobs = login_ok(client, campus.bob.email)
    legacy = campus.alice.headers  # minted without `sid`
    r = client.post(
        "/v1/auth/logout", json={"refresh_token": bobs["refresh_token"]}, headers=legacy
    )
    assert_problem(r, 404, "session-not-found")
    r = client.post(
        "/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=legacy
    )
    assert r.status_code == 204, r.text
    assert_problem(post(client, campus, bearer(pair["access_token"])), 401, "session-revoked")
    assert post(client, campus, bearer(bobs["access_token"])).status_code == 201


def test_a_password_change_with_a_token_without_sid_ends_every_session(client, campus):
    pair = login_ok(client, campus.alice.email)
    r = client.post(
        "/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW},
        headers=campus.alice.headers,
    )
    assert r.status_code == 204, r.text
    assert_problem(refresh(client, pair["refresh_token"]), 401)
    assert_problem(post(client, campus, bearer(pair["access_token"])), 401, "session-revoked")


def test_the_session_check_reads_the_family_index(db):
    """The writer check's EXISTS finds the family by `ix_refresh_tokens_family_id` on a
    table of many sessions, not by scanning it."""
    from uuid import uuid4

    from sqlalchemy import text

    from api.auth.access import _account

    db.execute(
        text(
            """INSERT INTO schools (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'S');
            INSERT INTO users (id, email, password_hash, nickname, school_id)
            VALUES ('00000000-0000-0000-0000-000000000002', 'p@example.edu', 'x', 'p',
                    '00000000-0000-0000-0000-000000000001');
            INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at,
                                        revoked_at)
            SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000002',
                   gen_random_uuid(), sha256(g::text::bytea), now() + interval '1 day',
                   CASE WHEN g % 2 = 0 THEN now() END
            FROM generate_series(1, 5000) g;
            ANALYZE refresh_tokens"""
        )
    )
    params = {"user_id": "00000000-0000-0000-0000-000000000002", "session_id": str(uuid4())}
    # The statement itself, its bind parameters named (:user_id, :session_id).
    plan = db.execute(text(f"EXPLAIN {_account}"), params).scalars().all()
    text_plan = "\n".join(plan)
    assert "ix_refresh_tokens_family_id" in text_plan, text_plan
    assert "Seq Scan on refresh_tokens" not in text_plan, text_plan


# --- listing and ending sessions -------------------------------------------------------


def sessions(client, pair):
    return client.get("/v1/auth/sessions", headers=bearer(pair["access_token"]))


def sid(pair) -> str:
    return jwt.decode(pair["access_token"], options={"verify_signature": False})["sid"]


def test_the_sessions_list_shows_mine_which_is_current_and_no_token(client, campus):
    phone = login_ok(client, campus.alice.email)
    laptop = login_ok(client, campus.alice.email)
    login_ok(client, campus.bob.email)
    r = sessions(client, phone)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["id"] for i in items] == [sid(laptop), sid(phone)]  # most recently used first
    assert [i["current"] for i in items] == [False, True]
    assert all(set(i) == {"id", "created_at", "last_used_at", "current"} for i in items)
    for token in (phone["refresh_token"], phone["access_token"], laptop["refresh_token"]):
        assert token not in r.text

    # Refreshing uses the session: it moves to the top, still one session.
    phone = refresh(client, phone["refresh_token"]).json()
    items = sessions(client, phone).json()["items"]
    assert [i["id"] for i in items] == [sid(phone), sid(laptop)]
    assert items[0]["last_used_at"] > items[0]["created_at"]
    # Ended sessions are not listed.
    assert logout(client, laptop).status_code == 204
    assert [i["id"] for i in sessions(client, phone).json()["items"]] == [sid(phone)]


def test_logging_out_everywhere_else_keeps_only_the_callers_session(client, campus):
    mine = login_ok(client, campus.alice.email)
    others = [login_ok(client, campus.alice.email) for _ in range(2)]
    bobs = login_ok(client, campus.bob.email)
    r = client.delete("/v1/auth/sessions", headers=bearer(mine["access_token"]))
    assert r.status_code == 204, r.text
    for pair in others:
        assert_problem(post(client, campus, bearer(pair["access_token"])), 401, "session-revoked")
        assert_problem(refresh(client, pair["refresh_token"]), 401)
    assert post(client, campus, bearer(mine["access_token"])).status_code == 201
    assert [i["id"] for i in sessions(client, mine).json()["items"]] == [sid(mine)]
    assert post(client, campus, bearer(bobs["access_token"])).status_code == 201
    assert refresh(client, bobs["refresh_token"]).status_code == 200


def test_ending_one_session_by_id_mine_only(client, campus):
    from uuid import uuid4

    mine = login_ok(client, campus.alice.email)
    laptop = login_ok(client, campus.alice.email)
    bobs = login_ok(client, campus.bob.email)
    end = lambda session_id: client.delete(  # noqa: E731
        f"/v1/auth/sessions/{session_id}", headers=bearer(mine["access_token"])
    )
    for stranger in (sid(bobs), str(uuid4())):
        assert_problem(end(stranger), 404, "session-not-found")
    assert_problem(end("not-a-uuid"), 422, "validation-error")
    assert post(client, campus, bearer(bobs["access_token"])).status_code == 201

    assert end(sid(laptop)).status_code == 204
    assert end(sid(laptop)).status_code == 204  # ended already: fine
    assert_problem(post(client, campus, bearer(laptop["access_token"])), 401, "session-revoked")
    assert_problem(refresh(client, laptop["refresh_token"]), 401)
    assert post(client, campus, bearer(mine["access_token"])).status_code == 201
    # Ending the caller's own is logging out.
    assert end(sid(mine)).status_code == 204
    assert_problem(post(client, campus, bearer(mine["access_token"])), 401, "session-revoked")
    assert_problem(end(sid(mine)), 401, "session-revoked")


def test_a_token_without_sid_logging_out_everywhere_else_ends_every_session(client, campus):
    pairs = [login_ok(client, campus.alice.email) for _ in range(2)]
    r = client.delete("/v1/auth/sessions", headers=campus.alice.headers)
    assert r.status_code == 204, r.text
    for pair in pairs:
        assert_problem(post(client, campus, bearer(pair["access_token"])), 401, "session-revoked")
    items = client.get("/v1/auth/sessions", headers=campus.alice.headers).json()["items"]
    assert items == []
