"""Friends and follows: requests, acceptance, removal, follows, lists, counts, concurrency.

The rules (README, "Friends and follows"): friendship is symmetric,
a request to yourself is 422, to a friend or a duplicate pending one 409, crossing requests
make friends at once, accepting twice is a no-op; follows are idempotent PUT/DELETE with
exact counts under concurrency; everything works across schools; profiles show the counts.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import func, or_, select

from tests.api.helpers import all_pages, burst

PROBLEM = "application/problem+json"


# --- helpers --------------------------------------------------------------------------


def ask(client, sender, recipient=None, *, nickname: str | None = None) -> httpx.Response:
    """A friend request to `recipient` (a user or a bare id) or to `nickname`."""
    body: dict[str, Any] = {"nickname": nickname} if nickname is not None else {}
    if recipient is not None:
        body["user_id"] = str(getattr(recipient, "id", recipient))
    return client.post("/v1/friends/requests", json=body, headers=sender.headers)


def send(client, sender, recipient) -> dict:
    r = ask(client, sender, recipient)
    assert r.status_code == 201, r.text
    return r.json()


def accept(client, user, request_id: str) -> httpx.Response:
    return client.post(f"/v1/friends/requests/{request_id}/accept", headers=user.headers)


def decline(client, user, request_id: str) -> httpx.Response:
    return client.post(f"/v1/friends/requests/{request_id}/decline", headers=user.headers)


def cancel(client, user, request_id: str) -> httpx.Response:
    return client.delete(f"/v1/friends/requests/{request_id}", headers=user.headers)


def befriend(client, a, b) -> None:
    req = send(client, a, b)
    r = accept(client, b, req["id"])
    assert r.status_code == 200, r.text


def pages(client, user, url: str, limit: int, **params: Any) -> list[list[dict]]:
    """Every page of a list, following `next_cursor` to the end."""
    out, cursor = [], None
    while True:
        query = {**params, "limit": limit} | ({"cursor": cursor} if cursor else {})
        r = client.get(url, params=query, headers=user.headers)
        assert r.status_code == 200, r.text
        out.append(r.json()["items"])
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return out
        assert len(out) < 100, "the cursor never ends"


def requests_of(client, user, direction: str, limit: int = 50) -> list[dict]:
    url = "/v1/friends/requests"
    return [r for p in pages(client, user, url, limit, direction=direction) for r in p]


def request_ids(client, user, direction: str) -> list[str]:
    return [r["id"] for r in requests_of(client, user, direction)]


def friends_of(client, user) -> set[UUID]:
    return {UUID(f["id"]) for f in all_pages(client, user, "/v1/friends", limit=50)}


def followers_of(client, viewer, user) -> set[UUID]:
    items = all_pages(client, viewer, f"/v1/users/{user.id}/followers", limit=50)
    return {UUID(f["id"]) for f in items}


def following_of(client, viewer, user) -> set[UUID]:
    items = all_pages(client, viewer, f"/v1/users/{user.id}/following", limit=50)
    return {UUID(f["id"]) for f in items}


def counts(client, viewer, user) -> tuple[int, int, int]:
    """(follower_count, following_count, friend_count) on the user's public profile."""
    r = client.get(f"/v1/users/{user.id}", headers=viewer.headers)
    assert r.status_code == 200, r.text
    p = r.json()
    return p["follower_count"], p["following_count"], p["friend_count"]


def follow(client, user, target_id) -> httpx.Response:
    return client.put(f"/v1/users/{target_id}/follow", headers=user.headers)


def unfollow(client, user, target_id) -> httpx.Response:
    return client.delete(f"/v1/users/{target_id}/follow", headers=user.headers)


def close_account(client, user) -> None:
    r = client.delete("/v1/users/me", headers=user.headers)
    assert r.status_code == 204, r.text


