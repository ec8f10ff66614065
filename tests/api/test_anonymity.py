"""Anonymity: nobody but its author learns who wrote anonymous content, from any endpoint.

The scenario below has one writer with anonymous posts in two boards, a non-anonymous
post, and anonymous comments and replies on their own and others' posts; other members
comment (anonymously and not), like, scrap and report. Then every read endpoint, and the
write responses others get, are crawled as other members, and every piece of content in
every response body is checked against who really wrote it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

# Every field of an author object. A new field must be reviewed for anonymity before it
# is added here: anything in an anonymous author object that is stable across posts
# (a hash, an avatar, a join date) would let readers link one writer's anonymous posts.
AUTHOR_FIELDS = {"id", "nickname", "anonymous", "number", "is_writer", "deleted", "label"}


def _content_items(node: Any) -> Iterator[dict[str, Any]]:
    """Every post or comment object in a response body, however deeply nested."""
    if isinstance(node, dict):
        if {"id", "anonymous", "author", "is_mine"} <= node.keys():
            yield node
        for value in node.values():
            yield from _content_items(value)
    elif isinstance(node, list):
        for value in node:
            yield from _content_items(value)


def _own_text(item: dict[str, Any]) -> str:
    """The item serialized without the replies nested under it (checked on their own)."""
    return json.dumps({k: v for k, v in item.items() if k != "replies"}, ensure_ascii=False)


@dataclass
class Scenario:
    client: Any
    school: Any
    writer: Any  # the anonymous author under test
    bo: Any
    cy: Any
    di: Any
    likers: list[Any]
    board1: Any
    board2: Any
    owner: dict[str, Any] = field(default_factory=dict)  # content id -> real author
    posts: dict[str, str] = field(default_factory=dict)  # name -> post id
    comments: dict[str, str] = field(default_factory=dict)  # name -> comment id
    seen: list[tuple[Any, str, Any]] = field(default_factory=list)  # viewer, what, body

    @property
    def members(self) -> list[Any]:
        return [self.writer, self.bo, self.cy, self.di, *self.likers]

    # --- writing ----------------------------------------------------------------------

    def post(self, name: str, user, board, *, anonymous: bool, title: str, body: str) -> str:
        r = self.client.post(
            f"/v1/boards/{board}/posts",
            json={"title": title, "body": body, "anonymous": anonymous},
            headers=user.headers,
        )
        assert r.status_code == 201, r.text
        self.owner[r.json()["id"]] = user
        self.posts[name] = r.json()["id"]
        self.seen.append((user, f"create post {name}", r.json()))
        return r.json()["id"]

    def comment(
        self, name: str, user, post: str, body: str, *, anonymous: bool, parent: str | None = None
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {"body": body, "anonymous": anonymous}
        if parent is not None:
            payload["parent_id"] = self.comments[parent]
        r = self.client.post(
            f"/v1/posts/{self.posts[post]}/comments", json=payload, headers=user.headers
        )
        assert r.status_code == 201, r.text
        self.owner[r.json()["id"]] = user
        self.comments[name] = r.json()["id"]
        self.seen.append((user, f"create comment {name}", r.json()))
        return r.json()

    # --- reading ----------------------------------------------------------------------

    def get(self, viewer, url: str, **params: Any) -> Any:
        r = self.client.get(url, params=params, headers=viewer.headers)
        assert r.status_code == 200, (url, r.text)
        self.seen.append((viewer, f"GET {url} {params}", r.json()))
        return r.json()

    def get_all(self, viewer, url: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a list endpoint, two per page, following the cursors."""
        items: list[dict[str, Any]] = []
        cursor = None
        for _ in range(100):
            query = {**params, "limit": 2}
            if cursor:
                query["cursor"] = cursor
            page = self.get(viewer, url, **query)
            items += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return items
        raise AssertionError(f"{url} never reached its last page")

    def comment_view(self, viewer, post: str, comment: str) -> dict[str, Any]:
        threads = self.get_all(viewer, f"/v1/posts/{self.posts[post]}/comments")
        for item in _content_items(threads):
            if item["id"] == self.comments[comment]:
                return item
        raise AssertionError(f"comment {comment} not listed on post {post}")

    # --- checking ---------------------------------------------------------------------

    def check_item(self, viewer, what: str, item: dict[str, Any]) -> None:
        real = self.owner.get(item["id"])
        assert real is not None, f"{what}: unknown content {item['id']}"
        assert item["is_mine"] is (real.id == viewer.id), (what, item)
        author = item["author"]
        if author is None:  # a deleted placeholder: nothing to reveal
            return
        if not item["anonymous"]:
            # Sanity: the ownership map is right, so the anonymous checks mean something.
            assert author["id"] == str(real.id), (what, item)
            return
        assert set(author) == AUTHOR_FIELDS, (what, author)
        assert author["anonymous"] is True, (what, author)
        assert author["id"] is None and author["nickname"] is None, (what, author)
        assert author["deleted"] is False, (what, author)
        if real.id != viewer.id:
            text = _own_text(item)
            assert str(real.id) not in text, f"{what}: anonymous item carries its author's id"
            assert real.id.hex not in text, f"{what}: anonymous item carries its author's id"
            assert real.nickname not in text, f"{what}: anonymous item carries the nickname"
            assert real.email not in text, f"{what}: anonymous item carries the email"

    def check_everything_seen(self) -> int:
        checked = 0
        for viewer, what, body in self.seen:
            for item in _content_items(body):
                self.check_item(viewer, what, item)
                checked += 1
        return checked


