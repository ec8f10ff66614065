"""Operator commands, run as a user would (in a subprocess, against the test database)."""

import signal

import pytest
from sqlalchemy import func, select

from api.posts.models import Post
from api.schools.models import Department, School
from tests.api.helpers import quad
from tests.conftest import running_server


def test_operators_add_schools_and_departments_idempotently(database_url, db):
    for _ in range(2):
        r = quad(
            "schools",
            "add",
            "한빛대학교",
            "--email-domain",
            "hanbit.ac.kr",
            "--department",
            "컴퓨터공학과",
            "--department",
            "경영학과",
        )
        assert r.returncode == 0, r.stderr
    assert db.scalar(select(func.count()).select_from(School)) == 1
    assert sorted(db.scalars(select(Department.name))) == ["경영학과", "컴퓨터공학과"]
    assert "한빛대학교\thanbit.ac.kr" in quad("schools", "list").stdout


def test_operators_manage_a_schools_email_domains(database_url, db, client):
    from api.schools.models import SchoolDomain

    r = quad("schools", "add", "Domain U", "--email-domain", "Domain.AC.kr")
    assert r.returncode == 0, r.stderr
    school_id = r.stdout.split("\t")[0]
    for domain in ("grad.domain.ac.kr", "한빛.kr", "GRAD.domain.ac.kr."):  # the last repeats
        r = quad("schools", "domains", "add", school_id, domain)
        assert r.returncode == 0, r.stderr
    listed = quad("schools", "domains", "list", school_id).stdout.split()
    assert listed == ["domain.ac.kr", "grad.domain.ac.kr", "xn--xx3br43b.kr"]
    # What is no school's domain is refused, naming the problem; nothing is written.
    for bad in ("kr", "not a domain", "x_y.kr", "a..kr"):
        r = quad("schools", "domains", "add", school_id, bad)
        assert r.returncode == 1 and "Error" in r.stderr, (bad, r.stderr)
    r = quad("schools", "domains", "add", "00000000-0000-0000-0000-000000000000", "x.kr")
    assert r.returncode == 1 and "no school" in r.stderr
    assert db.scalar(select(func.count()).select_from(SchoolDomain)) == 3

    r = quad("schools", "domains", "remove", school_id, "Domain.ac.KR")
    assert r.returncode == 0, r.stderr
    r = quad("schools", "domains", "remove", school_id, "domain.ac.kr")
    assert r.returncode == 1 and "does not list" in r.stderr
    school = client.get(f"/v1/schools/{school_id}").json()
    assert school["email_domains"] == ["grad.domain.ac.kr", "xn--xx3br43b.kr"]
    assert school["email_domain"] in school["email_domains"]
    # Signup follows at once: the removed domain no longer joins, its subdomain still does.
    body = {"password": "0123456789", "school_id": school_id}
    r = client.post("/v1/auth/signup", json=body | {"email": "a@domain.ac.kr", "nickname": "dom_a"})
    assert r.json()["type"] == "urn:quad:problem:email-domain-mismatch"
    r = client.post(
        "/v1/auth/signup", json=body | {"email": "b@x.grad.domain.ac.kr", "nickname": "dom_b"}
    )
    assert r.status_code == 201, r.text


def test_demo_data_loads_once(database_url, db, client):
    first = quad("seed-demo")
    assert first.returncode == 0, first.stderr
    assert "demo data loaded" in first.stdout
    posts = db.scalar(select(func.count()).select_from(Post))
    second = quad("seed-demo")
    assert "already present" in second.stdout
    assert db.scalar(select(func.count()).select_from(Post)) == posts > 0

    login = client.post(
        "/v1/auth/login", json={"email": "minji@hanbit.ac.kr", "password": "quad-demo-password"}
    )
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = client.get("/v1/users/me", headers=headers).json()
    assert me["email_verified"] is True  # the seeder verifies its users
    hot = client.get(f"/v1/schools/{me['school']['id']}/posts/hot", headers=headers).json()
    assert len(hot["items"]) >= 1
    # The secret board takes anonymous writing only; notices are the council's to write.
    boards = client.get(f"/v1/schools/{me['school']['id']}/boards", headers=headers).json()
    rules = {b["name"]: (b["write_rule"], b["name_rule"], b["can_write"]) for b in boards}
    assert rules["비밀게시판"] == ("members", "anonymous", True)
    assert rules["공지사항"] == ("moderators", "named", False)
    assert rules["자유게시판"] == ("members", "either", True)


@pytest.mark.parametrize("workers", [1, 2])
def test_server_stops_cleanly_on_sigterm(database_url, workers):
    with running_server(workers) as (proc, _base):
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=25) == 0
