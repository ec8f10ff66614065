import random
import re

from sqlalchemy import func, select

from api.posts.models import Post
from tests.api.helpers import all_pages, create_comment, create_post


def test_create_read_edit_delete_by_author(client, campus):
    post = create_post(client, campus.alice, campus.board, title="첫 글", body="안녕하세요")
    assert post["author"]["nickname"] == "alice" and post["is_mine"] is True

    seen = client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).json()
    assert seen["title"] == "첫 글" and seen["is_mine"] is False and seen["liked"] is False

    r = client.patch(
        f"/v1/posts/{post['id']}", json={"body": "고쳤어요"}, headers=campus.alice.headers
    )
    assert r.status_code == 200 and r.json()["body"] == "고쳤어요"
    assert r.json()["title"] == "첫 글" and r.json()["updated_at"] is not None

    assert client.delete(f"/v1/posts/{post['id']}", headers=campus.alice.headers).status_code == 204
    assert client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).status_code == 404


def test_only_the_author_edits_or_deletes(client, campus):
    post = create_post(client, campus.alice, campus.board)
    r = client.patch(f"/v1/posts/{post['id']}", json={"title": "x"}, headers=campus.bob.headers)
    assert r.status_code == 403
    assert r.json()["type"] == "urn:quad:problem:forbidden"
    assert client.delete(f"/v1/posts/{post['id']}", headers=campus.bob.headers).status_code == 403
    # Another school cannot even see it.
    assert (
        client.delete(f"/v1/posts/{post['id']}", headers=campus.outsider.headers).status_code == 404
    )
    assert client.get(f"/v1/posts/{post['id']}", headers=campus.alice.headers).json()["title"] == (
        "title"
    )


def test_other_schools_see_nothing(client, campus):
    post = create_post(client, campus.alice, campus.board)
    h = campus.outsider.headers
    assert client.get(f"/v1/boards/{campus.board}/posts", headers=h).status_code == 404
    assert client.get(f"/v1/boards/{campus.board}", headers=h).status_code == 404
    assert client.get(f"/v1/posts/{post['id']}", headers=h).status_code == 404
    assert client.get(f"/v1/posts/{post['id']}/comments", headers=h).status_code == 404
    assert client.get(f"/v1/schools/{campus.school}/boards", headers=h).status_code == 404
    assert client.get(f"/v1/schools/{campus.school}/posts/hot", headers=h).status_code == 404
    r = client.get(f"/v1/schools/{campus.school}/posts/search", params={"q": "title"}, headers=h)
    assert r.status_code == 404
    r = client.post(f"/v1/boards/{campus.board}/posts", json={"title": "t", "body": "b"}, headers=h)
    assert r.status_code == 404
    r = client.post(f"/v1/posts/{post['id']}/comments", json={"body": "hi"}, headers=h)
    assert r.status_code == 404


def test_members_create_boards(client, campus):
    r = client.post(
        f"/v1/schools/{campus.school}/boards",
        json={"name": "스터디", "description": "Study groups"},
        headers=campus.bob.headers,
    )
    assert r.status_code == 201
    names = [
        b["name"]
        for b in client.get(
            f"/v1/schools/{campus.school}/boards", headers=campus.carol.headers
        ).json()
    ]
    assert "스터디" in names
    again = client.post(
        f"/v1/schools/{campus.school}/boards", json={"name": "스터디"}, headers=campus.bob.headers
    )
    assert again.status_code == 409
    r = client.post(
        f"/v1/schools/{campus.school}/boards", json={"name": "x"}, headers=campus.outsider.headers
    )
    assert r.status_code == 404


