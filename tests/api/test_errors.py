"""Every error is application/problem+json (RFC 9457) with a stable `type`, and bad input
is rejected with 422 before anything is written."""

from __future__ import annotations

import base64
import json
from uuid import uuid4

import pytest
from sqlalchemy import func, select

PROBLEM = "application/problem+json"
PREFIX = "urn:quad:problem:"


def assert_problem(r, status: int, slug: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert body["type"].startswith(PREFIX)
    if slug is not None:
        assert body["type"] == PREFIX + slug
    return body


def post_count() -> int:
    from api.posts.models import Post
    from infra.database import session_scope

    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(Post))


def b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# --- routing -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/nope", "/", "/v1/posts"])
def test_unknown_route_is_404_problem(client, path):
    body = assert_problem(client.get(path), 404, "not-found")
    assert body["title"] == "Not found"


def test_wrong_method_is_405_problem(client, database_url):
    r = client.put("/v1/schools")
    assert_problem(r, 405, "method-not-allowed")
    assert "GET" in r.headers["allow"]


def test_domain_404_is_problem_with_same_type(client, campus):
    body = assert_problem(
        client.get(f"/v1/posts/{uuid4()}", headers=campus.alice.headers), 404, "not-found"
    )
    assert body["instance"].startswith("/v1/posts/")


# --- validation ----------------------------------------------------------------------


def test_validation_error_shape_and_no_echo(client, campus):
    secret = "S3kr1t!"  # a too-short password: never repeat it back
    r = client.post(
        "/v1/auth/signup",
        json={
            "email": "someone@example.edu",
            "password": secret,
            "nickname": "someone",
            "school_id": str(campus.school),
        },
    )
    body = assert_problem(r, 422, "validation-error")
    assert isinstance(body["errors"], list) and body["errors"]
    for err in body["errors"]:
        assert set(err) >= {"loc", "msg", "type"}
        assert "input" not in err and "ctx" not in err
    assert ["body", "password"] in [e["loc"] for e in body["errors"]]
    assert secret not in r.text


def post_to_board(client, campus, headers=None, **kwargs):
    return client.post(
        f"/v1/boards/{campus.board}/posts",
        headers={**campus.alice.headers, **(headers or {})},
        **kwargs,
    )


def test_unknown_fields_are_rejected(client, campus):
    r = post_to_board(
        client,
        campus,
        json={"title": "t", "body": "b", "author_id": str(campus.bob.id), "pinned": True},
    )
    body = assert_problem(r, 422, "validation-error")
    locs = [e["loc"] for e in body["errors"]]
    assert ["body", "author_id"] in locs and ["body", "pinned"] in locs
    assert str(campus.bob.id) not in r.text
    assert post_count() == 0


def test_longest_allowed_title_and_body_are_accepted(client, campus):
    title = ("가나다 " * 50)[:199] + "끝"
    body = ("학교에서 공부를 했다. " * 2000)[:19_999] + "끝"
    r = post_to_board(client, campus, json={"title": title, "body": body})
    assert r.status_code == 201, r.text[:500]
    assert r.json()["title"] == title and r.json()["body"] == body


def test_longest_allowed_post_without_spaces_is_stored_and_searchable(client, campus):
    # One 20,000-character "word" (pasted base64, a run of ㅋ…): its search terms are
    # computed as it is written (this once took 7 s; the benchmark watches the speed).
    r = post_to_board(client, campus, json={"title": "가" * 200, "body": "ㅋ" * 20_000})
    assert r.status_code == 201, r.text[:500]
    assert len(r.json()["body"]) == 20_000
    found = client.get(
        f"/v1/schools/{campus.school}/posts/search",
        params={"q": "ㅋㅋㅋ"},
        headers=campus.bob.headers,
    )
    assert [p["id"] for p in found.json()["items"]] == [r.json()["id"]]


