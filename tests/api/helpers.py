"""Small request helpers shared by the API tests."""

from __future__ import annotations

from typing import Any


def create_post(client, user, board_id, **fields: Any) -> dict:
    body = {"title": "title", "body": "body", **fields}
    r = client.post(f"/v1/boards/{board_id}/posts", json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    return r.json()


def create_comment(client, user, post_id, body="a comment", **fields: Any) -> dict:
    r = client.post(
        f"/v1/posts/{post_id}/comments", json={"body": body, **fields}, headers=user.headers
    )
    assert r.status_code == 201, r.text
    return r.json()


def all_pages(client, user, url: str, limit: int = 20) -> list[dict]:
    items, cursor = [], None
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        r = client.get(url, params=params, headers=user.headers)
        assert r.status_code == 200, r.text
        page = r.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
