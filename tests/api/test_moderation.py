"""Moderation by people, tried from every side: who may act where (a school's moderators,
the platform's administrators, a board's owner, a plain member, a moderator of another
school), what each decision does and logs, the log that refuses to change, roles that
stop at once, the queue.

A plain member of the school who tries to moderate gets 403 `moderator-only`; anyone
outside the school (a moderator of another school too) 404, as for anything in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from api.moderation.models import RoleChange
from api.outbox.models import OutboxEvent
from api.reports.models import ModerationAction
from api.users.models import RoleName, User
from tests.api.helpers import create_comment, create_post
from tests.conftest import ApiUser

PROBLEM = "urn:quad:problem:"


def problem(r, status: int, slug: str) -> dict:
    assert r.status_code == status, r.text
    assert r.json()["type"] == PROBLEM + slug, r.text
    return r.json()


def grant(user: ApiUser, role: RoleName = RoleName.moderator, school=None) -> None:
    from api.moderation import service
    from infra.database import session_scope

    with session_scope() as s:
        scope = None if role is RoleName.admin else (school or user.school_id)
        service.grant(s, None, user.id, role, scope)


@dataclass
class Staff:
    moderator: ApiUser  # of campus.school
    admin: ApiUser  # of the platform (a member of campus.school)
    foreign: ApiUser  # moderator of the other school
    owner: ApiUser  # owns `board`
    board: str


@pytest.fixture
def staff(client, campus, world) -> Staff:
    moderator, admin = world.user(campus.school, "dave"), world.user(campus.school, "erin")
    foreign = world.user(campus.other_school, "frank")
    owner = world.user(campus.school, "gina")
    grant(moderator)
    grant(admin, RoleName.admin)
    grant(foreign)
    r = client.post(
        f"/v1/schools/{campus.school}/boards", json={"name": "gina's"}, headers=owner.headers
    )
    assert r.status_code == 201, r.text
    return Staff(moderator, admin, foreign, owner, r.json()["id"])


def act(client, user, target_id, action, target_type="post", reason="rule 3", **extra):
    body = {
        "target_type": target_type,
        "target_id": str(target_id),
        "action": action,
        "reason": reason,
        **extra,
    }
    return client.post("/v1/moderation/actions", json=body, headers=user.headers)


def report(client, users, path: str, reason="spam", note=None) -> None:
    for user in users:
        body = {"reason": reason} | ({"note": note} if note else {})
        r = client.put(f"{path}/report", json=body, headers=user.headers)
        assert r.status_code == 200, r.text


# --- who may ---------------------------------------------------------------------------


def test_a_moderator_of_another_school_finds_nothing_and_a_member_is_refused(client, campus, staff):
    post = create_post(client, campus.alice, campus.board)
    school = campus.school
    reads = [
        f"/v1/moderation/log?school_id={school}",
        f"/v1/moderation/reports?school_id={school}",
        f"/v1/moderation/schools/{school}/moderators",
    ]
    for url in reads:
        problem(client.get(url, headers=staff.foreign.headers), 404, "not-found")
        problem(client.get(url, headers=campus.bob.headers), 403, "moderator-only")
    for action in ("hide", "remove", "suspend_author", "lock"):
        problem(act(client, staff.foreign, post["id"], action), 404, "not-found")
        problem(act(client, campus.bob, post["id"], action), 403, "moderator-only")
    grant_url = f"/v1/moderation/schools/{school}/moderators/{campus.bob.id}"
    problem(client.put(grant_url, headers=staff.foreign.headers), 404, "not-found")
    problem(client.put(grant_url, headers=staff.moderator.headers), 403, "administrator-only")
    problem(client.get("/v1/moderation/audit", headers=staff.moderator.headers), 403,
            "administrator-only")  # fmt: skip
    # The school's moderator and the platform's admin may.
    for user in (staff.moderator, staff.admin):
        for url in reads:
            assert client.get(url, headers=user.headers).status_code == 200, url
    assert not client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).json()["hidden"]


def test_roles_granted_and_revoked_take_effect_at_once(client, campus, staff, db):
    url = f"/v1/moderation/schools/{campus.school}/moderators/{campus.bob.id}"
    log = f"/v1/moderation/log?school_id={campus.school}"
    problem(client.get(log, headers=campus.bob.headers), 403, "moderator-only")
    for _ in range(2):  # granting twice is a no-op
        assert client.put(url, headers=staff.admin.headers).status_code == 204
    assert client.get(log, headers=campus.bob.headers).status_code == 200  # the same token
    listed = client.get(
        f"/v1/moderation/schools/{campus.school}/moderators", headers=campus.bob.headers
    ).json()
    assert {m["nickname"] for m in listed} == {"dave", "bob"}
    assert client.delete(url, headers=staff.admin.headers).status_code == 204
    problem(client.get(log, headers=campus.bob.headers), 403, "moderator-only")
    post = create_post(client, campus.alice, campus.board)
    problem(act(client, campus.bob, post["id"], "hide"), 403, "moderator-only")
    # Only a member of the school becomes its moderator.
    outsider = f"/v1/moderation/schools/{campus.school}/moderators/{campus.outsider.id}"
    problem(client.put(outsider, headers=staff.admin.headers), 422, "not-a-member")
    changes = db.execute(
        select(RoleChange.change, RoleChange.changed_by)
        .where(RoleChange.user_id == campus.bob.id)
        .order_by(RoleChange.created_at)
    ).all()
    assert changes == [("granted", staff.admin.id), ("revoked", staff.admin.id)]


def test_a_board_owner_hides_restores_and_locks_on_their_board_but_never_suspends(
    client, campus, staff
):
    post = create_post(client, campus.alice, staff.board)
    elsewhere = create_post(client, campus.alice, campus.board)
    r = act(client, staff.owner, post["id"], "hide")
    assert r.status_code == 200 and r.json()["changed"], r.text
    assert r.json()["entry"]["actor_kind"] == "board_owner"
    assert r.json()["author_history"] is None
    again = act(client, staff.owner, post["id"], "hide")
    assert again.status_code == 200 and again.json() == {
        "changed": False,
        "entry": None,
        "author_history": None,
    }
    problem(client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers), 404, "not-found")
    assert act(client, staff.owner, post["id"], "restore").json()["changed"]
    assert act(client, staff.owner, post["id"], "lock").json()["changed"]
    for action in ("suspend_author", "remove"):
        problem(act(client, staff.owner, post["id"], action), 403, "board-owner-cannot")
    problem(act(client, staff.owner, elsewhere["id"], "hide"), 403, "moderator-only")


def test_school_moderators_write_on_read_only_boards_and_manage_boards(
    client, campus, world, staff
):
    notices = world.board(campus.school, "공지", write_rule="moderators")  # no owner
    body = {"title": "notice", "body": "b"}
    url = f"/v1/boards/{notices}/posts"
    problem(client.post(url, json=body, headers=campus.bob.headers), 403, "board-read-only")
    assert client.post(url, json=body, headers=staff.moderator.headers).status_code == 201
    boards = client.get(f"/v1/schools/{campus.school}/boards", headers=staff.moderator.headers)
    assert {b["name"]: b["can_write"] for b in boards.json()}["공지"] is True
    assert (
        client.get(f"/v1/boards/{notices}", headers=campus.bob.headers).json()["can_write"] is False
    )
    r = client.patch(
        f"/v1/boards/{staff.board}", json={"description": "tidy"}, headers=staff.moderator.headers
    )
    assert r.status_code == 200 and r.json()["description"] == "tidy", r.text


def test_every_action_needs_a_reason_and_hours_go_with_suspensions_only(client, campus, staff):
    post = create_post(client, campus.alice, campus.board)
    for bad in ({"reason": ""}, {"reason": "x" * 501}, {"suspend_hours": 3}):
        problem(act(client, staff.moderator, post["id"], "hide", **bad), 422, "validation-error")
    problem(act(client, staff.moderator, post["id"], "lock", target_type="comment"), 404,
            "not-found")  # fmt: skip
    comment = create_comment(client, campus.bob, post["id"])
    r = act(client, staff.moderator, comment["id"], "lock", target_type="comment")
    problem(r, 422, "action-not-for-target")


# --- what the decisions do ---------------------------------------------------------------


def test_restoring_an_automatic_hide_is_not_undone_by_the_same_reports(
    client, campus, world, staff, db
):
    post = create_post(client, campus.alice, campus.board)
    path = f"/v1/posts/{post['id']}"
    report(client, world.users(campus.school, 5, trusted=True), path)
    problem(client.get(path, headers=campus.bob.headers), 404, "not-found")
    r = act(client, staff.moderator, post["id"], "restore", reason="satire, not spam")
    assert r.json()["changed"] and r.json()["entry"]["action"] == "restored"
    assert client.get(path, headers=campus.bob.headers).status_code == 200
    # The threshold runs again over the same reports: they were reviewed.
    from api.reports.models import TargetType
    from api.reports.service import hide_if_reported_enough

    assert not hide_if_reported_enough(db, TargetType.post, post["id"])
    db.commit()
    assert client.get(path, headers=campus.bob.headers).status_code == 200
    # New reports count again, and the post can be hidden a second time.
    report(client, world.users(campus.school, 5, trusted=True), path)
    problem(client.get(path, headers=campus.bob.headers), 404, "not-found")
    logged = db.execute(
        select(ModerationAction.action, ModerationAction.actor_kind)
        .where(ModerationAction.target_id == post["id"])
        .order_by(ModerationAction.created_at)
    ).all()
    assert logged == [("hidden", "system"), ("restored", "moderator"), ("hidden", "system")]


def test_dismissing_closes_the_reports_so_far(client, campus, world, staff, db):
    post = create_post(client, campus.alice, campus.board)
    path = f"/v1/posts/{post['id']}"
    report(client, world.users(campus.school, 4, trusted=True), path)
    assert act(client, staff.moderator, post["id"], "dismiss").json()["changed"]
    assert not act(client, staff.moderator, post["id"], "dismiss").json()["changed"]
    report(client, world.users(campus.school, 1, trusted=True), path)  # the 5th overall
    assert client.get(path, headers=campus.bob.headers).status_code == 200


def test_removing_deletes_for_everyone_and_the_author_can_still_be_suspended(
    client, campus, staff, db
):
    post = create_post(client, campus.alice, campus.board, anonymous=True)
    comment = create_comment(client, campus.bob, post["id"], anonymous=True)
    r = act(client, staff.moderator, comment["id"], "remove", target_type="comment")
    assert r.json()["changed"], r.text
    thread = client.get(f"/v1/posts/{post['id']}/comments", headers=campus.alice.headers)
    assert thread.json()["items"] == []
    assert act(client, staff.moderator, post["id"], "remove").json()["changed"]
    for user in (campus.alice, campus.bob):
        problem(client.get(f"/v1/posts/{post['id']}", headers=user.headers), 404, "not-found")
    problem(act(client, staff.moderator, post["id"], "hide"), 404, "not-found")
    # The author of the removed post, whom the log remembers.
    r = act(client, staff.moderator, post["id"], "suspend_author", suspend_hours=24)
    assert r.json()["changed"] and r.json()["author_history"] == {
        "hides": 0,
        "removals": 1,
        "suspensions": 0,
    }
    problem(create_post_raw(client, campus.alice, campus.board), 403, "account-suspended")
    assert create_post_raw(client, campus.bob, campus.board).status_code == 201


def create_post_raw(client, user, board_id):
    body = {"title": "t", "body": "b"}
    return client.post(f"/v1/boards/{board_id}/posts", json=body, headers=user.headers)


def test_a_locked_post_takes_no_comments_until_unlocked(client, campus, staff):
    post = create_post(client, campus.alice, campus.board)
    assert act(client, staff.moderator, post["id"], "lock").json()["changed"]
    assert not act(client, staff.moderator, post["id"], "lock").json()["changed"]
    r = client.post(
        f"/v1/posts/{post['id']}/comments", json={"body": "x"}, headers=campus.bob.headers
    )
    problem(r, 409, "post-locked")
    shown = client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).json()
    assert shown["comment_count"] == 0 and shown["locked"]
    assert act(client, staff.moderator, post["id"], "unlock").json()["changed"]
    create_comment(client, campus.bob, post["id"])


def test_each_decision_is_an_event_that_never_names_the_author(client, campus, staff, db):
    post = create_post(client, campus.alice, campus.board, anonymous=True)
    for action in ("hide", "restore", "lock"):
        assert act(client, staff.admin, post["id"], action).json()["changed"]
    events = db.scalars(
        select(OutboxEvent).where(OutboxEvent.type == "quad.moderation.decided.v1")
    ).all()
    assert [e.data["action"] for e in events] == ["hidden", "restored", "locked"]
    assert all(str(campus.alice.id) not in str(e.data) for e in events)
    assert {e.data["actor_kind"] for e in events} == {"admin"}


# --- the log -----------------------------------------------------------------------------


def test_the_log_refuses_update_delete_and_truncate(client, campus, staff, engine):
    post = create_post(client, campus.alice, campus.board)
    assert act(client, staff.moderator, post["id"], "hide").json()["changed"]
    for statement in (
        "UPDATE moderation_actions SET reason = 'nothing happened'",
        "DELETE FROM moderation_actions",
        "TRUNCATE moderation_actions CASCADE",
        "DELETE FROM moderation_role_changes",
    ):
        with engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ModerationAction)) == 1


def test_the_log_pages_newest_first_and_the_audit_alone_names_the_author(client, campus, staff):
    post = create_post(client, campus.alice, campus.board)
    for action in ("hide", "restore", "hide", "lock"):
        assert act(client, staff.moderator, post["id"], action).json()["changed"]
    url = f"/v1/moderation/log?school_id={campus.school}&limit=3"
    first = client.get(url, headers=staff.moderator.headers).json()
    rest = client.get(
        url + f"&cursor={first['next_cursor']}", headers=staff.moderator.headers
    ).json()
    entries = first["items"] + rest["items"]
    assert [e["action"] for e in entries] == ["locked", "hidden", "restored", "hidden"]
    assert entries[0]["actor_nickname"] == "dave" and entries[0]["reason"] == "rule 3"
    assert all("subject_id" not in e for e in entries)
    audit = client.get("/v1/moderation/audit", headers=staff.admin.headers).json()["items"]
    assert {e["subject_id"] for e in audit} == {str(campus.alice.id)}
    assert {e["actor_id"] for e in audit} == {str(staff.moderator.id)}


# --- suspensions -------------------------------------------------------------------------


def test_a_suspension_stops_writes_not_reads_and_ends_by_itself(client, campus, staff, db):
    post = create_post(client, campus.alice, campus.board)
    r = act(client, staff.moderator, post["id"], "suspend_author", suspend_hours=48)
    assert r.status_code == 200, r.text
    body = problem(create_post_raw(client, campus.alice, campus.board), 403, "account-suspended")
    until = datetime.fromisoformat(body["suspended_until"])
    assert timedelta(hours=47) < until - datetime.now(UTC) <= timedelta(hours=48)
    assert client.get(f"/v1/posts/{post['id']}", headers=campus.alice.headers).status_code == 200
    login = {"email": campus.alice.email, "password": "correct-horse-battery"}
    assert client.post("/v1/auth/login", json=login).status_code == 200
    # Its end in the past: writing again, with no job run.
    past = datetime.now(UTC) - timedelta(seconds=1)
    db.execute(update(User).where(User.id == campus.alice.id).values(suspended_until=past))
    db.commit()
    assert create_post_raw(client, campus.alice, campus.board).status_code == 201
    # Without end, then lifted early.
    assert act(client, staff.moderator, post["id"], "suspend_author").json()["changed"]
    body = problem(create_post_raw(client, campus.alice, campus.board), 403, "account-suspended")
    assert body["suspended_until"] is None
    r = act(client, staff.admin, post["id"], "unsuspend_author", reason="appeal granted")
    assert r.json()["changed"] and r.json()["author_history"]["suspensions"] == 2
    assert not act(client, staff.admin, post["id"], "unsuspend_author").json()["changed"]
    assert create_post_raw(client, campus.alice, campus.board).status_code == 201


# --- the queue ---------------------------------------------------------------------------


def test_the_queue_shows_each_reported_target_with_its_reports_oldest_first(
    client, campus, world, staff
):
    first = create_post(client, campus.alice, campus.board, title="first", body="first body")
    second = create_post(client, campus.bob, staff.board, title="second", body="second body")
    comment = create_comment(client, campus.alice, second["id"], "a rude comment")
    reporters = world.users(campus.school, 5, trusted=True)
    report(client, reporters, f"/v1/posts/{first['id']}", note="spam link in the body")
    report(client, reporters[:2], f"/v1/posts/{second['id']}", reason="abuse")
    report(client, reporters[2:3], f"/v1/comments/{comment['id']}", reason="hate", note="slur")
    url = f"/v1/moderation/reports?school_id={campus.school}"
    h = staff.moderator.headers
    page = client.get(url + "&limit=2", headers=h).json()
    more = client.get(url + f"&limit=2&cursor={page['next_cursor']}", headers=h).json()
    entries = page["items"] + more["items"]
    assert [e["target_id"] for e in entries] == [first["id"], second["id"], comment["id"]]
    top = entries[0]
    assert top["hidden"] and top["body"] == "first body"  # hidden by the threshold
    assert top["reasons"] == {"spam": 5} and top["report_count"] == 5
    assert top["notes"] == ["spam link in the body"] * 5
    assert entries[2]["title"] == "second" and entries[2]["body"] == "a rude comment"
    assert entries[2]["post_id"] == second["id"] and entries[2]["notes"] == ["slur"]
    assert entries[2]["author_history"] == {"hides": 1, "removals": 0, "suspensions": 0}
    assert act(client, staff.moderator, second["id"], "dismiss").json()["changed"]
    assert act(client, staff.moderator, comment["id"], "remove", target_type="comment").json()[
        "changed"
    ]
    ids = lambda status: [  # noqa: E731
        e["target_id"] for e in client.get(url + f"&status={status}", headers=h).json()["items"]
    ]
    assert ids("open") == [first["id"]]
    assert ids("dismissed") == [second["id"]]
    assert ids("actioned") == [comment["id"]]
    removed = client.get(url + "&status=actioned", headers=h).json()["items"][0]
    assert removed["removed"] and removed["body"] is None
    # A board's owner sees their board's queue, without the authors' history.
    r = client.get(url + f"&status=dismissed&board_id={staff.board}", headers=staff.owner.headers)
    assert [e["target_id"] for e in r.json()["items"]] == [second["id"]], r.text
    assert r.json()["items"][0]["author_history"] is None
    problem(client.get(url, headers=staff.owner.headers), 403, "moderator-only")


# --- the operators' CLI ------------------------------------------------------------------


def test_operators_grant_list_and_revoke_roles_by_email(client, campus, db):
    from tests.api.helpers import quad

    r = quad("moderation", "grant", campus.bob.email, "moderator", "Hanbit University")
    assert r.returncode == 0 and r.stdout.startswith("granted"), r.stderr
    r = quad("moderation", "grant", campus.outsider.email, "moderator", "Hanbit University")
    assert r.returncode == 1 and "not a member" in r.stderr, r.stderr
    listed = quad("moderation", "list", "Hanbit University").stdout.splitlines()
    assert listed == [f"{campus.bob.email}\tmoderator\tHanbit University"]
    log = f"/v1/moderation/log?school_id={campus.school}"
    assert client.get(log, headers=campus.bob.headers).status_code == 200
    r = quad("moderation", "revoke", campus.bob.email, "moderator", str(campus.school))
    assert r.returncode == 0, r.stderr
    problem(client.get(log, headers=campus.bob.headers), 403, "moderator-only")
    assert db.scalars(select(RoleChange.changed_by_kind)).all() == ["operator"] * 2
    # The queue and a decision, as an operator.
    post = create_post(client, campus.alice, campus.board, body="spammy text")
    report(client, [campus.bob], f"/v1/posts/{post['id']}", note="spam")
    r = quad("moderation", "queue", "Hanbit University")
    assert r.stdout.split("\t")[:4] == ["post", post["id"], "spam=1", "shown"], r.stderr
    r = quad("moderation", "act", "post", post["id"], "hide", "spam, by the operators")
    assert r.returncode == 0 and r.stdout.startswith("done"), r.stderr
    entry = db.scalars(select(ModerationAction).where(ModerationAction.target_id == post["id"]))
    assert [(e.action, e.actor_kind, e.actor_id) for e in entry] == [("hidden", "operator", None)]


# --- appeals -----------------------------------------------------------------------------


def test_the_author_appeals_once_and_an_overturned_hide_is_undone(client, campus, staff, db):
    post = create_post(client, campus.alice, campus.board, anonymous=True)
    assert act(client, staff.moderator, post["id"], "hide").json()["changed"]
    assert act(client, staff.moderator, post["id"], "restore").json()["changed"]
    assert act(client, staff.moderator, post["id"], "hide").json()["changed"]
    mine = client.get("/v1/moderation/mine", headers=campus.alice.headers).json()["items"]
    assert [m["entry"]["action"] for m in mine] == ["hidden", "hidden"]  # restores aside
    assert mine[0]["entry"]["actor_nickname"] is None and mine[0]["appeal"] is None
    action_id = mine[0]["entry"]["id"]
    url = f"/v1/moderation/actions/{action_id}/appeal"
    problem(client.post(url, json={"body": "mine?"}, headers=campus.bob.headers), 404, "not-found")
    r = client.post(url, json={"body": "it was satire"}, headers=campus.alice.headers)
    assert r.status_code == 201, r.text
    again = client.post(url, json={"body": "please"}, headers=campus.alice.headers)
    problem(again, 409, "already-appealed")
    queue = f"/v1/moderation/appeals?school_id={campus.school}"
    problem(client.get(queue, headers=campus.bob.headers), 403, "moderator-only")
    problem(client.get(queue, headers=staff.foreign.headers), 404, "not-found")
    waiting = client.get(queue, headers=staff.moderator.headers).json()["items"]
    assert [(a["body"], a["decision"]["action"]) for a in waiting] == [("it was satire", "hidden")]
    decide = f"/v1/moderation/appeals/{waiting[0]['id']}/decision"
    verdict = {"outcome": "overturned", "reason": "satire is allowed"}
    r = client.post(decide, json=verdict, headers=staff.moderator.headers)
    assert r.status_code == 200 and r.json()["outcome"] == "overturned", r.text
    problem(client.post(decide, json=verdict, headers=staff.moderator.headers), 409,
            "appeal-decided")  # fmt: skip
    assert client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).status_code == 200
    assert client.get(queue, headers=staff.moderator.headers).json()["items"] == []
    decided = client.get(queue + "&state=decided", headers=staff.moderator.headers).json()
    assert [a["outcome"] for a in decided["items"]] == ["overturned"]
    assert str(campus.alice.id) not in str(waiting) + str(decided)
    last = db.scalars(
        select(ModerationAction.reason).order_by(ModerationAction.created_at.desc()).limit(1)
    ).one()
    assert last == "satire is allowed"


def test_the_author_is_told_each_decision_and_appeal_outcome_but_not_who(
    client, campus, world, staff
):
    post = create_post(client, campus.alice, campus.board, anonymous=True)
    report(client, world.users(campus.school, 5, trusted=True), f"/v1/posts/{post['id']}")
    assert act(client, staff.moderator, post["id"], "restore", reason="fine").json()["changed"]
    assert act(client, staff.moderator, post["id"], "dismiss").json()["changed"] is False
    r = act(client, staff.moderator, post["id"], "suspend_author", suspend_hours=2)
    action_id = r.json()["entry"]["id"]
    appeal = client.post(
        f"/v1/moderation/actions/{action_id}/appeal",
        json={"body": "why?"},
        headers=campus.alice.headers,
    ).json()
    client.post(
        f"/v1/moderation/appeals/{appeal['id']}/decision",
        json={"outcome": "upheld", "reason": "it stands"},
        headers=staff.moderator.headers,
    )
    told = client.get("/v1/notifications", headers=campus.alice.headers).json()["items"]
    assert sorted(n["text"] for n in told) == [
        "Your account may not write for now: rule 3",
        "Your appeal was heard: the decision stands",
        "Your post is shown again: fine",
        "Your post was hidden: reported by 5 distinct users (threshold 5)",
    ]
    assert {n["actor_label"] for n in told} == {"Moderators"}
    assert all("dave" not in str(n) for n in told)