def assert_problem(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == status
    return body


# --- sending requests -----------------------------------------------------------------


def test_request_by_user_id_shows_up_pending_for_both_sides(client, campus):
    alice, bob = campus.alice, campus.bob
    r = ask(client, alice, bob)
    assert r.status_code == 201, r.text
    req = r.json()
    assert req["status"] == "pending" and req["responded_at"] is None
    assert req["sender"] == {
        "id": str(alice.id),
        "nickname": "alice",
        "school_id": str(alice.school_id),
    }
    assert req["recipient"]["id"] == str(bob.id) and req["recipient"]["nickname"] == "bob"

    assert request_ids(client, bob, "incoming") == [req["id"]]
    assert request_ids(client, alice, "outgoing") == [req["id"]]
    # Pending is not friendship yet, and the other directions are empty.
    assert request_ids(client, alice, "incoming") == []
    assert request_ids(client, bob, "outgoing") == []
    assert friends_of(client, alice) == friends_of(client, bob) == set()
    assert counts(client, alice, bob)[2] == counts(client, bob, alice)[2] == 0


def test_incoming_is_the_default_direction(client, campus):
    req = send(client, campus.alice, campus.bob)
    r = client.get("/v1/friends/requests", headers=campus.bob.headers)
    assert r.status_code == 200
    assert [i["id"] for i in r.json()["items"]] == [req["id"]]


def test_request_by_exact_nickname(client, campus):
    r = ask(client, campus.alice, nickname="bob")
    assert r.status_code == 201, r.text
    assert r.json()["recipient"]["id"] == str(campus.bob.id)
    assert request_ids(client, campus.bob, "incoming") == [r.json()["id"]]


def test_nickname_lookup_ignores_case_and_surrounding_spaces(client, world, campus):
    # The service compares lower(nickname); nicknames are unique regardless of case.
    minji = world.user(campus.school, "MinJi")
    r = ask(client, campus.alice, nickname="mINjI")
    assert r.status_code == 201, r.text
    assert r.json()["recipient"] == {
        "id": str(minji.id),
        "nickname": "MinJi",
        "school_id": str(campus.school),
    }
    # Input is trimmed: " BOB " names bob.
    r = ask(client, campus.carol, nickname=" BOB ")
    assert r.status_code == 201, r.text
    assert r.json()["recipient"]["id"] == str(campus.bob.id)


def test_korean_nickname_lookup(client, world, campus):
    chulsoo = world.user(campus.school, "김철수")
    r = ask(client, campus.alice, nickname="김철수")
    assert r.status_code == 201, r.text
    assert r.json()["recipient"]["id"] == str(chulsoo.id)


def test_nickname_must_match_exactly_not_by_prefix_or_substring(client, campus):
    for nickname in ("bo", "bobby", "ob", "b%", "%"):
        assert_problem(ask(client, campus.alice, nickname=nickname), 404)
    assert request_ids(client, campus.bob, "incoming") == []


def test_request_to_unknown_user_is_404(client, campus):
    assert_problem(ask(client, campus.alice, uuid4()), 404)
    assert request_ids(client, campus.alice, "outgoing") == []


def test_request_to_yourself_is_422_by_id_and_by_nickname(client, campus):
    body = assert_problem(ask(client, campus.alice, campus.alice), 422)
    assert body["type"] == "urn:quad:problem:validation-error"
    assert_problem(ask(client, campus.alice, nickname="ALICE"), 422)
    assert request_ids(client, campus.alice, "outgoing") == []
    assert request_ids(client, campus.alice, "incoming") == []


def test_duplicate_pending_request_is_409_and_names_the_first(client, campus):
    first = send(client, campus.alice, campus.bob)
    body = assert_problem(ask(client, campus.alice, campus.bob), 409)
    assert body["type"] == "urn:quad:problem:conflict"
    assert body["request_id"] == first["id"]
    # The same by nickname.
    assert_problem(ask(client, campus.alice, nickname="bob"), 409)
    assert request_ids(client, campus.bob, "incoming") == [first["id"]]


def test_request_to_an_existing_friend_is_409_either_way(client, campus):
    befriend(client, campus.alice, campus.bob)
    assert_problem(ask(client, campus.alice, campus.bob), 409)
    assert_problem(ask(client, campus.bob, campus.alice), 409)
    assert_problem(ask(client, campus.bob, nickname="alice"), 409)
    assert request_ids(client, campus.alice, "incoming") == []
    assert request_ids(client, campus.bob, "incoming") == []
    assert counts(client, campus.carol, campus.alice)[2] == 1


def test_crossing_request_makes_friends_at_once(client, campus):
    alice, bob = campus.alice, campus.bob
    bobs = send(client, bob, alice)
    r = ask(client, alice, bob)
    assert r.status_code == 201, r.text
    answer = r.json()
    # The answer is bob's request, now accepted.
    assert answer["status"] == "accepted" and answer["responded_at"] is not None
    assert answer["id"] == bobs["id"]
    assert answer["sender"]["id"] == str(bob.id) and answer["recipient"]["id"] == str(alice.id)

    assert friends_of(client, alice) == {bob.id}
    assert friends_of(client, bob) == {alice.id}
    assert counts(client, alice, alice)[2] == counts(client, alice, bob)[2] == 1
    # Nothing is left pending, in either direction.
    for user in (alice, bob):
        assert request_ids(client, user, "incoming") == []
        assert request_ids(client, user, "outgoing") == []
    # And accepting bob's old request now changes nothing.
    again = accept(client, alice, bobs["id"])
    assert again.status_code == 200 and again.json()["status"] == "accepted"
    assert counts(client, alice, bob)[2] == 1


def test_friend_lists_show_who_and_since(client, campus):
    befriend(client, campus.alice, campus.bob)
    r = client.get("/v1/friends", headers=campus.alice.headers)
    assert r.status_code == 200
    [friend] = r.json()["items"]
    assert friend["id"] == str(campus.bob.id)
    assert friend["nickname"] == "bob" and friend["school_id"] == str(campus.school)
    assert friend["friends_since"]
    assert r.json()["next_cursor"] is None


# --- answering requests ---------------------------------------------------------------


def test_accept_makes_symmetric_friends_and_twice_is_a_no_op(client, campus):
    alice, bob = campus.alice, campus.bob
    req = send(client, alice, bob)
    first = accept(client, bob, req["id"])
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "accepted" and first.json()["responded_at"]
    assert friends_of(client, alice) == {bob.id} and friends_of(client, bob) == {alice.id}
    carol = campus.carol
    before = (counts(client, carol, alice), counts(client, carol, bob))
    assert before == ((0, 0, 1), (0, 0, 1))

    again = accept(client, bob, req["id"])
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert (counts(client, carol, alice), counts(client, carol, bob)) == before
    assert friends_of(client, alice) == {bob.id}
    assert len(all_pages(client, bob, "/v1/friends")) == 1
    assert request_ids(client, bob, "incoming") == []
    assert request_ids(client, alice, "outgoing") == []


def test_decline_removes_the_request_and_then_accept_is_409(client, campus):
    alice, bob = campus.alice, campus.bob
    req = send(client, alice, bob)
    r = decline(client, bob, req["id"])
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "declined" and r.json()["responded_at"]
    assert request_ids(client, bob, "incoming") == []
    assert request_ids(client, alice, "outgoing") == []

    # Declining again is the same answer; accepting now is a conflict.
    assert decline(client, bob, req["id"]).json()["status"] == "declined"
    assert_problem(accept(client, bob, req["id"]), 409)
    assert friends_of(client, alice) == friends_of(client, bob) == set()
    assert counts(client, alice, bob)[2] == counts(client, bob, alice)[2] == 0

    # A declined request does not block a new one.
    again = send(client, alice, bob)
    assert again["status"] == "pending" and again["id"] != req["id"]


def test_accept_then_decline_is_409_and_friends_stay(client, campus):
    req = send(client, campus.alice, campus.bob)
    assert accept(client, campus.bob, req["id"]).status_code == 200
    assert_problem(decline(client, campus.bob, req["id"]), 409)
    assert friends_of(client, campus.bob) == {campus.alice.id}


@pytest.mark.parametrize("answer", [accept, decline])
def test_only_the_recipient_can_answer(client, campus, answer):
    req = send(client, campus.alice, campus.bob)
    for stranger in (campus.alice, campus.carol, campus.outsider):
        body = assert_problem(answer(client, stranger, req["id"]), 404)
        assert body["type"] == "urn:quad:problem:not-found"
    # Still pending for bob, no one is friends.
    assert request_ids(client, campus.bob, "incoming") == [req["id"]]
    assert friends_of(client, campus.alice) == set()
    assert counts(client, campus.carol, campus.alice)[2] == 0


@pytest.mark.parametrize("answer", [accept, decline, cancel])
def test_unknown_request_is_404(client, campus, answer):
    assert_problem(answer(client, campus.alice, str(uuid4())), 404)


# --- cancelling -----------------------------------------------------------------------


def test_sender_cancels_and_the_recipient_no_longer_sees_it(client, campus):
    alice, bob = campus.alice, campus.bob
    req = send(client, alice, bob)
    r = cancel(client, alice, req["id"])
    assert r.status_code == 204 and r.content == b""
    assert request_ids(client, bob, "incoming") == []
    assert request_ids(client, alice, "outgoing") == []
    # Cancelling twice is fine; the recipient can no longer accept.
    assert cancel(client, alice, req["id"]).status_code == 204
    assert_problem(accept(client, bob, req["id"]), 409)
    assert friends_of(client, bob) == set()
    # And the sender may ask again.
    assert send(client, alice, bob)["status"] == "pending"


def test_only_the_sender_can_cancel(client, campus):
    req = send(client, campus.alice, campus.bob)
    for other in (campus.bob, campus.carol):
        assert_problem(cancel(client, other, req["id"]), 404)
    assert request_ids(client, campus.bob, "incoming") == [req["id"]]


def test_cancelling_an_accepted_request_is_409_and_keeps_the_friendship(client, campus):
    req = send(client, campus.alice, campus.bob)
    accept(client, campus.bob, req["id"])
    assert_problem(cancel(client, campus.alice, req["id"]), 409)
    assert friends_of(client, campus.alice) == {campus.bob.id}


# --- removing friends -----------------------------------------------------------------


def test_remove_friend_from_either_side(client, campus):
    alice, bob, carol = campus.alice, campus.bob, campus.carol
    befriend(client, alice, bob)
    befriend(client, carol, alice)
    assert counts(client, bob, alice)[2] == 2

    r = client.delete(f"/v1/friends/{alice.id}", headers=bob.headers)
    assert r.status_code == 204 and r.content == b""
    assert friends_of(client, alice) == {carol.id}
    assert friends_of(client, bob) == set()
    assert counts(client, carol, alice)[2] == 1
    assert counts(client, carol, bob)[2] == 0

    # Removing again, from either side, is 404: they are not friends.
    assert_problem(client.delete(f"/v1/friends/{alice.id}", headers=bob.headers), 404)
    assert_problem(client.delete(f"/v1/friends/{bob.id}", headers=alice.headers), 404)
    assert counts(client, carol, alice)[2] == 1 and counts(client, carol, bob)[2] == 0

    # They can become friends again.
    befriend(client, alice, bob)
    assert friends_of(client, bob) == {alice.id}
    assert counts(client, carol, bob)[2] == 1


def test_removing_someone_who_is_not_a_friend_is_404(client, campus):
    assert_problem(client.delete(f"/v1/friends/{campus.bob.id}", headers=campus.alice.headers), 404)
    assert_problem(client.delete(f"/v1/friends/{uuid4()}", headers=campus.alice.headers), 404)
    # A pending request is not a friendship either.
    send(client, campus.alice, campus.bob)
    assert_problem(client.delete(f"/v1/friends/{campus.bob.id}", headers=campus.alice.headers), 404)
    assert counts(client, campus.alice, campus.alice)[2] == 0


def test_friends_across_schools(client, campus):
    alice, outsider = campus.alice, campus.outsider
    req = send(client, outsider, alice)
    assert req["sender"]["school_id"] == str(campus.other_school)
    assert request_ids(client, alice, "incoming") == [req["id"]]
    assert accept(client, alice, req["id"]).status_code == 200
    assert friends_of(client, alice) == {outsider.id}
    assert friends_of(client, outsider) == {alice.id}
    [friend] = all_pages(client, alice, "/v1/friends")
    assert friend["school_id"] == str(campus.other_school)
    assert counts(client, alice, outsider)[2] == 1
    assert client.delete(f"/v1/friends/{alice.id}", headers=outsider.headers).status_code == 204
    assert friends_of(client, alice) == set()


def test_request_lists_paginate_newest_first_without_duplicates(client, world, campus):
    senders = world.users(campus.school, 12)
    sent = [send(client, s, campus.alice)["id"] for s in senders]
    got = pages(client, campus.alice, "/v1/friends/requests", 5, direction="incoming")
    assert [len(p) for p in got] == [5, 5, 2]
    assert [r["id"] for p in got for r in p] == list(reversed(sent))

    outgoing = [send(client, campus.bob, u)["id"] for u in senders[:7]]
    got = pages(client, campus.bob, "/v1/friends/requests", 3, direction="outgoing")
    assert [len(p) for p in got] == [3, 3, 1]
    assert [r["id"] for p in got for r in p] == list(reversed(outgoing))


def test_friend_list_paginates_without_duplicates(client, world, campus):
    others = world.users(campus.school, 13)
    for other in others:
        befriend(client, other, campus.alice)
    items = all_pages(client, campus.alice, "/v1/friends", limit=5)
    ids = [UUID(i["id"]) for i in items]
    assert len(ids) == len(set(ids)) == 13
    assert set(ids) == {o.id for o in others}
    # Newest friendship first.
    assert ids == [o.id for o in reversed(others)]
    assert counts(client, campus.bob, campus.alice)[2] == 13


# --- follows --------------------------------------------------------------------------


def test_follow_and_unfollow_are_idempotent(client, campus):
    alice, bob = campus.alice, campus.bob
    first = follow(client, alice, bob.id)
    again = follow(client, alice, bob.id)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == {"following": True, "follower_count": 1}
    carol = campus.carol
    assert counts(client, carol, bob) == (1, 0, 0)
    assert counts(client, carol, alice) == (0, 1, 0)
    assert followers_of(client, carol, bob) == {alice.id}
    assert following_of(client, carol, alice) == {bob.id}

    first = unfollow(client, alice, bob.id)
    again = unfollow(client, alice, bob.id)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == {"following": False, "follower_count": 0}
    assert counts(client, carol, bob) == (0, 0, 0)
    assert counts(client, carol, alice) == (0, 0, 0)
    assert followers_of(client, carol, bob) == set()
    assert following_of(client, carol, alice) == set()


def test_unfollowing_someone_never_followed_is_a_success(client, campus):
    follow(client, campus.carol, campus.bob.id)
    r = unfollow(client, campus.alice, campus.bob.id)
    assert r.status_code == 200
    assert r.json() == {"following": False, "follower_count": 1}
    assert counts(client, campus.alice, campus.bob)[0] == 1


def test_follow_is_one_way_and_not_friendship(client, campus):
    alice, bob = campus.alice, campus.bob
    follow(client, alice, bob.id)
    assert followers_of(client, alice, alice) == set()
    assert following_of(client, alice, bob) == set()
    assert friends_of(client, alice) == friends_of(client, bob) == set()
    # Following back makes two follows, still no friendship.
    assert follow(client, bob, alice.id).json() == {"following": True, "follower_count": 1}
    assert counts(client, alice, alice) == (1, 1, 0) and counts(client, alice, bob) == (1, 1, 0)


def test_follower_count_in_answer_counts_everyone(client, campus):
    assert follow(client, campus.alice, campus.carol.id).json()["follower_count"] == 1
    assert follow(client, campus.bob, campus.carol.id).json()["follower_count"] == 2
    assert follow(client, campus.outsider, campus.carol.id).json()["follower_count"] == 3
    assert unfollow(client, campus.alice, campus.carol.id).json()["follower_count"] == 2
    assert counts(client, campus.alice, campus.carol) == (2, 0, 0)


def test_cannot_follow_yourself(client, campus):
    for method in (follow, unfollow):
        body = assert_problem(method(client, campus.alice, campus.alice.id), 422)
        assert body["type"] == "urn:quad:problem:validation-error"
    assert counts(client, campus.alice, campus.alice) == (0, 0, 0)


def test_follow_unknown_or_deleted_user_is_404(client, campus):
    assert_problem(follow(client, campus.alice, uuid4()), 404)
    assert_problem(unfollow(client, campus.alice, uuid4()), 404)
    close_account(client, campus.bob)
    assert_problem(follow(client, campus.alice, campus.bob.id), 404)
    assert counts(client, campus.alice, campus.alice) == (0, 0, 0)
    for path in ("followers", "following"):
        r = client.get(f"/v1/users/{uuid4()}/{path}", headers=campus.alice.headers)
        assert_problem(r, 404)
        r = client.get(f"/v1/users/{campus.bob.id}/{path}", headers=campus.alice.headers)
        assert_problem(r, 404)


def test_follows_across_schools(client, campus):
    r = follow(client, campus.outsider, campus.alice.id)
    assert r.status_code == 200 and r.json() == {"following": True, "follower_count": 1}
    assert follow(client, campus.alice, campus.outsider.id).status_code == 200
    [f] = all_pages(client, campus.alice, f"/v1/users/{campus.alice.id}/followers")
    assert (f["id"], f["nickname"], f["school_id"]) == (
        str(campus.outsider.id),
        "outsider",
        str(campus.other_school),
    )
    assert f["since"]
    assert following_of(client, campus.outsider, campus.alice) == {campus.outsider.id}
    assert counts(client, campus.alice, campus.outsider) == (1, 1, 0)


def test_follower_and_following_lists_paginate_without_duplicates(client, world, campus):
    fans = world.users(campus.school, 25)
    for fan in fans:
        assert follow(client, fan, campus.alice.id).status_code == 200
        assert follow(client, campus.bob, fan.id).status_code == 200

    for path, expected in (
        (f"/v1/users/{campus.alice.id}/followers", fans),
        (f"/v1/users/{campus.bob.id}/following", fans),
    ):
        got = pages(client, campus.carol, path, 10)
        assert [len(p) for p in got] == [10, 10, 5]
        ids = [UUID(i["id"]) for p in got for i in p]
        assert len(set(ids)) == 25
        # Most recent first.
        assert ids == [f.id for f in reversed(expected)]

    assert counts(client, campus.carol, campus.alice) == (25, 0, 0)
    assert counts(client, campus.carol, campus.bob) == (0, 25, 0)


def test_list_limits_and_cursors_are_validated(client, campus):
    h = campus.alice.headers
    for path in (
        "/v1/friends",
        "/v1/friends/requests",
        f"/v1/users/{campus.alice.id}/followers",
        f"/v1/users/{campus.alice.id}/following",
    ):
        for params in ({"limit": 0}, {"limit": 51}, {"cursor": "not-a-cursor"}):
            assert_problem(client.get(path, params=params, headers=h), 422)
    r = client.get("/v1/friends/requests", params={"direction": "sideways"}, headers=h)
    assert_problem(r, 422)


# --- profile counts -------------------------------------------------------------------


def test_profile_shows_the_three_counts(client, campus):
    alice, bob, carol, outsider = campus.alice, campus.bob, campus.carol, campus.outsider
    befriend(client, alice, bob)
    befriend(client, outsider, alice)
    follow(client, bob, alice.id)
    follow(client, carol, alice.id)
    follow(client, alice, carol.id)
    r = client.get(f"/v1/users/{alice.id}", headers=outsider.headers)
    assert r.status_code == 200
    profile = r.json()
    assert profile["nickname"] == "alice"
    assert (profile["follower_count"], profile["following_count"], profile["friend_count"]) == (
        2,
        1,
        2,
    )
    assert counts(client, alice, bob) == (0, 1, 1)
    assert counts(client, alice, carol) == (1, 1, 0)
    assert counts(client, alice, outsider) == (0, 0, 1)


# --- closed accounts ------------------------------------------------------------------


def test_closed_accounts_vanish_from_friend_and_follow_lists(client, world, campus):
    alice, bob, carol = campus.alice, campus.bob, campus.carol
    dave = world.user(campus.school, "dave")
    befriend(client, alice, bob)
    befriend(client, carol, alice)
    follow(client, bob, alice.id)
    follow(client, alice, bob.id)
    follow(client, carol, alice.id)
    send(client, dave, alice)
    send(client, carol, dave)
    close_account(client, bob)
    close_account(client, dave)

    assert friends_of(client, alice) == {carol.id}
    assert followers_of(client, alice, alice) == {carol.id}
    assert following_of(client, alice, alice) == set()
    assert request_ids(client, alice, "incoming") == []
    assert request_ids(client, carol, "outgoing") == []
    # Nobody can ask, follow or look up the closed account any more.
    assert_problem(ask(client, alice, bob), 404)
    assert_problem(ask(client, carol, nickname="bob"), 404)
    assert_problem(client.get(f"/v1/users/{bob.id}", headers=alice.headers), 404)


def test_closed_account_tokens_cannot_change_the_graph(client, campus):
    close_account(client, campus.bob)
    bob = campus.bob
    assert_problem(ask(client, bob, campus.alice), 401)
    assert_problem(follow(client, bob, campus.alice.id), 401)
    assert counts(client, campus.alice, campus.alice) == (0, 0, 0)
    assert request_ids(client, campus.alice, "incoming") == []


def test_closed_account_leaves_the_counts(client, campus):
    """Profiles must agree with the lists: a closed account is no longer counted as a
    friend, follower or followee of anyone."""
    alice, bob, carol = campus.alice, campus.bob, campus.carol
    befriend(client, alice, bob)
    follow(client, bob, alice.id)
    follow(client, alice, bob.id)
    follow(client, carol, alice.id)
    assert counts(client, carol, alice) == (2, 1, 1)
    close_account(client, bob)
    assert counts(client, carol, alice) == (
        len(followers_of(client, carol, alice)),
        len(following_of(client, carol, alice)),
        len(friends_of(client, alice)),
    )
    assert counts(client, carol, alice) == (1, 0, 0)


def test_answering_again_after_the_sender_closed_their_account_is_404_not_500(client, campus):
    req = send(client, campus.bob, campus.alice)
    assert accept(client, campus.alice, req["id"]).status_code == 200
    close_account(client, campus.bob)
    assert_problem(accept(client, campus.alice, req["id"]), 404)
    assert_problem(decline(client, campus.alice, req["id"]), 404)


def test_accepting_a_pending_request_from_a_closed_account_is_404(client, campus):
    req = send(client, campus.bob, campus.alice)
    close_account(client, campus.bob)
    assert request_ids(client, campus.alice, "incoming") == []
    assert_problem(accept(client, campus.alice, req["id"]), 404)
    assert friends_of(client, campus.alice) == set()
    assert counts(client, campus.alice, campus.alice) == (0, 0, 0)


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"user_id": None, "nickname": None},
        {"nickname": ""},
        {"nickname": "   "},
        {"nickname": "x" * 31},
        {"user_id": "not-a-uuid"},
        {"user_id": 42},
        {"user_id": "00000000-0000-0000-0000-00000000000"},
        {"nickname": "bob", "extra": True},
    ],
)
def test_bad_request_bodies_are_422(client, campus, body):
    r = client.post("/v1/friends/requests", json=body, headers=campus.alice.headers)
    problem = assert_problem(r, 422)
    assert problem["type"] == "urn:quad:problem:validation-error"
    assert request_ids(client, campus.bob, "incoming") == []


