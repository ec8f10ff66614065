"""CORS for the web app's pages (CORS_ALLOWED_ORIGINS): an allowed origin's preflight is
answered and its responses can be read, headers clients need included; any other origin
gets no CORS headers, so its pages cannot read a response."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

WEB = "https://quad.example"


@pytest.fixture
def cors_client(override_settings) -> Iterator[TestClient]:
    from api.main import create_app

    override_settings(CORS_ALLOWED_ORIGINS=f"{WEB}, http://localhost:5173")
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


def preflight(client: TestClient, origin: str, method: str = "POST"):
    return client.options(
        "/v1/auth/login",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


def test_an_allowed_origin_gets_its_preflight_answered(cors_client):
    r = preflight(cors_client, WEB)
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == WEB
    assert "POST" in r.headers["access-control-allow-methods"]
    allowed = r.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert int(r.headers["access-control-max-age"]) > 0
    assert "access-control-allow-credentials" not in r.headers  # bearer tokens, no cookies


def test_an_allowed_origin_can_read_responses_and_the_headers_clients_need(cors_client):
    r = cors_client.post(
        "/v1/auth/login", json={"email": "x"}, headers={"Origin": "http://localhost:5173"}
    )
    assert r.status_code == 422
    assert r.headers["access-control-allow-origin"] == "http://localhost:5173"
    exposed = {h.strip().lower() for h in r.headers["access-control-expose-headers"].split(",")}
    assert {"ratelimit", "ratelimit-policy", "retry-after", "location", "etag"} <= exposed
    assert "origin" in r.headers["vary"].lower()


def test_an_unlisted_origin_gets_no_cors_headers(cors_client):
    r = preflight(cors_client, "https://evil.example")
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:quad:problem:cors-rejected"
    assert "access-control-allow-origin" not in r.headers
    r = cors_client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers


def test_with_no_origins_configured_there_is_no_cors(client):
    r = preflight(client, WEB)
    assert "access-control-allow-origin" not in r.headers
    assert r.status_code == 405  # no route answers OPTIONS
    r = client.get("/healthz", headers={"Origin": WEB})
    assert "access-control-allow-origin" not in r.headers
