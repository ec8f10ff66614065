"""Board rules, tried from every side: who may write (members, or moderators only), under
which name (anonymous only, named only, either), what the owner may change or delete,
and whether a school lets its members create boards at all.

A refused write answers its own problem type and leaves nothing behind: no post, no
comment, no counted comment, no event.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.comments.models import Comment
from api.outbox.models import OutboxEvent
from api.posts.models import Post
from tests.api.helpers import create_comment, create_post, quad

PROBLEM = "urn:quad:problem:"


def _board(client, user, school, **fields) -> dict:
    r = client.post(
        f"/v1/schools/{school}/boards", json={"name": "board", **fields}, headers=user.headers
    )
    assert r.status_code == 201, r.text
    return r.json()


def _post(client, user, board_id, **fields):
    body = {"title": "t", "body": "b", **fields}
    return client.post(f"/v1/boards/{board_id}/posts", json=body, headers=user.headers)


def _comment(client, user, post_id, **fields):
    body = {"body": "c", **fields}
    return client.post(f"/v1/posts/{post_id}/comments", json=body, headers=user.headers)


def _nothing_written(db, *, posts: int = 0, comments: int = 0) -> None:
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Post)) == posts
    assert db.scalar(select(func.count()).select_from(Comment)) == comments
    assert db.scalar(select(func.coalesce(func.sum(Post.comment_count), 0))) == comments
    written = select(func.count()).where(
        OutboxEvent.type.in_(["quad.post.created.v1", "quad.comment.created.v1"])
    )
    assert db.scalar(written) == posts + comments


def _problem(r, status: int, slug: str) -> None:
    assert r.status_code == status, r.text
    assert r.json()["type"] == PROBLEM + slug, r.text


# --- under which name ---------------------------------------------------------------


def test_an_anonymous_board_refuses_named_posts_and_comments(client, campus, world, db):
    secret = world.board(campus.school, "비밀게시판", name_rule="anonymous")
    _problem(_post(client, campus.alice, secret), 422, "board-anonymous-only")
    _problem(_post(client, campus.alice, secret, anonymous=False), 422, "board-anonymous-only")
    _nothing_written(db)

    post = create_post(client, campus.alice, secret, anonymous=True)
    _problem(_comment(client, campus.bob, post["id"]), 422, "board-anonymous-only")
    _nothing_written(db, posts=1)
    create_comment(client, campus.bob, post["id"], anonymous=True)
    _nothing_written(db, posts=1, comments=1)


def test_a_named_board_refuses_anonymous_posts_and_comments(client, campus, world, db):
    named = world.board(campus.school, "실명게시판", name_rule="named")
    r = _post(client, campus.alice, named, anonymous=True)
    _problem(r, 422, "board-named-only")
    assert r.json()["field"] == "anonymous"
    _nothing_written(db)

    post = create_post(client, campus.alice, named)
    _problem(_comment(client, campus.bob, post["id"], anonymous=True), 422, "board-named-only")
    # a reply too
    top = create_comment(client, campus.bob, post["id"])
    r = _comment(client, campus.carol, post["id"], anonymous=True, parent_id=top["id"])
    _problem(r, 422, "board-named-only")
    _nothing_written(db, posts=1, comments=1)


def test_an_either_board_takes_both(client, campus):
    for anonymous in (True, False):
        post = create_post(client, campus.alice, campus.board, anonymous=anonymous)
        create_comment(client, campus.bob, post["id"], anonymous=not anonymous)


# --- who may write ------------------------------------------------------------------


def test_on_a_moderators_board_only_its_owner_writes(client, campus, db):
    notices = _board(client, campus.alice, campus.school, name="공지", write_rule="moderators")
    assert notices["write_rule"] == "moderators" and notices["is_owner"] is True
    post = create_post(client, campus.alice, notices["id"])
    create_comment(client, campus.alice, post["id"])

    for member in (campus.bob, campus.carol):
        _problem(_post(client, member, notices["id"]), 403, "board-read-only")
        _problem(_comment(client, member, post["id"]), 403, "board-read-only")
    # Reading, liking and scrapping are not writing.
    h = campus.bob.headers
    assert client.get(f"/v1/boards/{notices['id']}/posts", headers=h).json()["items"]
    assert client.put(f"/v1/posts/{post['id']}/like", headers=h).status_code == 200
    assert client.put(f"/v1/posts/{post['id']}/scrap", headers=h).status_code == 200
    # Another school still learns nothing: 404, not 403.
    _problem(_post(client, campus.outsider, notices["id"]), 404, "not-found")
    _nothing_written(db, posts=1, comments=1)


def test_a_moderators_board_without_an_owner_takes_no_writing(client, campus, world, db):
    """An operator's read-only board: there are no moderators yet, so nobody writes."""
    notices = world.board(campus.school, "공지사항", write_rule="moderators")
    for member in (campus.alice, campus.bob):
        _problem(_post(client, member, notices), 403, "board-read-only")
    board = client.get(f"/v1/boards/{notices}", headers=campus.alice.headers).json()
    assert board["can_write"] is False and board["is_owner"] is False
    _nothing_written(db)