@pytest.mark.parametrize(
    ("field", "payload"),
    [
        ("title", {"title": "가" * 201, "body": "b"}),
        ("body", {"title": "t", "body": "x" * 20_001}),
        ("title", {"title": "", "body": "b"}),
        ("title", {"title": "   ", "body": "b"}),
        ("body", {"title": "t"}),
    ],
    ids=["title-201", "body-20001", "title-empty", "title-blank", "body-missing"],
)
def test_bad_post_fields_are_rejected_and_nothing_written(client, campus, field, payload):
    r = post_to_board(client, campus, json=payload)
    body = assert_problem(r, 422, "validation-error")
    assert ["body", field] in [e["loc"] for e in body["errors"]]
    assert len(r.content) < 2000  # the oversized value is not echoed back
    assert post_count() == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"title": 123, "body": "b"},
        {"title": ["t"], "body": "b"},
        {"title": "t", "body": {"text": "b"}},
        {"title": "t", "body": "b", "anonymous": "yes"},
        {"title": "t", "body": "b", "question": "no"},
        {"title": "t", "body": "b", "anonymous": 1},
        {"title": None, "body": "b"},
        ["t", "b"],
        "title=t",
    ],
    ids=[
        "title-int",
        "title-list",
        "body-object",
        "anonymous-string",
        "question-string",
        "anonymous-int",
        "title-null",
        "array-body",
        "string-body",
    ],
)
def test_wrong_json_types_are_rejected(client, campus, payload):
    r = post_to_board(client, campus, json=payload)
    assert_problem(r, 422, "validation-error")
    assert post_count() == 0


def test_invalid_json_is_rejected(client, campus):
    r = post_to_board(
        client,
        campus,
        content=b'{"title": "t", "body": ',
        headers={"Content-Type": "application/json"},
    )
    assert_problem(r, 422, "validation-error")
    assert post_count() == 0


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("application/x-www-form-urlencoded", b"title=t&body=b"),
        ("text/plain", b'{"title": "t", "body": "b"}'),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nt\r\n--x--\r\n',
        ),
    ],
    ids=["form", "text-plain", "multipart"],
)
def test_non_json_content_type_is_rejected(client, campus, content_type, content):
    r = post_to_board(
        client,
        campus,
        content=content,
        headers={"Content-Type": content_type},
    )
    assert_problem(r, 422, "validation-error")
    assert post_count() == 0


def test_form_encoded_login_is_rejected(client, campus):
    r = client.post(
        "/v1/auth/login",
        data={"email": campus.alice.email, "password": "correct-horse-battery"},
    )
    assert_problem(r, 422, "validation-error")
    assert "correct-horse-battery" not in r.text


@pytest.mark.parametrize(
    "path",
    [
        "/v1/posts/not-a-uuid",
        "/v1/posts/123",
        "/v1/boards/01234567-89ab-cdef-0123-456789abcdeX/posts",
        "/v1/users/me-and-you",
        "/v1/posts/not-a-uuid/comments",
    ],
)
def test_malformed_uuid_in_path(client, campus, path):
    body = assert_problem(client.get(path, headers=campus.alice.headers), 422, "validation-error")
    assert body["errors"][0]["loc"][0] == "path"


UUID_TEXT = "01234567-89ab-cdef-0123-456789abcdef"
BAD_CURSORS = {
    "garbage": "garbage",
    "punctuation": "!!!",
    "hangul": "한글",
    "not-json": b64("not json"),
    "object": b64('{"a": 1}'),
    "three-items": b64("[1, 2, 3]"),
    "null": b64("null"),
    "two-char-string": b64('"ab"'),
    "numbers": b64("[1, 2]"),
    "not-a-date": b64(f'["yesterday", "{UUID_TEXT}"]'),
    "no-time-zone": b64(f'["2024-01-01T00:00:00", "{UUID_TEXT}"]'),
    "not-a-uuid": b64('["2024-01-01T00:00:00+00:00", "not-a-uuid"]'),
    "uuid-number": b64('["2024-01-01T00:00:00+00:00", 5]'),
    "uuid-list": b64('["2024-01-01T00:00:00+00:00", ["x"]]'),
    "date-object": b64(f'[{{"y": 2024}}, "{UUID_TEXT}"]'),
}


