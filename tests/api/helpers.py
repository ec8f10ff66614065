"""Small request helpers shared by the API tests."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import httpx


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


def burst(base: str, requests: list[tuple[str, str, Any, Any]]) -> list[httpx.Response]:
    """Send every (method, path, user, json) at once, each on its own connection; the
    responses in the same order."""

    async def run() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as c:
            return await asyncio.gather(
                *(
                    c.request(method, path, headers=user.headers, json=body)
                    for method, path, user, body in requests
                )
            )

    return asyncio.run(run())


def quad(*args: str) -> subprocess.CompletedProcess:
    """The operators' CLI (`python -m api.cli ...`), run as a separate process."""
    from tests.conftest import ROOT

    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=120,
    )