def _assert_free_of(user, body: Any, what: str) -> None:
    text = json.dumps(body, ensure_ascii=False)
    assert str(user.id) not in text, f"{what}: the response carries the writer's id"
    assert user.id.hex not in text, f"{what}: the response carries the writer's id"
    assert user.nickname not in text, f"{what}: the response carries the writer's nickname"


@pytest.fixture
def scenario(client, world) -> Scenario:
    school = world.school("Anonymity University")
    s = Scenario(
        client=client,
        school=school,
        writer=world.user(school, "ghostwriter"),
        bo=world.user(school, "reader_bo"),
        cy=world.user(school, "reader_cy"),
        di=world.user(school, "reader_di"),
        likers=world.users(school, 10),
        board1=world.board(school, "자유게시판"),
        board2=world.board(school, "비밀게시판"),
    )
    w, bo, cy, di = s.writer, s.bo, s.cy, s.di

    # The writer: anonymous posts in two boards, and one post under their own name.
    s.post("anon1", w, s.board1, anonymous=True, title="기숙사 고민", body="학교에서 밤새 공부함")
    s.post("anon2", w, s.board2, anonymous=True, title="secret crush", body="moonlight lecture")
    s.post("named", w, s.board1, anonymous=False, title="study group", body="join us at noon")
    # Others' posts, one of them anonymous.
    s.post("bo_post", bo, s.board1, anonymous=False, title="lost umbrella", body="blue, hall C")
    s.post("cy_anon", cy, s.board2, anonymous=True, title="midterm rant", body="moonlight exam")

    # On the writer's anonymous post: numbers in order of first anonymous comment; a
    # named comment takes no number; the writer shows as the writer.
    s.comment("a1_cy", cy, "anon1", "힘내요", anonymous=True)
    s.comment("a1_bo", bo, "anon1", "same here", anonymous=False)
    s.comment("a1_w", w, "anon1", "thanks all", anonymous=True)
    s.comment("a1_di", di, "anon1", "me too", anonymous=True)
    s.comment("a1_cy2", cy, "anon1", "again", anonymous=True)
    s.comment("a1_w_reply", w, "anon1", "답글", anonymous=True, parent="a1_cy")
    s.comment("a1_di_reply", di, "anon1", "reply to writer", anonymous=True, parent="a1_w")
    # On the other anonymous post the numbering starts again, in another order, and the
    # writer comments under their own name (which must not mark them as the writer).
    s.comment("a2_di", di, "anon2", "first", anonymous=True)
    s.comment("a2_cy", cy, "anon2", "second", anonymous=True)
    s.comment("a2_w_named", w, "anon2", "named comment", anonymous=False)
    # On the writer's named post, the writer's anonymous comment is a numbered one.
    s.comment("n_w", w, "named", "anonymous aside", anonymous=True)
    s.comment("n_bo", bo, "named", "count me in", anonymous=True)
    # On others' posts.
    s.comment("b_w", w, "bo_post", "check the office", anonymous=True)
    s.comment("b_cy", cy, "bo_post", "saw it", anonymous=True)
    s.comment("b_w_reply", w, "bo_post", "ask the guard", anonymous=True, parent="b_cy")
    s.comment("b_bo", bo, "bo_post", "thanks, anonymous me", anonymous=True)
    s.comment("c_w", w, "cy_anon", "good luck", anonymous=True)
    s.comment("c_cy", cy, "cy_anon", "thanks", anonymous=True)

    # Likes: both of the writer's "anon1" and "named" reach HOT; "anon2" stays one short.
    for liker in s.likers:
        for name in ("anon1", "named"):
            r = client.put(f"/v1/posts/{s.posts[name]}/like", headers=liker.headers)
            assert r.status_code == 200, r.text
    for liker in s.likers[:9]:
        r = client.put(f"/v1/posts/{s.posts['anon2']}/like", headers=liker.headers)
        assert r.status_code == 200, r.text
    r = client.put(f"/v1/comments/{s.comments['a1_w']}/like", headers=di.headers)
    assert r.status_code == 200, r.text
    # Scraps by others.
    for user, name in ((bo, "anon1"), (bo, "named"), (cy, "anon2"), (di, "anon1")):
        r = client.put(f"/v1/posts/{s.posts[name]}/scrap", headers=user.headers)
        assert r.status_code == 200, r.text
    return s