@pytest.mark.parametrize("cursor", BAD_CURSORS.values(), ids=BAD_CURSORS.keys())
def test_malformed_cursor(client, campus, cursor):
    r = client.get(
        f"/v1/boards/{campus.board}/posts",
        params={"cursor": cursor},
        headers=campus.alice.headers,
    )
    assert_problem(r, 422, "invalid-cursor")


def test_well_formed_cursor_is_accepted(client, campus):
    # The control for the cases above.
    cursor = b64(f'["2999-01-01T00:00:00+00:00", "{UUID_TEXT}"]')
    r = client.get(
        f"/v1/boards/{campus.board}/posts",
        params={"cursor": cursor},
        headers=campus.alice.headers,
    )
    assert r.status_code == 200, r.text


def test_oversized_cursor(client, campus):
    r = client.get(
        f"/v1/boards/{campus.board}/posts",
        params={"cursor": "A" * 5000},
        headers=campus.alice.headers,
    )
    assert_problem(r, 422)
    assert "A" * 300 not in r.text


@pytest.mark.parametrize("limit", ["0", "51", "-1", "abc", "2.5"])
def test_limit_out_of_range(client, campus, limit):
    r = client.get(
        f"/v1/boards/{campus.board}/posts", params={"limit": limit}, headers=campus.alice.headers
    )
    body = assert_problem(r, 422, "validation-error")
    assert ["query", "limit"] in [e["loc"] for e in body["errors"]]


@pytest.mark.parametrize("limit", ["1", "50"])
def test_limit_bounds_are_accepted(client, campus, limit):
    r = client.get(
        f"/v1/boards/{campus.board}/posts", params={"limit": limit}, headers=campus.alice.headers
    )
    assert r.status_code == 200, r.text


# --- unexpected errors ---------------------------------------------------------------


TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture
def failing_app(database_url):
    from fastapi.testclient import TestClient

    from api.main import create_app

    def make():
        app = create_app()

        @app.get("/boom")
        def boom() -> None:
            raise RuntimeError("kaboom: password=hunter2 at /srv/app/secret.py")

        return TestClient(app, raise_server_exceptions=False)

    return make


def _log_lines(out: str) -> list[dict]:
    lines = []
    for line in out.splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue
    return lines


def test_unhandled_exception_is_500_problem_and_logged_with_trace(failing_app, capsys):
    capsys.readouterr()
    with failing_app() as c:  # built here, so its JSON log handler writes to captured stdout
        r = c.get("/boom", headers={"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"})
    body = assert_problem(r, 500, "internal-error")
    assert set(body) <= {"type", "title", "status", "detail", "instance"}
    for leak in ("Traceback", "kaboom", "hunter2", "secret.py", "RuntimeError"):
        assert leak not in r.text

    errors = [e for e in _log_lines(capsys.readouterr().out) if e.get("severity") == "ERROR"]
    assert len(errors) == 1, errors
    [entry] = errors
    trace = entry["logging.googleapis.com/trace"]
    assert trace == TRACE_ID or trace.endswith(f"/traces/{TRACE_ID}")
    assert "kaboom" in entry["stack_trace"]
    assert entry.get("path") == "/boom"


def test_500_trace_from_cloud_trace_header(failing_app, capsys):
    capsys.readouterr()
    with failing_app() as c:
        r = c.get("/boom", headers={"X-Cloud-Trace-Context": "abc123def/1;o=1"})
    assert_problem(r, 500, "internal-error")
    [entry] = [e for e in _log_lines(capsys.readouterr().out) if e.get("severity") == "ERROR"]
    assert entry["logging.googleapis.com/trace"].endswith("abc123def")


def test_500_does_not_break_the_next_request(failing_app):
    with failing_app() as c:
        assert c.get("/boom").status_code == 500
        assert c.get("/healthz").json() == {"status": "ok"}