def test_both_user_id_and_nickname_is_422(client, campus):
    body = {"user_id": str(campus.bob.id), "nickname": "bob"}
    r = client.post("/v1/friends/requests", json=body, headers=campus.alice.headers)
    assert_problem(r, 422)
    assert request_ids(client, campus.bob, "incoming") == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/friends/requests/{bad}/accept"),
        ("POST", "/v1/friends/requests/{bad}/decline"),
        ("DELETE", "/v1/friends/requests/{bad}"),
        ("DELETE", "/v1/friends/{bad}"),
        ("PUT", "/v1/users/{bad}/follow"),
        ("DELETE", "/v1/users/{bad}/follow"),
        ("GET", "/v1/users/{bad}/followers"),
        ("GET", "/v1/users/{bad}/following"),
        ("GET", "/v1/users/{bad}"),
    ],
)
@pytest.mark.parametrize("bad", ["not-a-uuid", "1234", "00000000-0000-0000-0000-0000000000zz"])
def test_malformed_uuids_in_paths_are_422(client, campus, method, path, bad):
    r = client.request(method, path.format(bad=bad), headers=campus.alice.headers)
    assert_problem(r, 422)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/friends/requests"),
        ("GET", "/v1/friends/requests"),
        ("GET", "/v1/friends"),
        ("PUT", "/v1/users/{uid}/follow"),
        ("GET", "/v1/users/{uid}/followers"),
    ],
)
def test_social_endpoints_need_a_token(client, campus, method, path):
    kwargs: dict[str, Any] = {"json": {"user_id": str(campus.bob.id)}} if method == "POST" else {}
    r = client.request(method, path.format(uid=campus.bob.id), **kwargs)
    assert_problem(r, 401)
    assert counts(client, campus.alice, campus.bob) == (0, 0, 0)