def _crawl(s: Scenario, viewer) -> None:
    """Every read endpoint, as `viewer`."""
    s.get(viewer, f"/v1/schools/{s.school}/boards")
    s.get(viewer, f"/v1/schools/{s.school}")
    for board in (s.board1, s.board2):
        s.get(viewer, f"/v1/boards/{board}")
        s.get_all(viewer, f"/v1/boards/{board}/posts")
        s.get(viewer, f"/v1/boards/{board}/posts")
    for post in s.posts.values():
        s.get(viewer, f"/v1/posts/{post}")
        s.get_all(viewer, f"/v1/posts/{post}/comments")
        s.get(viewer, f"/v1/posts/{post}/comments")
    for q in ("학교", "moonlight", "study", "lecture"):
        s.get_all(viewer, f"/v1/schools/{s.school}/posts/search", q=q)
    s.get_all(viewer, f"/v1/schools/{s.school}/posts/hot")
    s.get(viewer, f"/v1/schools/{s.school}/posts/hot")
    for member in (s.writer, s.bo, s.cy, s.di):
        s.get(viewer, f"/v1/users/{member.id}")
        s.get_all(viewer, f"/v1/users/{member.id}/posts")
    s.get(viewer, "/v1/users/me")
    s.get_all(viewer, "/v1/users/me/posts")
    s.get_all(viewer, "/v1/users/me/scraps")


def test_no_response_to_others_identifies_an_anonymous_author(scenario):
    s = scenario
    for viewer in (s.bo, s.cy, s.di, s.likers[0]):
        _crawl(s, viewer)
    assert s.check_everything_seen() > 200


