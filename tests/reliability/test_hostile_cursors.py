"""Every paged endpoint answers a hostile cursor with 422 problem+json, never a 500, and
logs no error: a cursor is a client's value like any other.

The endpoints are taken from the OpenAPI document (every operation with a `cursor`
parameter), so a new paged endpoint is covered the day it is added.
"""

from __future__ import annotations

import logging

import pytest

from api.core.errors import PROBLEM_JSON
from api.openapi import parameters_of
from tests.api.helpers import create_post
from tests.reliability.hostile import HOSTILE_CURSORS, cursor_of

CATALOG_CSV = "code,name,professor,credits,schedule\nCS101,Intro,Kim,3,Mon 09:00-10:15\n"


def paged_operations(openapi: dict) -> list[tuple[str, list[str], list[str]]]:
    """(path, path parameters, required query parameters) of every GET taking `cursor`."""
    found = []
    for path, operations in openapi["paths"].items():
        params = parameters_of(openapi, operations.get("get", {}))
        if any(p["name"] == "cursor" for p in params):
            found.append(
                (
                    path,
                    [p["name"] for p in params if p["in"] == "path"],
                    [p["name"] for p in params if p["in"] == "query" and p.get("required")],
                )
            )
    return found


@pytest.fixture
def paged_urls(client, campus) -> list[str]:
    """Each paged endpoint's URL, its path naming real objects the caller may see."""
    import io

    from api.courses.importer import import_catalog, parse_catalog
    from infra.database import session_scope

    with session_scope() as session:
        import_catalog(session, campus.school, "2026-2", parse_catalog(io.StringIO(CATALOG_CSV)))
    courses = client.get(
        f"/v1/schools/{campus.school}/courses",
        params={"semester": "2026-2"},
        headers=campus.alice.headers,
    ).json()["items"]
    post = create_post(client, campus.alice, campus.board)
    objects = {
        "school_id": campus.school,
        "board_id": campus.board,
        "post_id": post["id"],
        "course_id": courses[0]["id"],
        "user_id": campus.bob.id,
    }
    query_values = {"q": "ab", "semester": "2026-2", "school_id": campus.school}
    # The moderation pages answer an administrator (others: 403 before any cursor).
    from api.moderation import service as moderation
    from api.users.models import RoleName

    with session_scope() as session:
        moderation.grant(session, None, campus.alice.id, RoleName.admin, None)
    urls = []
    for path, path_params, required_query in paged_operations(client.get("/openapi.json").json()):
        url = path.format(**{name: objects[name] for name in path_params})
        query = "&".join(f"{name}={query_values[name]}" for name in required_query)
        urls.append(url + ("?" + query if query else ""))
    assert len(urls) >= 14, urls  # every paged endpoint of the API today
    return urls


def test_every_paged_endpoint_refuses_every_hostile_cursor(client, campus, paged_urls, caplog):
    caplog.set_level(logging.ERROR)
    answers: dict[tuple[str, str], int] = {}
    for url in paged_urls:
        sep = "&" if "?" in url else "?"
        for hostile in HOSTILE_CURSORS:
            r = client.get(f"{url}{sep}cursor={hostile.cursor}", headers=campus.alice.headers)
            answers[url, hostile.name] = r.status_code
            if r.status_code == 200 and hostile.a_text_key and "/courses?" in url:
                continue  # a course code to page after: a real position, not an error
            assert r.status_code == 422, (url, hostile.name, r.status_code, r.text)
            assert r.headers["content-type"] == PROBLEM_JSON
            assert r.json()["type"] in (
                "urn:quad:problem:invalid-cursor",
                "urn:quad:problem:validation-error",  # longer than any cursor of ours
            )
    assert [rec.getMessage() for rec in caplog.records if rec.levelno >= logging.ERROR] == []
    # And afterwards every endpoint still answers its own first page.
    for url in paged_urls:
        assert client.get(url, headers=campus.alice.headers).status_code == 200, url


def test_a_cursor_of_ours_still_pages(client, campus):
    for n in range(3):
        create_post(client, campus.alice, campus.board, title=f"post {n}")
    url = f"/v1/boards/{campus.board}/posts"
    first = client.get(url, params={"limit": 2}, headers=campus.alice.headers).json()
    second = client.get(
        url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=campus.alice.headers
    ).json()
    titles = [p["title"] for p in first["items"] + second["items"]]
    assert titles == ["post 2", "post 1", "post 0"]


def test_a_cursor_with_another_time_zone_means_the_same_instant(client, campus):
    """A position written with an offset other than UTC is the same position."""
    for n in range(2):
        create_post(client, campus.alice, campus.board, title=f"post {n}")
    url = f"/v1/boards/{campus.board}/posts"
    first = client.get(url, params={"limit": 1}, headers=campus.alice.headers).json()
    import base64
    import json
    from datetime import datetime, timedelta, timezone

    raw = first["next_cursor"]
    created_at, post_id = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    in_seoul = datetime.fromisoformat(created_at).astimezone(timezone(timedelta(hours=9)))
    again = client.get(
        url,
        params={"limit": 1, "cursor": cursor_of([in_seoul.isoformat(), post_id])},
        headers=campus.alice.headers,
    )
    assert again.status_code == 200
    assert [p["title"] for p in again.json()["items"]] == ["post 0"]


def test_a_nul_in_the_url_is_refused_before_any_handler(client, campus):
    r = client.get(
        f"/v1/schools/{campus.school}/posts/search?q=a%00b", headers=campus.alice.headers
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM_JSON
    assert r.json()["type"] == "urn:quad:problem:validation-error"