# --- concurrency, against a real two-worker server -------------------------------------


def _statuses(responses: list[httpx.Response]) -> Counter:
    return Counter(r.status_code for r in responses)


def _scalar(stmt) -> Any:
    from infra.database import session_scope

    with session_scope() as session:
        return session.scalar(stmt)


@pytest.mark.live
def test_fifty_identical_follows_count_once(live_server, campus):
    alice, bob = campus.alice, campus.bob
    responses = burst(live_server, [("PUT", f"/v1/users/{bob.id}/follow", alice, None)] * 50)
    assert _statuses(responses) == {200: 50}, [r.text for r in responses if r.status_code != 200]
    bodies = [r.json() for r in responses]
    assert all(b == {"following": True, "follower_count": 1} for b in bodies), Counter(
        map(str, bodies)
    )
    with httpx.Client(base_url=live_server) as c:
        assert counts(c, campus.carol, bob) == (1, 0, 0)
        assert counts(c, campus.carol, alice) == (0, 1, 0)
        assert followers_of(c, campus.carol, bob) == {alice.id}

    from api.social.models import Follow

    assert _scalar(select(func.count()).where(Follow.followee_id == bob.id)) == 1


@pytest.mark.live
def test_thirty_users_following_at_once_count_thirty(live_server, world, campus):
    fans = world.users(campus.school, 30)
    target = campus.alice
    path = f"/v1/users/{target.id}/follow"
    responses = burst(live_server, [("PUT", path, u, None) for u in fans])
    assert _statuses(responses) == {200: 30}, [r.text for r in responses if r.status_code != 200]
    # Each follow answered with the count it made: every value from 1 to 30 once.
    assert sorted(r.json()["follower_count"] for r in responses) == list(range(1, 31))

    from api.social.models import Follow

    rows = _scalar(select(func.count()).where(Follow.followee_id == target.id))
    assert rows == 30
    with httpx.Client(base_url=live_server) as c:
        assert counts(c, campus.bob, target)[0] == 30
        assert followers_of(c, campus.bob, target) == {u.id for u in fans}
        assert {counts(c, campus.bob, u)[1] for u in fans} == {1}

    # And all of them unfollowing at once (twice each) brings it back to zero.
    responses = burst(live_server, [("DELETE", path, u, None) for u in fans] * 2)
    assert _statuses(responses) == {200: 60}
    with httpx.Client(base_url=live_server) as c:
        assert counts(c, campus.bob, target)[0] == 0
        assert {counts(c, campus.bob, u)[1] for u in fans} == {0}


