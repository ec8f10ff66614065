"""Anonymity holds against moderators: nothing a moderator is answered, by any moderation
endpoint or by the posts and comments they read, names the author of anonymous content
(their id, nickname or email). Decisions target "the author of X"; the author's history
is counts. Only the administrators' audit carries the author's id.
"""

from __future__ import annotations

import re

from api.openapi import parameters_of
from api.users.models import RoleName
from tests.api.helpers import create_comment, create_post
from tests.api.test_moderation import act, grant, report


def test_no_moderation_answer_names_the_author_of_anonymous_content(client, campus, world):
    author = world.user(campus.school, "zanzibar7")
    moderator, admin = world.user(campus.school, "dave"), world.user(campus.school, "erin")
    grant(moderator)
    grant(admin, RoleName.admin)
    secrets = (str(author.id), author.nickname, author.email)

    post = create_post(client, author, campus.board, anonymous=True, title="a secret")
    create_comment(client, author, post["id"], "the writer again", anonymous=True)
    bobs = create_post(client, campus.bob, campus.board)
    comment = create_comment(client, author, bobs["id"], "anonymous aside", anonymous=True)
    reporters = world.users(campus.school, 5, trusted=True)
    report(client, reporters, f"/v1/posts/{post['id']}", note="looks like a known troll")
    report(client, reporters[:2], f"/v1/comments/{comment['id']}", reason="abuse")

    answers = []
    for target_type, target_id, action, extra in (
        ("comment", comment["id"], "hide", {}),
        ("post", post["id"], "restore", {}),
        ("post", post["id"], "lock", {}),
        ("post", post["id"], "suspend_author", {"suspend_hours": 24}),
        ("comment", comment["id"], "dismiss", {}),
        ("comment", comment["id"], "remove", {}),
        ("post", post["id"], "unsuspend_author", {}),
    ):
        r = act(client, moderator, target_id, action, target_type=target_type, **extra)
        assert r.status_code == 200 and r.json()["changed"], (action, r.text)
        answers.append(r)
    assert answers[-1].json()["author_history"] == {"hides": 2, "removals": 1, "suspensions": 1}
    # The author appeals the suspension: the appeal waits for the moderators.
    mine = client.get("/v1/moderation/mine", headers=author.headers).json()["items"]
    suspension = next(m["entry"]["id"] for m in mine if m["entry"]["action"] == "suspended")
    r = client.post(
        f"/v1/moderation/actions/{suspension}/appeal",
        json={"body": "I did nothing wrong"},
        headers=author.headers,
    )
    assert r.status_code == 201, r.text

    # Every GET of the moderation API, with each value of its choices.
    document = client.get("/openapi.json").json()
    walked = set()
    for path, item in document["paths"].items():
        if not path.startswith("/v1/moderation") or "get" not in item:
            continue
        walked.add(path)
        url = path.replace("{school_id}", str(campus.school))
        assert not re.search(r"\{", url), f"the walk does not know {path}'s parameters"
        query = [p for p in parameters_of(document, item["get"]) if p["in"] == "query"]
        names = {p["name"] for p in query}
        variants: list[dict] = [{}]
        for param in query:  # each value of a choice (a status, a state)
            schema = param["schema"]
            if "$ref" in schema:
                schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
            if "enum" in schema:
                variants = [{param["name"]: value} for value in schema["enum"]]
        for params in variants:
            if "school_id" in names:
                params["school_id"] = str(campus.school)
            for user in (moderator, admin):
                r = client.get(url, params=params, headers=user.headers)
                assert r.status_code in (200, 403), (path, r.text)
                if not (user is admin and path == "/v1/moderation/audit"):
                    answers.append(r)
    assert len(walked) >= 4, walked
    # What a moderator reads of the posts and comments.
    for url in (
        f"/v1/posts/{post['id']}",
        f"/v1/posts/{post['id']}/comments",
        f"/v1/posts/{bobs['id']}/comments",
        f"/v1/boards/{campus.board}/posts",
        f"/v1/schools/{campus.school}/posts/search?q=secret",
    ):
        r = client.get(url, headers=moderator.headers)
        assert r.status_code == 200, (url, r.text)
        answers.append(r)

    queue = [a for a in answers if "/reports" in str(a.url) and a.status_code == 200]
    assert any(e["notes"] for a in queue for e in a.json()["items"])  # the walk saw content
    appeals = [a for a in answers if "/appeals" in str(a.url) and a.status_code == 200]
    assert any(a.json()["items"] for a in appeals)
    for r in answers:
        for secret in secrets:
            assert secret.lower() not in r.text.lower(), (str(r.url), secret)
    audit = client.get("/v1/moderation/audit", headers=admin.headers)
    assert str(author.id) in audit.text