def test_the_write_rule_is_checked_before_the_name_rule(client, campus):
    notices = _board(
        client, campus.alice, campus.school, write_rule="moderators", name_rule="named"
    )
    _problem(_post(client, campus.bob, notices["id"], anonymous=True), 403, "board-read-only")
    _problem(_post(client, campus.alice, notices["id"], anonymous=True), 422, "board-named-only")


# --- what boards show -----------------------------------------------------------------


def test_boards_show_their_rules_and_what_the_caller_may_do(client, campus):
    mine = _board(
        client, campus.alice, campus.school, name="mine", write_rule="moderators",
        name_rule="named",
    )  # fmt: skip
    assert {k: mine[k] for k in ("write_rule", "name_rule", "is_owner", "can_write")} == {
        "write_rule": "moderators",
        "name_rule": "named",
        "is_owner": True,
        "can_write": True,
    }
    assert "owner_id" not in mine and "created_by" not in mine  # who made it stays private
    as_bob = client.get(f"/v1/boards/{mine['id']}", headers=campus.bob.headers).json()
    assert (as_bob["is_owner"], as_bob["can_write"]) == (False, False)
    listed = client.get(f"/v1/schools/{campus.school}/boards", headers=campus.bob.headers).json()
    by_name = {b["name"]: b for b in listed}
    assert by_name["mine"]["can_write"] is False
    assert (by_name["자유게시판"]["write_rule"], by_name["자유게시판"]["name_rule"]) == (
        "members",
        "either",
    )
    assert by_name["자유게시판"]["can_write"] is True


@pytest.mark.parametrize(
    "fields",
    [{"write_rule": "admins"}, {"name_rule": "sometimes"}, {"name_rule": None}, {"owner_id": "x"}],
)
def test_unknown_rules_are_refused(client, campus, fields):
    r = client.post(
        f"/v1/schools/{campus.school}/boards",
        json={"name": "b", **fields},
        headers=campus.alice.headers,
    )
    _problem(r, 422, "validation-error")


# --- the owner ------------------------------------------------------------------------


def test_the_owner_edits_description_and_rules_and_new_writing_follows(client, campus):
    board = _board(client, campus.alice, campus.school, name="스터디")
    old = create_post(client, campus.bob, board["id"])  # named, while either was allowed
    r = client.patch(
        f"/v1/boards/{board['id']}",
        json={"description": "익명으로만", "name_rule": "anonymous"},
        headers=campus.alice.headers,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["description"], r.json()["name_rule"]) == ("익명으로만", "anonymous")
    assert r.json()["write_rule"] == "members"  # untouched
    _problem(_post(client, campus.bob, board["id"]), 422, "board-anonymous-only")
    _problem(_comment(client, campus.bob, old["id"]), 422, "board-anonymous-only")
    # What was written before stays as it was.
    assert client.get(f"/v1/posts/{old['id']}", headers=campus.bob.headers).status_code == 200

    r = client.patch(
        f"/v1/boards/{board['id']}", json={"write_rule": "moderators"}, headers=campus.alice.headers
    )
    assert r.json()["write_rule"] == "moderators"
    _problem(_post(client, campus.bob, board["id"], anonymous=True), 403, "board-read-only")