@pytest.mark.live
def test_users_following_each_other_at_the_same_moment(live_server, world, campus):
    """Pairs that follow each other at once: every follow succeeds and counts are exact."""
    users = world.users(campus.school, 30)
    pairs = list(zip(users[::2], users[1::2], strict=True))
    requests = []
    for a, b in pairs:
        requests += [("PUT", f"/v1/users/{b.id}/follow", a, None)] * 2
        requests += [("PUT", f"/v1/users/{a.id}/follow", b, None)] * 2
    responses = burst(live_server, requests)
    assert _statuses(responses) == {200: len(requests)}, [
        r.text for r in responses if r.status_code != 200
    ][:3]
    with httpx.Client(base_url=live_server) as c:
        for u in users:
            assert counts(c, campus.alice, u) == (1, 1, 0)


@pytest.mark.live
def test_crossing_friend_requests_at_the_same_moment_make_one_friendship(
    live_server, world, campus
):
    from api.social.models import FriendRequest, Friendship

    users = world.users(campus.school, 20)
    pairs = list(zip(users[::2], users[1::2], strict=True))
    requests = []
    for a, b in pairs:
        requests.append(("POST", "/v1/friends/requests", a, {"user_id": str(b.id)}))
        requests.append(("POST", "/v1/friends/requests", b, {"user_id": str(a.id)}))
    responses = burst(live_server, requests)
    assert _statuses(responses) == {201: len(requests)}, [
        r.text for r in responses if r.status_code != 201
    ][:3]
    for i in range(len(pairs)):
        # One request was made, the crossing one accepted it.
        statuses = sorted(r.json()["status"] for r in responses[2 * i : 2 * i + 2])
        assert statuses == ["accepted", "pending"]
        assert responses[2 * i].json()["id"] == responses[2 * i + 1].json()["id"]

    ids = [u.id for u in users]
    rows = _scalar(select(func.count()).where(Friendship.user_id.in_(ids)))
    assert rows == len(users)
    pending = _scalar(
        select(func.count()).where(
            FriendRequest.status == "pending",
            or_(FriendRequest.sender_id.in_(ids), FriendRequest.recipient_id.in_(ids)),
        )
    )
    assert pending == 0
    with httpx.Client(base_url=live_server) as c:
        for a, b in pairs:
            assert friends_of(c, a) == {b.id} and friends_of(c, b) == {a.id}
            assert counts(c, campus.alice, a)[2] == counts(c, campus.alice, b)[2] == 1
            for u in (a, b):
                assert request_ids(c, u, "incoming") == request_ids(c, u, "outgoing") == []


