"""Headers are client values too: hostile `Authorization`, trace and content headers get
a 4xx (or are ignored), never a 5xx. Tokens signed with the real key but carrying odd
claims included: a signature proves who minted a token, not that its claims are sane."""

from __future__ import annotations

import time

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.core.errors import PROBLEM_JSON


def _signed(claims: dict) -> str:
    from infra.settings import get_settings

    return jwt.encode(claims, get_settings().signing_key(), algorithm="HS256")


def _odd_tokens(user_id: str, school_id: str) -> dict[str, str]:
    now = int(time.time())
    base = {"sub": user_id, "sch": school_id, "typ": "access", "iat": now, "exp": now + 600}
    return {
        "sub-not-uuid": _signed({**base, "sub": "1; DROP TABLE users"}),
        "sub-int": _signed({**base, "sub": 12345}),
        "sub-nul": _signed({**base, "sub": "\u0000"}),
        "sch-missing": _signed({k: v for k, v in base.items() if k != "sch"}),
        "sch-list": _signed({**base, "sch": [school_id]}),
        "typ-refresh": _signed({**base, "typ": "refresh"}),
        "exp-huge": _signed({**base, "exp": 10**30}),
        "exp-float": _signed({**base, "exp": 1e300}),
        "exp-string": _signed({**base, "exp": "tomorrow"}),
        "iat-future": _signed({**base, "iat": now + 10**9}),
        "alg-none": jwt.encode(base, None, algorithm="none"),
        "other-key": jwt.encode(base, "x" * 48, algorithm="HS256"),
    }


RAW_AUTHORIZATION = [
    b"",
    b"Bearer",
    b"Bearer ",
    b"Basic dXNlcjpwYXNz",
    b"Bearer " + b"A" * 8_000,
    b"Bearer \xff\xfe\xfd",
    b"Bearer a.b.c",
    b"Bearer ....",
    b"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0",
    b"bearer  \t token",
]

WRITE = ("POST", "/v1/boards/{board}/posts", {"title": "t", "body": "b"})
READS = ["/v1/users/me", "/v1/boards/{board}/posts", "/v1/notifications"]


def _assert_refused(response) -> None:
    assert response.status_code in (401, 403, 404), (response.status_code, response.text)
    assert response.headers["content-type"] == PROBLEM_JSON


def test_odd_but_validly_signed_tokens_are_refused(client, campus):
    for name, token in _odd_tokens(str(campus.alice.id), str(campus.school)).items():
        headers = {"Authorization": f"Bearer {token}"}
        for path in READS:
            r = client.get(path.format(board=campus.board), headers=headers)
            assert r.status_code < 500, (name, path, r.status_code, r.text)
            assert r.status_code == 401, (name, path, r.status_code)
        method, path, body = WRITE
        r = client.request(method, path.format(board=campus.board), json=body, headers=headers)
        assert r.status_code == 401, (name, r.status_code, r.text)


def test_a_token_of_an_account_that_does_not_exist_cannot_write(client, campus):
    """Reads trust a token until it expires (README); writes and the account itself check
    that the account exists."""
    now = int(time.time())
    token = _signed(
        {
            "sub": "00000000-0000-7000-8000-000000000000",
            "sch": str(campus.school),
            "typ": "access",
            "iat": now,
            "exp": now + 60,
        }
    )
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/v1/users/me", headers=headers).status_code == 401
    method, path, body = WRITE
    r = client.request(method, path.format(board=campus.board), json=body, headers=headers)
    assert r.status_code == 401, r.text


@pytest.mark.parametrize("raw", RAW_AUTHORIZATION, ids=range(len(RAW_AUTHORIZATION)))
def test_malformed_authorization_headers_are_refused(client, campus, raw):
    for path in READS:
        _assert_refused(
            client.get(path.format(board=campus.board), headers=[(b"authorization", raw)])
        )


@settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    authorization=st.binary(max_size=300).filter(lambda b: b"\r" not in b and b"\n" not in b),
    traceparent=st.binary(max_size=120).filter(lambda b: b"\r" not in b and b"\n" not in b),
)
def test_random_header_bytes_never_reach_a_5xx(client, campus, authorization, traceparent):
    headers = [
        (b"authorization", authorization),
        (b"traceparent", traceparent),
        (b"x-cloud-trace-context", traceparent),
        (b"content-type", traceparent),
    ]
    r = client.get("/v1/users/me", headers=headers)
    assert r.status_code < 500, (authorization, traceparent, r.status_code, r.text)
    r = client.post(f"/v1/boards/{campus.board}/posts", content=b"{}", headers=headers)
    assert r.status_code < 500, (authorization, traceparent, r.status_code, r.text)