def test_responses_about_only_anonymous_content_never_mention_the_writer(scenario):
    """Whole bodies, not just the author objects: ids and nicknames hide nowhere."""
    s = scenario
    w = s.writer
    for viewer in (s.bo, s.cy, s.di):
        for name in ("anon1", "anon2"):
            post = s.posts[name]
            _assert_free_of(w, s.get(viewer, f"/v1/posts/{post}"), f"detail of {name}")
        # The writer only ever commented anonymously on these posts.
        for name in ("anon1", "named", "bo_post", "cy_anon"):
            comments = s.get_all(viewer, f"/v1/posts/{s.posts[name]}/comments")
            _assert_free_of(w, comments, f"comments of {name}")
        # board2 holds only anonymous posts of the writer and others.
        board2 = s.get_all(viewer, f"/v1/boards/{s.board2}/posts")
        assert {p["id"] for p in board2} == {s.posts["anon2"], s.posts["cy_anon"]}
        _assert_free_of(w, board2, "board2 page")
        # Searches that only find anonymous posts.
        for q, expected in (("학교", {"anon1"}), ("moonlight", {"anon2", "cy_anon"})):
            found = s.get_all(viewer, f"/v1/schools/{s.school}/posts/search", q=q)
            assert {p["id"] for p in found} == {s.posts[n] for n in expected}, q
            _assert_free_of(w, found, f"search {q}")
        # Searching for the writer's nickname finds none of their anonymous posts.
        found = s.get_all(viewer, f"/v1/schools/{s.school}/posts/search", q=w.nickname)
        assert not {p["id"] for p in found} & {s.posts["anon1"], s.posts["anon2"]}
        # Scraps of the viewer that hold only anonymous posts of the writer.
        scraps = s.get_all(viewer, "/v1/users/me/scraps")
        for p in scraps:
            if p["id"] in (s.posts["anon1"], s.posts["anon2"]):
                _assert_free_of(w, p, "scrapped anonymous post")


def test_write_responses_to_others_do_not_reveal_the_writer(scenario):
    s = scenario
    w, bo = s.writer, s.bo
    client = s.client
    anon1 = s.posts["anon1"]
    responses: list[tuple[str, Any]] = []

    # Replies to the writer's anonymous comments, anonymous and named.
    reply = s.comment("bo_reply", bo, "anon1", "reply to writer", anonymous=True, parent="a1_w")
    responses.append(("anonymous reply", reply))
    named = s.comment("bo_named_reply", bo, "bo_post", "named reply", anonymous=False, parent="b_w")
    responses.append(("named reply", named))
    # A reply to a reply joins the thread of the writer's comment.
    nested = s.comment("cy_nested", s.cy, "bo_post", "nested", anonymous=True, parent="b_w_reply")
    assert nested["parent_id"] == s.comments["b_cy"]
    responses.append(("reply to a reply", nested))

    def write(method: str, url: str, **kwargs: Any) -> Any:
        r = client.request(method, url, headers=bo.headers, **kwargs)
        assert r.status_code in (200, 204, 403), (url, r.status_code, r.text)
        body = r.json() if r.content else None
        responses.append((f"{method} {url} -> {r.status_code}", body))
        s.seen.append((bo, f"{method} {url}", body))
        return r

    assert write("PUT", f"/v1/posts/{anon1}/like").json() == {"liked": True, "like_count": 11}
    assert write("PUT", f"/v1/posts/{anon1}/like").json() == {"liked": True, "like_count": 11}
    assert write("DELETE", f"/v1/posts/{anon1}/like").json()["liked"] is False
    write("PUT", f"/v1/posts/{s.posts['anon2']}/scrap")
    write("DELETE", f"/v1/posts/{s.posts['anon2']}/scrap")
    write("PUT", f"/v1/comments/{s.comments['a1_w']}/like")
    write("DELETE", f"/v1/comments/{s.comments['a1_w']}/like")
    write("PUT", f"/v1/comments/{s.comments['b_w']}/report", json={"reason": "spam"})
    write("PUT", f"/v1/posts/{s.posts['anon2']}/report", json={"reason": "other"})
    # Trying to change the writer's anonymous content is refused without naming anyone.
    assert write("PATCH", f"/v1/posts/{anon1}", json={"title": "x"}).status_code == 403
    assert write("DELETE", f"/v1/posts/{anon1}").status_code == 403
    comment = s.comments["a1_w"]
    assert write("PATCH", f"/v1/comments/{comment}", json={"body": "x"}).status_code == 403
    assert write("DELETE", f"/v1/comments/{comment}").status_code == 403

    for what, body in responses:
        _assert_free_of(w, body, what)
    assert s.check_everything_seen() > 0


