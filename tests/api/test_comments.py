from tests.api.helpers import all_pages, create_comment, create_post


def _thread(client, user, post_id):
    return all_pages(client, user, f"/v1/posts/{post_id}/comments")


def test_replies_sit_under_their_parent_oldest_first(client, campus):
    post = create_post(client, campus.alice, campus.board)
    first = create_comment(client, campus.bob, post["id"], "first")
    second = create_comment(client, campus.carol, post["id"], "second")
    reply = create_comment(client, campus.alice, post["id"], "reply", parent_id=first["id"])
    # A reply to a reply joins the top-level thread: replies are one level deep.
    nested = create_comment(client, campus.carol, post["id"], "nested", parent_id=reply["id"])
    assert nested["parent_id"] == first["id"]

    thread = _thread(client, campus.bob, post["id"])
    assert [c["body"] for c in thread] == ["first", "second"]
    assert [r["body"] for r in thread[0]["replies"]] == ["reply", "nested"]
    assert thread[1]["replies"] == [] and thread[1]["id"] == second["id"]
    detail = client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).json()
    assert detail["comment_count"] == 4


def test_comment_pages_are_stable(client, campus):
    post = create_post(client, campus.alice, campus.board)
    made = [create_comment(client, campus.bob, post["id"], f"c{i}")["id"] for i in range(7)]
    for cid in made[:3]:
        create_comment(client, campus.carol, post["id"], "r", parent_id=cid)
    seen = all_pages(client, campus.bob, f"/v1/posts/{post['id']}/comments", limit=3)
    assert [c["id"] for c in seen] == made
    assert [len(c["replies"]) for c in seen] == [1, 1, 1, 0, 0, 0, 0]


def test_deleting_a_comment_with_replies_leaves_a_placeholder(client, campus):
    post = create_post(client, campus.alice, campus.board)
    parent = create_comment(client, campus.bob, post["id"], "parent", anonymous=True)
    reply = create_comment(client, campus.carol, post["id"], "reply", parent_id=parent["id"])
    assert client.delete(
        f"/v1/comments/{parent['id']}", headers=campus.bob.headers
    ).status_code == (204)
    [placeholder] = _thread(client, campus.carol, post["id"])
    assert placeholder["deleted"] is True
    assert placeholder["body"] is None and placeholder["author"] is None
    assert [r["body"] for r in placeholder["replies"]] == ["reply"]
    # The placeholder cannot be replied to, edited or liked.
    r = client.post(
        f"/v1/posts/{post['id']}/comments",
        json={"body": "x", "parent_id": parent["id"]},
        headers=campus.carol.headers,
    )
    assert r.status_code == 404
    assert (
        client.put(f"/v1/comments/{parent['id']}/like", headers=campus.carol.headers).status_code
        == 404
    )
    # When its last reply goes, so does the placeholder.
    assert client.delete(
        f"/v1/comments/{reply['id']}", headers=campus.carol.headers
    ).status_code == (204)
    assert _thread(client, campus.carol, post["id"]) == []
    detail = client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).json()
    assert detail["comment_count"] == 0


def test_deleting_a_comment_without_replies_removes_it(client, campus):
    post = create_post(client, campus.alice, campus.board)
    c = create_comment(client, campus.bob, post["id"], "bye")
    assert client.delete(f"/v1/comments/{c['id']}", headers=campus.bob.headers).status_code == 204
    assert _thread(client, campus.bob, post["id"]) == []


def test_only_the_author_edits_or_deletes_a_comment(client, campus):
    post = create_post(client, campus.alice, campus.board)
    c = create_comment(client, campus.bob, post["id"], "mine")
    r = client.patch(f"/v1/comments/{c['id']}", json={"body": "x"}, headers=campus.alice.headers)
    assert r.status_code == 403
    assert client.delete(f"/v1/comments/{c['id']}", headers=campus.carol.headers).status_code == 403
    r = client.patch(f"/v1/comments/{c['id']}", json={"body": "x"}, headers=campus.outsider.headers)
    assert r.status_code == 404
    r = client.patch(f"/v1/comments/{c['id']}", json={"body": "edited"}, headers=campus.bob.headers)
    assert r.status_code == 200 and r.json()["body"] == "edited" and r.json()["updated_at"]


def test_anonymous_numbers_are_stable_per_post_and_the_writer_is_marked(client, campus, world):
    dave = world.user(campus.school, "dave")
    post = create_post(client, campus.alice, campus.board, anonymous=True)
    create_comment(client, campus.bob, post["id"], "b1", anonymous=True)
    create_comment(client, campus.carol, post["id"], "c1", anonymous=True)
    create_comment(client, campus.alice, post["id"], "writer", anonymous=True)
    create_comment(client, campus.bob, post["id"], "b2", anonymous=True)
    create_comment(client, dave, post["id"], "named")
    labels = {c["body"]: c["author"] for c in _thread(client, dave, post["id"])}
    assert labels["b1"]["number"] == 1 and labels["b2"]["number"] == 1
    assert labels["b1"]["label"] == "Anonymous 1"
    assert labels["c1"]["number"] == 2
    assert labels["writer"]["is_writer"] is True and labels["writer"]["number"] is None
    assert labels["writer"]["label"] == "Anonymous (writer)"
    assert labels["named"]["nickname"] == "dave" and labels["named"]["is_writer"] is False

    # Numbers survive deletions: bob's comments gone, carol stays 2, a newcomer gets 3.
    for c in _thread(client, campus.bob, post["id"]):
        if c["is_mine"]:
            client.delete(f"/v1/comments/{c['id']}", headers=campus.bob.headers)
    create_comment(client, dave, post["id"], "d", anonymous=True)
    labels = {c["body"]: c["author"] for c in _thread(client, dave, post["id"])}
    assert labels["c1"]["number"] == 2 and labels["d"]["number"] == 3


def test_comments_on_hidden_or_missing_posts(client, campus):
    r = client.post(
        "/v1/posts/01a1fc77-5dfd-71ba-b7a9-6211e78c5c52/comments",
        json={"body": "x"},
        headers=campus.bob.headers,
    )
    assert r.status_code == 404
    post = create_post(client, campus.alice, campus.board)
    r = client.post(
        f"/v1/posts/{post['id']}/comments",
        json={"body": "x", "parent_id": "01a1fc77-5dfd-71ba-b7a9-6211e78c5c52"},
        headers=campus.bob.headers,
    )
    assert r.status_code == 404


def test_comment_input_is_validated(client, campus):
    post = create_post(client, campus.alice, campus.board)
    for body in ({"body": ""}, {"body": "x" * 2001}, {"body": "x", "extra": 1}, {}):
        r = client.post(f"/v1/posts/{post['id']}/comments", json=body, headers=campus.bob.headers)
        assert r.status_code == 422, body
    assert (
        client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).json()["comment_count"]
        == 0
    )