@pytest.mark.live
def test_a_storm_of_requests_both_ways_makes_exactly_one_friendship(live_server, campus):
    from api.social.models import FriendRequest, Friendship

    alice, bob = campus.alice, campus.bob
    requests = [("POST", "/v1/friends/requests", alice, {"user_id": str(bob.id)})] * 10
    requests += [("POST", "/v1/friends/requests", bob, {"user_id": str(alice.id)})] * 10
    responses = burst(live_server, requests)
    # Decided one after another: one request made, one crossing request accepted it, and
    # every other one is a conflict (duplicate pending, or already friends).
    assert _statuses(responses) == {201: 2, 409: 18}, _statuses(responses)
    made = sorted(r.json()["status"] for r in responses if r.status_code == 201)
    assert made == ["accepted", "pending"]

    assert _scalar(select(func.count()).select_from(Friendship)) == 2
    assert _scalar(select(func.count()).where(FriendRequest.status == "pending")) == 0
    assert _scalar(select(func.count()).select_from(FriendRequest)) == 1
    with httpx.Client(base_url=live_server) as c:
        assert friends_of(c, alice) == {bob.id} and friends_of(c, bob) == {alice.id}
        assert counts(c, campus.carol, alice)[2] == counts(c, campus.carol, bob)[2] == 1


@pytest.mark.live
def test_concurrent_accepts_befriend_once(live_server, campus):
    alice, bob = campus.alice, campus.bob
    with httpx.Client(base_url=live_server) as c:
        req = send(c, alice, bob)
    path = f"/v1/friends/requests/{req['id']}/accept"
    responses = burst(live_server, [("POST", path, bob, None)] * 20)
    assert _statuses(responses) == {200: 20}
    assert {r.json()["status"] for r in responses} == {"accepted"}
    with httpx.Client(base_url=live_server) as c:
        assert friends_of(c, alice) == {bob.id}
        assert counts(c, campus.carol, alice)[2] == counts(c, campus.carol, bob)[2] == 1
