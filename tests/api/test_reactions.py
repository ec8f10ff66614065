from sqlalchemy import select

from api.reports.models import ModerationAction
from tests.api.helpers import create_comment, create_post


def test_like_is_idempotent_and_unlike_too(client, campus):
    post = create_post(client, campus.alice, campus.board)
    url = f"/v1/posts/{post['id']}/like"
    first = client.put(url, headers=campus.bob.headers)
    again = client.put(url, headers=campus.bob.headers)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == {"liked": True, "like_count": 1}
    client.put(url, headers=campus.carol.headers)
    detail = client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).json()
    assert detail["like_count"] == 2 and detail["liked"] is True
    assert client.delete(url, headers=campus.bob.headers).json() == {
        "liked": False,
        "like_count": 1,
    }
    assert client.delete(url, headers=campus.bob.headers).json() == {
        "liked": False,
        "like_count": 1,
    }


def test_liking_your_own_content_is_forbidden(client, campus):
    post = create_post(client, campus.alice, campus.board)
    r = client.put(f"/v1/posts/{post['id']}/like", headers=campus.alice.headers)
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    comment = create_comment(client, campus.bob, post["id"])
    assert (
        client.put(f"/v1/comments/{comment['id']}/like", headers=campus.bob.headers).status_code
        == 403
    )
    assert (
        client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).json()["like_count"] == 0
    )


def test_comment_likes_count_per_user(client, campus):
    post = create_post(client, campus.alice, campus.board)
    comment = create_comment(client, campus.bob, post["id"])
    url = f"/v1/comments/{comment['id']}/like"
    for _ in range(3):
        assert client.put(url, headers=campus.alice.headers).json()["like_count"] == 1
    assert client.put(url, headers=campus.carol.headers).json()["like_count"] == 2
    [thread] = client.get(f"/v1/posts/{post['id']}/comments", headers=campus.alice.headers).json()[
        "items"
    ]
    assert thread["like_count"] == 2 and thread["liked"] is True


def test_scrap_is_idempotent(client, campus):
    post = create_post(client, campus.alice, campus.board)
    url = f"/v1/posts/{post['id']}/scrap"
    assert client.put(url, headers=campus.bob.headers).json() == {
        "scrapped": True,
        "scrap_count": 1,
    }
    assert client.put(url, headers=campus.bob.headers).json() == {
        "scrapped": True,
        "scrap_count": 1,
    }
    assert client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).json()["scrapped"]
    assert client.delete(url, headers=campus.bob.headers).json()["scrap_count"] == 0


def test_reactions_need_a_visible_target(client, campus):
    post = create_post(client, campus.alice, campus.board)
    h = campus.outsider.headers
    assert client.put(f"/v1/posts/{post['id']}/like", headers=h).status_code == 404
    assert client.put(f"/v1/posts/{post['id']}/scrap", headers=h).status_code == 404
    r = client.put(f"/v1/posts/{post['id']}/report", json={"reason": "spam"}, headers=h)
    assert r.status_code == 404


def test_reports_hide_content_at_the_threshold(client, campus, world, db):
    post = create_post(client, campus.alice, campus.board, title="spam!")
    reporters = world.users(campus.school, 5, trusted=True)
    url = f"/v1/posts/{post['id']}/report"
    for u in reporters[:4]:
        assert client.put(url, json={"reason": "spam"}, headers=u.headers).status_code == 200
    # The same reporter again does not count twice.
    for _ in range(3):
        assert client.put(url, json={"reason": "abuse"}, headers=reporters[0].headers).json() == {
            "reported": True
        }
    listing = client.get(f"/v1/boards/{campus.board}/posts", headers=campus.bob.headers).json()
    assert [p["id"] for p in listing["items"]] == [post["id"]]

    client.put(url, json={"reason": "spam"}, headers=reporters[4].headers)
    listing = client.get(f"/v1/boards/{campus.board}/posts", headers=campus.bob.headers).json()
    assert listing["items"] == []
    assert client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).status_code == 404
    detail = client.get(f"/v1/posts/{post['id']}", headers=campus.alice.headers).json()
    assert detail["hidden"] is True and detail["title"] == post["title"]
    action = db.scalars(select(ModerationAction)).one()
    assert action.action == "hidden" and action.decided_by == "system:report-threshold"
    # A report cannot be withdrawn.
    assert client.delete(url, headers=reporters[0].headers).status_code == 405


def test_reported_comment_is_hidden_in_its_thread(client, campus, world):
    post = create_post(client, campus.alice, campus.board)
    comment = create_comment(client, campus.bob, post["id"], "rude words")
    for u in world.users(campus.school, 5, trusted=True):
        client.put(
            f"/v1/comments/{comment['id']}/report", json={"reason": "abuse"}, headers=u.headers
        )
    [thread] = client.get(f"/v1/posts/{post['id']}/comments", headers=campus.carol.headers).json()[
        "items"
    ]
    assert thread["hidden"] is True and thread["body"] is None


def test_report_reasons_come_from_a_fixed_list(client, campus):
    post = create_post(client, campus.alice, campus.board)
    url = f"/v1/posts/{post['id']}/report"
    assert client.put(url, json={"reason": "boring"}, headers=campus.bob.headers).status_code == 422
    assert client.put(url, json={}, headers=campus.bob.headers).status_code == 422
    r = client.put(url, json={"reason": "spam"}, headers=campus.alice.headers)
    assert r.status_code == 403  # your own post
