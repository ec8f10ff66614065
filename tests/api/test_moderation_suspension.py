"""A suspended account writes nowhere: every write endpoint of the OpenAPI document, with
a body that passes validation, answers 403 `account-suspended` (the write check reads the
suspension in its one statement, before any work), while it signs in, reads, changes its
password, logs out and may leave. The suspension reaches the author of anonymous content."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import update

from api.users.models import User
from tests.api.helpers import create_post
from tests.api.test_membership import _operations
from tests.api.test_moderation import act, grant, problem

# What a suspended account still does (api/auth/access.py: `in_account_session`).
ALLOWED_SUSPENDED = {
    ("delete", "/v1/users/me"),
    ("post", "/v1/auth/verify-email"),
    ("post", "/v1/auth/verify-email/resend"),
    ("post", "/v1/auth/logout"),
    ("post", "/v1/auth/password"),
    ("post", "/v1/moderation/actions/{action_id}/appeal"),  # its suspension, say
}
# Values the schema alone does not say (patterns, formats validated in code).
BY_NAME: dict[str, Any] = {
    "semester": "2026-2",
    "semester_taken": "2026-2",
    "rating": 5,
    "file_name": "a.jpg",
    "content_type": "image/jpeg",
    "size": 1000,
}
# Bodies whose rule spans fields (a model validator).
BY_PATH: dict[str, Any] = {
    "/v1/friends/requests": {"user_id": str(uuid4())},
    "/v1/auth/email/confirm": {"code": "123456"},
}


def _value(document: dict, schema: dict, name: str = "") -> Any:
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if name in BY_NAME:
        return BY_NAME[name]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return _value(document, next(s for s in schema[key] if s.get("type") != "null"), name)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object":
        return {
            field: _value(document, sub, field)
            for field, sub in schema.get("properties", {}).items()
            if field in schema.get("required", [])
        }
    if kind == "string":
        if schema.get("format") == "uuid":
            return str(uuid4())
        if schema.get("format") == "email":
            return "someone@example.edu"
        return "x" * max(schema.get("minLength", 1), 10)
    if kind == "integer":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    raise AssertionError(f"no value for {schema}")


def test_a_suspended_account_writes_on_no_endpoint(client, campus, db):
    document = client.get("/openapi.json").json()
    until = datetime.now(UTC) + timedelta(hours=1)
    db.execute(update(User).where(User.id == campus.alice.id).values(suspended_until=until))
    db.commit()
    walked = set()
    for method, path, operation in _operations(client):
        if method == "get" or (method, path) in ALLOWED_SUSPENDED:
            continue
        walked.add((method, path))
        url = re.sub(r"\{[^}]+\}", str(uuid4()), path)
        body = None
        if "requestBody" in operation:
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            body = BY_PATH.get(path) or _value(document, schema)
        r = client.request(method, url, json=body, headers=campus.alice.headers)
        got = problem(r, 403, "account-suspended")
        assert datetime.fromisoformat(got["suspended_until"]) == until, (method, path)
    assert len(walked) >= 35, walked  # the walk reached the whole API
    # Reads work; what an account does to itself too.
    assert client.get("/v1/users/me", headers=campus.alice.headers).status_code == 200
    assert client.get(f"/v1/boards/{campus.board}/posts", headers=campus.alice.headers).is_success


def test_the_author_of_anonymous_content_is_the_one_suspended(client, campus, world):
    moderator = world.user(campus.school, "dave")
    grant(moderator)
    post = create_post(client, campus.alice, campus.board, anonymous=True)
    r = act(client, moderator, post["id"], "suspend_author", suspend_hours=1)
    assert r.status_code == 200 and "alice" not in r.text and str(campus.alice.id) not in r.text
    problem(create_post_as(client, campus.alice, campus.board), 403, "account-suspended")
    for user in (campus.bob, moderator):
        assert create_post_as(client, user, campus.board).status_code == 201


def create_post_as(client, user, board):
    body = {"title": "t", "body": "b"}
    return client.post(f"/v1/boards/{board}/posts", json=body, headers=user.headers)