def test_only_the_owner_changes_or_deletes_a_board(client, campus, world):
    board = _board(client, campus.alice, campus.school, name="mine")
    url = f"/v1/boards/{board['id']}"
    change = {"description": "taken over", "write_rule": "moderators"}
    _problem(client.patch(url, json=change, headers=campus.bob.headers), 403, "forbidden")
    _problem(client.delete(url, headers=campus.bob.headers), 403, "forbidden")
    _problem(client.patch(url, json=change, headers=campus.outsider.headers), 404, "not-found")
    _problem(client.delete(url, headers=campus.outsider.headers), 404, "not-found")
    # An operator's board has no owner: no member manages it.
    ownerless = f"/v1/boards/{campus.board}"
    _problem(client.patch(ownerless, json=change, headers=campus.alice.headers), 403, "forbidden")
    _problem(client.delete(ownerless, headers=campus.alice.headers), 403, "forbidden")
    after = client.get(url, headers=campus.bob.headers).json()
    assert (after["description"], after["write_rule"]) == ("", "members")


@pytest.mark.parametrize(
    "body", [{}, {"name": "renamed"}, {"write_rule": "everyone"}, {"description": "x" * 501}]
)
def test_a_change_that_is_not_one_is_refused(client, campus, body):
    board = _board(client, campus.alice, campus.school)
    r = client.patch(f"/v1/boards/{board['id']}", json=body, headers=campus.alice.headers)
    _problem(r, 422, "validation-error")


def test_the_owner_deletes_an_empty_board_only(client, campus, db):
    board = _board(client, campus.alice, campus.school, name="잠깐")
    url = f"/v1/boards/{board['id']}"
    post = create_post(client, campus.bob, board["id"])
    r = client.delete(url, headers=campus.alice.headers)
    _problem(r, 409, "board-not-empty")
    assert client.get(url, headers=campus.alice.headers).status_code == 200

    assert client.delete(f"/v1/posts/{post['id']}", headers=campus.bob.headers).status_code == 204
    assert client.delete(url, headers=campus.alice.headers).status_code == 204
    _problem(client.get(url, headers=campus.alice.headers), 404, "not-found")
    _problem(_post(client, campus.alice, board["id"]), 404, "not-found")
    _problem(client.delete(url, headers=campus.alice.headers), 404, "not-found")


def test_a_board_with_only_hidden_posts_is_not_empty(client, campus, world, db):
    from sqlalchemy import update

    from api.core.db import utcnow

    board = _board(client, campus.alice, campus.school)
    post = create_post(client, campus.bob, board["id"])
    db.execute(update(Post).where(Post.id == post["id"]).values(hidden_at=utcnow()))
    db.commit()
    assert (
        client.get(f"/v1/boards/{board['id']}/posts", headers=campus.alice.headers).json()["items"]
        == []
    )
    r = client.delete(f"/v1/boards/{board['id']}", headers=campus.alice.headers)
    _problem(r, 409, "board-not-empty")


# --- whether members create boards ----------------------------------------------------