def test_profiles_never_list_anonymous_posts(scenario):
    s = scenario
    w = s.writer
    for viewer in (s.bo, s.cy):
        profile = s.get(viewer, f"/v1/users/{w.id}")
        assert profile["nickname"] == w.nickname
        posts = s.get_all(viewer, f"/v1/users/{w.id}/posts")
        assert [p["id"] for p in posts] == [s.posts["named"]]
        cy_posts = s.get_all(viewer, f"/v1/users/{s.cy.id}/posts")
        assert cy_posts == []
    # Not even the writer's own public profile lists them; "my posts" does.
    assert [p["id"] for p in s.get_all(w, f"/v1/users/{w.id}/posts")] == [s.posts["named"]]


def test_anonymous_numbers_are_per_post_in_order_of_first_comment(scenario):
    s = scenario
    viewer = s.bo

    def number(post: str, comment: str) -> int | None:
        return s.comment_view(viewer, post, comment)["author"]["number"]

    # anon1: cy first (1), bo's named comment takes no number, then di (2).
    assert number("anon1", "a1_cy") == 1
    assert number("anon1", "a1_di") == 2
    # A commenter keeps their number for later comments and replies in the same post.
    assert number("anon1", "a1_cy2") == 1
    assert number("anon1", "a1_di_reply") == 2
    # anon2: the same two people, in the other order, get the other numbers.
    assert number("anon2", "a2_di") == 1
    assert number("anon2", "a2_cy") == 2
    # The writer is "Anonymous 1" on bo's post and also on cy's: numbers are per post.
    assert number("bo_post", "b_w") == 1
    assert number("bo_post", "b_cy") == 2
    assert number("bo_post", "b_w_reply") == 1
    assert number("cy_anon", "c_w") == 1
    labels = {
        s.comment_view(viewer, "anon1", "a1_cy")["author"]["label"],
        s.comment_view(viewer, "anon1", "a1_di")["author"]["label"],
    }
    assert labels == {"Anonymous 1", "Anonymous 2"}

    # Nothing in the writer's anonymous author objects on two posts tells them apart
    # from anyone else's: only the per-post number and label may differ.
    on_bo_post = s.comment_view(viewer, "bo_post", "b_w")["author"]
    on_cy_post = s.comment_view(viewer, "cy_anon", "c_w")["author"]
    someone_else = s.comment_view(viewer, "anon2", "a2_di")["author"]
    assert on_bo_post == on_cy_post == someone_else
    assert on_bo_post == {
        "id": None,
        "nickname": None,
        "anonymous": True,
        "number": 1,
        "is_writer": False,
        "deleted": False,
        "label": "Anonymous 1",
    }