def test_board_pages_newest_first_without_gaps_or_duplicates(client, campus):
    made = [create_post(client, campus.alice, campus.board, title=f"p{i}")["id"] for i in range(23)]
    first = client.get(
        f"/v1/boards/{campus.board}/posts", params={"limit": 10}, headers=campus.bob.headers
    ).json()
    assert [p["id"] for p in first["items"]] == made[::-1][:10]
    # New posts arrive while the client pages on.
    for i in range(5):
        create_post(client, campus.carol, campus.board, title=f"new{i}")
    seen = [p["id"] for p in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(
            f"/v1/boards/{campus.board}/posts",
            params={"limit": 10, "cursor": cursor},
            headers=campus.bob.headers,
        ).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
    assert seen == made[::-1]


def test_limits_are_bounded(client, campus):
    for bad in (0, 51, -1):
        r = client.get(
            f"/v1/boards/{campus.board}/posts", params={"limit": bad}, headers=campus.bob.headers
        )
        assert r.status_code == 422


def test_question_post_is_frozen_once_commented(client, campus):
    q = create_post(client, campus.alice, campus.board, question=True)
    r = client.patch(f"/v1/posts/{q['id']}", json={"title": "edit"}, headers=campus.alice.headers)
    assert r.status_code == 200
    comment = create_comment(client, campus.bob, q["id"], "answer")
    r = client.patch(f"/v1/posts/{q['id']}", json={"title": "x"}, headers=campus.alice.headers)
    assert r.status_code == 409 and r.json()["type"] == "urn:quad:problem:conflict"
    assert client.delete(f"/v1/posts/{q['id']}", headers=campus.alice.headers).status_code == 409
    # Once the only comment is gone, the question can change again.
    assert (
        client.delete(f"/v1/comments/{comment['id']}", headers=campus.bob.headers).status_code
        == 204
    )
    assert client.delete(f"/v1/posts/{q['id']}", headers=campus.alice.headers).status_code == 204


def test_search_finds_korean_stems_and_substrings(client, campus):
    hit = create_post(client, campus.alice, campus.board, title="오늘 학교에서", body="점심 먹음")
    en = create_post(client, campus.alice, campus.board, title="Databases", body="Fun course")
    create_post(client, campus.alice, campus.board, title="다른 글", body="상관없음")
    create_post(client, campus.outsider, campus.other_board, title="학교 축제", body="other")

    def search(q):
        r = client.get(
            f"/v1/schools/{campus.school}/posts/search", params={"q": q}, headers=campus.bob.headers
        )
        assert r.status_code == 200, r.text
        return [p["id"] for p in r.json()["items"]]

    assert search("학교") == [hit["id"]]  # stem with a particle attached, same school only
    assert search("학교 점심") == [hit["id"]]  # every word must match
    assert search("학교 저녁") == []
    assert search("database") == [en["id"]]  # case-insensitive, inside a longer word
    assert search("FUN") == [en["id"]]
    assert search("교에") == [hit["id"]]


def test_search_rejects_short_queries(client, campus):
    for q in ("a", " ", "a b"):
        r = client.get(
            f"/v1/schools/{campus.school}/posts/search", params={"q": q}, headers=campus.bob.headers
        )
        assert r.status_code == 422, q
        assert r.headers["content-type"] == "application/problem+json"


def test_search_does_not_match_across_words(client, campus):
    create_post(client, campus.alice, campus.board, title="ab cd", body="x")
    r = client.get(
        f"/v1/schools/{campus.school}/posts/search", params={"q": "bc"}, headers=campus.bob.headers
    )
    assert r.json()["items"] == []


def test_search_finds_exactly_the_posts_holding_every_word(client, campus):
    # Short texts over a small alphabet make every near miss happen: the letters of a word
    # split by a space or punctuation, in another order, across title and body, in
    # another case. The index alone answers two-character words; longer ones also take
    # the substring check: both must agree with a plain substring test.
    rng = random.Random(7)
    alphabet = "aAbB이해 -.%_"  # % and _ are LIKE's wildcards: plain separators here

    def text(size):
        return "".join(rng.choice(alphabet) for _ in range(size)).strip(" -.") or "a"

    posts = []
    for _ in range(40):
        title, body = text(rng.randint(1, 6)), text(rng.randint(1, 8))
        post = create_post(client, campus.alice, campus.board, title=title, body=body)
        posts.append((post["id"], f"{title} {body}".lower()))
    letters = "ab이해"
    queries = [x + y for x in letters for y in letters]
    queries += [q + z for q in queries[:8] for z in letters]
    queries += ["ab 이해", "ba-해이", "Ab BA", "ab_ba", "a%ba", "%ab_", "ab%이해"]
    for q in queries:
        r = client.get(
            f"/v1/schools/{campus.school}/posts/search",
            params={"q": q, "limit": 50},
            headers=campus.bob.headers,
        )
        assert r.status_code == 200, r.text
        words = [w for w in re.split(r"[ .%_-]+", q.lower()) if w]
        expected = {pid for pid, haystack in posts if all(w in haystack for w in words)}
        assert {p["id"] for p in r.json()["items"]} == expected, q


def test_hot_lists_posts_with_ten_likes(client, campus, world):
    hot = create_post(client, campus.alice, campus.board, title="hot")
    warm = create_post(client, campus.alice, campus.board, title="warm")
    likers = world.users(campus.school, 10)
    for u in likers:
        client.put(f"/v1/posts/{hot['id']}/like", headers=u.headers)
    for u in likers[:9]:
        client.put(f"/v1/posts/{warm['id']}/like", headers=u.headers)
    items = client.get(f"/v1/schools/{campus.school}/posts/hot", headers=campus.bob.headers).json()[
        "items"
    ]
    assert [p["id"] for p in items] == [hot["id"]]
    assert items[0]["like_count"] == 10
    # One like withdrawn: off the list.
    client.delete(f"/v1/posts/{hot['id']}/like", headers=likers[0].headers)
    items = client.get(f"/v1/schools/{campus.school}/posts/hot", headers=campus.bob.headers).json()[
        "items"
    ]
    assert items == []


def test_my_posts_and_my_scraps(client, campus):
    mine = create_post(client, campus.alice, campus.board, title="mine")
    anon = create_post(client, campus.alice, campus.board, title="secret", anonymous=True)
    theirs = create_post(client, campus.bob, campus.board, title="bob's")
    titles = [p["title"] for p in all_pages(client, campus.alice, "/v1/users/me/posts")]
    assert titles == ["secret", "mine"]

    client.put(f"/v1/posts/{theirs['id']}/scrap", headers=campus.alice.headers)
    client.put(f"/v1/posts/{anon['id']}/scrap", headers=campus.alice.headers)
    client.put(f"/v1/posts/{mine['id']}/scrap", headers=campus.alice.headers)
    scraps = all_pages(client, campus.alice, "/v1/users/me/scraps", limit=2)
    assert [p["id"] for p in scraps] == [mine["id"], anon["id"], theirs["id"]]  # newest scrap first
    client.delete(f"/v1/posts/{anon['id']}/scrap", headers=campus.alice.headers)
    scraps = all_pages(client, campus.alice, "/v1/users/me/scraps")
    assert [p["id"] for p in scraps] == [mine["id"], theirs["id"]]


def test_profile_lists_only_public_posts_the_viewer_may_see(client, campus):
    create_post(client, campus.alice, campus.board, title="public")
    create_post(client, campus.alice, campus.board, title="anon", anonymous=True)
    profile = client.get(f"/v1/users/{campus.alice.id}", headers=campus.bob.headers).json()
    assert profile["nickname"] == "alice" and profile["school"]["name"] == "Hanbit University"
    assert "joined_at" in profile and "email" not in profile
    posts = client.get(f"/v1/users/{campus.alice.id}/posts", headers=campus.bob.headers).json()
    assert [p["title"] for p in posts["items"]] == ["public"]
    # Another school's member sees the profile but none of the school's posts.
    other = client.get(f"/v1/users/{campus.alice.id}/posts", headers=campus.outsider.headers)
    assert other.json()["items"] == []


def test_invalid_post_input_writes_nothing(client, campus, db):
    bad = [
        {"title": "x" * 201, "body": "b"},
        {"title": "t", "body": "b" * 20_001},
        {"title": "", "body": "b"},
        {"title": "t", "body": "b", "author_id": str(campus.bob.id)},
        {"title": 5, "body": "b"},
        {"title": "t", "body": "b", "anonymous": "sometimes"},
    ]
    for body in bad:
        r = client.post(f"/v1/boards/{campus.board}/posts", json=body, headers=campus.alice.headers)
        assert r.status_code == 422, body
        assert r.json()["type"] == "urn:quad:problem:validation-error"
    assert db.scalar(select(func.count()).select_from(Post)) == 0