def test_a_school_can_stop_its_members_creating_boards(client, campus, db):
    school_url = f"/v1/schools/{campus.school}"
    assert client.get(school_url).json()["members_create_boards"] is True

    r = quad("schools", "set-board-creation", "Hanbit University", "off")
    assert r.returncode == 0, r.stderr
    assert "off" in r.stdout
    assert client.get(school_url).json()["members_create_boards"] is False
    r = client.post(f"{school_url}/boards", json={"name": "new"}, headers=campus.bob.headers)
    _problem(r, 403, "board-creation-closed")
    # Other schools are not affected, and the school's boards still take posts.
    r = client.post(
        f"/v1/schools/{campus.other_school}/boards",
        json={"name": "new"},
        headers=campus.outsider.headers,
    )
    assert r.status_code == 201
    create_post(client, campus.bob, campus.board)

    r = quad("schools", "set-board-creation", str(campus.school), "on")  # by id, too
    assert r.returncode == 0, r.stderr
    r = client.post(f"{school_url}/boards", json={"name": "new"}, headers=campus.bob.headers)
    assert r.status_code == 201


def test_set_board_creation_names_an_unknown_school(database_url):
    r = quad("schools", "set-board-creation", "Nowhere University", "off")
    assert r.returncode != 0 and "no school" in r.stderr
    r = quad("schools", "set-board-creation", "Nowhere University", "maybe")
    assert r.returncode != 0


def test_operators_add_boards_with_rules(client, campus):
    r = quad(
        "boards", "add", "Hanbit University", "익명광장", "--name-rule", "anonymous",
        "--description", "anonymous only",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    board_id = r.stdout.split("\t")[0]
    board = client.get(f"/v1/boards/{board_id}", headers=campus.alice.headers).json()
    assert (board["name_rule"], board["write_rule"], board["is_owner"]) == (
        "anonymous",
        "members",
        False,
    )
    again = quad("boards", "add", str(campus.school), "익명광장")
    assert again.returncode != 0 and "already exists" in again.stderr
    assert quad("boards", "add", "Nowhere", "x").returncode != 0


def _in_thread(work):
    """`work()` in its own thread and unit of work; the future of its result."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1)
    future = pool.submit(work)
    pool.shutdown(wait=False)
    return future


def test_a_post_written_while_its_board_is_deleted_is_never_lost(campus, db):
    """Delete locks the board before it looks for posts: a post that arrives meanwhile
    waits, then finds no board (404); a post written first makes the delete wait, then
    see it (409). Either way no post is deleted with its board."""
    import time

    from api.boards import service as boards
    from api.boards.errors import BoardNotEmpty
    from api.boards.schemas import BoardIn
    from api.core.errors import NotFound
    from api.core.viewer import Viewer
    from api.posts import service as posts
    from api.posts.schemas import PostIn
    from infra.database import session_scope

    alice = Viewer(id=campus.alice.id, school_id=campus.school)
    bob = Viewer(id=campus.bob.id, school_id=campus.school)

    def new_board(name: str):
        with session_scope() as s:
            return boards.create_board(s, alice, campus.school, BoardIn(name=name)).id

    def write(board_id):
        with session_scope() as s:
            return posts.create_post(s, bob, board_id, PostIn(title="t", body="b"))

    def delete(board_id):
        with session_scope() as s:
            posts.delete_empty_board(s, alice, board_id)

    # The delete first: the post waits for it, then is refused.
    board = new_board("first")
    with session_scope() as s:
        posts.delete_empty_board(s, alice, board)
        waiting = _in_thread(lambda: write(board))
        time.sleep(0.5)
        assert not waiting.done()  # blocked on the board's lock
    with pytest.raises(NotFound):
        waiting.result(timeout=10)

    # The post first: the delete waits for it, then sees it.
    board = new_board("second")
    with session_scope() as s:
        posts.create_post(s, bob, board, PostIn(title="t", body="b"))
        waiting = _in_thread(lambda: delete(board))
        time.sleep(0.5)
        assert not waiting.done()
    with pytest.raises(BoardNotEmpty):
        waiting.result(timeout=10)
    assert db.scalar(select(func.count()).select_from(Post).where(Post.board_id == board)) == 1