def test_is_writer_only_when_post_and_comment_are_both_anonymous(scenario):
    s = scenario
    viewer = s.cy
    # The writer's anonymous comment (and reply) on their own anonymous post.
    for name in ("a1_w", "a1_w_reply"):
        author = s.comment_view(viewer, "anon1", name)["author"]
        assert author == {
            "id": None,
            "nickname": None,
            "anonymous": True,
            "number": None,
            "is_writer": True,
            "deleted": False,
            "label": "Anonymous (writer)",
        }, name
    # The writer under their own name on their own anonymous post: not the writer.
    author = s.comment_view(viewer, "anon2", "a2_w_named")["author"]
    assert author["is_writer"] is False
    assert author["id"] == str(s.writer.id)
    # The writer anonymously on their own named post: a number, not the writer.
    author = s.comment_view(viewer, "named", "n_w")["author"]
    assert (author["is_writer"], author["number"], author["label"]) == (False, 1, "Anonymous 1")
    # bo anonymously on bo's own named post: also just a number.
    author = s.comment_view(viewer, "bo_post", "b_bo")["author"]
    assert (author["is_writer"], author["number"]) == (False, 3)
    # Nobody else ever shows as the writer of an anonymous post.
    for name in ("a1_cy", "a1_di", "a1_cy2", "a1_di_reply", "a2_di", "a2_cy"):
        post = "anon1" if name.startswith("a1") else "anon2"
        assert s.comment_view(viewer, post, name)["author"]["is_writer"] is False, name


def test_the_writer_sees_their_own_anonymous_content_as_theirs(scenario):
    s = scenario
    w = s.writer
    mine = s.get_all(w, "/v1/users/me/posts")
    assert {p["id"] for p in mine} == {s.posts[n] for n in ("anon1", "anon2", "named")}
    assert all(p["is_mine"] for p in mine)
    assert {p["id"]: p["anonymous"] for p in mine}[s.posts["anon1"]] is True
    assert s.get(w, f"/v1/posts/{s.posts['anon1']}")["is_mine"] is True
    board1 = s.get_all(w, f"/v1/boards/{s.board1}/posts")
    assert {p["id"] for p in board1 if p["is_mine"]} == {s.posts["anon1"], s.posts["named"]}
    for post, name in (("anon1", "a1_w"), ("bo_post", "b_w"), ("cy_anon", "c_w")):
        assert s.comment_view(w, post, name)["is_mine"] is True
    assert s.comment_view(w, "anon1", "a1_cy")["is_mine"] is False
    # And to anyone else the same items are not theirs.
    assert s.get(s.bo, f"/v1/posts/{s.posts['anon1']}")["is_mine"] is False
    assert s.comment_view(s.bo, "bo_post", "b_w")["is_mine"] is False
    # The writer's crawl is consistent too (is_mine exactly on their own content).
    _crawl(s, w)
    assert s.check_everything_seen() > 0


def test_hot_and_search_include_anonymous_posts_without_their_writer(scenario):
    s = scenario
    hot = s.get_all(s.bo, f"/v1/schools/{s.school}/posts/hot")
    assert [p["id"] for p in hot] == [s.posts["named"], s.posts["anon1"]]
    anon = next(p for p in hot if p["id"] == s.posts["anon1"])
    assert anon["like_count"] == 10
    assert anon["author"]["id"] is None and anon["author"]["nickname"] is None
    named = next(p for p in hot if p["id"] == s.posts["named"])
    assert named["author"]["nickname"] == s.writer.nickname
    assert s.check_everything_seen() > 0


def test_closing_the_account_does_not_mark_anonymous_content(scenario):
    """ "(deleted)" on anonymous posts would tie them together (and to the closed account)."""
    s = scenario
    w, viewer = s.writer, s.bo

    def anonymous_authors() -> dict[str, Any]:
        seen = {}
        for name in ("anon1", "anon2"):
            seen[name] = s.get(viewer, f"/v1/posts/{s.posts[name]}")["author"]
        for post, name in (("anon1", "a1_w"), ("bo_post", "b_w"), ("named", "n_w")):
            seen[name] = s.comment_view(viewer, post, name)["author"]
        return seen

    before = anonymous_authors()
    assert s.client.delete("/v1/users/me", headers=w.headers).status_code == 204
    assert anonymous_authors() == before
    # Named content does show the closed account.
    named = s.get(viewer, f"/v1/posts/{s.posts['named']}")["author"]
    assert named["deleted"] is True and named["id"] is None and named["nickname"] is None
