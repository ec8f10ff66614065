"""Timetables: primary per semester, courses and clashes, and who may see them."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import func, select

from api.courses.importer import import_catalog, parse_catalog
from api.courses.models import Course
from api.timetables.models import Timetable, TimetableCourse, TimetableCourseRemoval
from tests.api.helpers import burst

HEADER = "code,name,professor,credits,schedule\n"
# Monday mornings, built to touch and to clash.
CATALOG = (
    "A100,Morning Monday,Kim,3,Mon 10:00-11:00 R1",
    "A200,Touches A100 after,Lee,2,Mon 11:00-12:00 R2",
    "A300,Touches A100 before,Park,1,월 09:00-10:00",
    "A400,Overlaps A100 end,Choi,3,Mon 10:30-11:30",
    "A500,Contains A100,Jung,3,Mon 09:30-12:30",
    "A600,Same hour Tuesday,Kang,3,Tue 10:00-11:00",
    "A700,Online,,2,",
    'A800,Second meeting clashes,Yoon,3,"Wed 15:00-16:00; 월 10:59-11:01"',
    "A900,Inside A100,Han,3,Mon 10:15-10:45",
    "B100,Overlaps A100 start,Seo,3,Mon 09:30-10:01",
)


# --- helpers ----------------------------------------------------------------------------


def load_rows(school_id: UUID, semester: str, *rows: str) -> dict[str, str]:
    """Import a catalog through the importer; the {code: id} of its courses."""
    from infra.database import session_scope

    parsed = parse_catalog(io.StringIO(HEADER + "\n".join(rows) + "\n"))
    with session_scope() as session:
        import_catalog(session, school_id, semester, parsed)
        found = session.execute(
            select(Course.code, Course.id).where(
                Course.school_id == school_id, Course.semester == semester
            )
        ).all()
    return {code: str(cid) for code, cid in found}


@pytest.fixture
def courses(campus) -> dict[str, str]:
    ids = load_rows(campus.school, "2026-2", *CATALOG)
    ids |= {"SPRING": load_rows(campus.school, "2026-1", "SPRING,Spring course,Kim,3,")["SPRING"]}
    other = load_rows(campus.other_school, "2026-2", "X100,Elsewhere,Kim,3,Fri 09:00-10:00")
    return ids | {"OTHER": other["X100"]}


def create(client, user, name="Plan A", semester="2026-2", public=False) -> dict:
    r = client.post(
        "/v1/timetables",
        json={"semester": semester, "name": name, "public": public},
        headers=user.headers,
    )
    assert r.status_code == 201, r.text
    return r.json()


def add(client, user, timetable: dict | str, course_id: str) -> httpx.Response:
    tid = timetable["id"] if isinstance(timetable, dict) else timetable
    return client.put(f"/v1/timetables/{tid}/courses/{course_id}", headers=user.headers)


def added(client, user, timetable, course_id) -> dict:
    r = add(client, user, timetable, course_id)
    assert r.status_code == 200, r.text
    return r.json()


def view(client, user, timetable: dict | str) -> httpx.Response:
    tid = timetable["id"] if isinstance(timetable, dict) else timetable
    return client.get(f"/v1/timetables/{tid}", headers=user.headers)


def primary_of(client, viewer, owner, semester="2026-2") -> httpx.Response:
    return client.get(
        f"/v1/users/{owner.id}/timetable", params={"semester": semester}, headers=viewer.headers
    )


def mine(client, user, semester: str | None = "2026-2") -> list[dict]:
    params = {"semester": semester} if semester else {}
    r = client.get("/v1/users/me/timetables", params=params, headers=user.headers)
    assert r.status_code == 200, r.text
    return r.json()


def primaries(client, user, semester="2026-2") -> list[str]:
    return [t["name"] for t in mine(client, user, semester) if t["primary"]]


def patch(client, user, timetable: dict, **body: Any) -> httpx.Response:
    return client.patch(f"/v1/timetables/{timetable['id']}", json=body, headers=user.headers)


def befriend(client, a, b) -> None:
    r = client.post("/v1/friends/requests", json={"user_id": str(b.id)}, headers=a.headers)
    assert r.status_code == 201, r.text
    accepted = client.post(f"/v1/friends/requests/{r.json()['id']}/accept", headers=b.headers)
    assert accepted.status_code == 200, accepted.text


def codes_in(timetable: dict) -> list[str]:
    return [c["code"] for c in timetable["courses"]]


def without_instance(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "instance"}


# --- timetables and the primary mark ----------------------------------------------------


def test_the_first_timetable_of_a_semester_is_primary(client, campus):
    first = create(client, campus.alice, "1안", public=True)
    assert (first["name"], first["semester"], first["public"], first["primary"]) == (
        "1안",
        "2026-2",
        True,
        True,
    )
    assert first["owner_id"] == str(campus.alice.id)
    assert (first["total_credits"], first["courses"]) == (0, [])

    second = create(client, campus.alice, "2안")
    assert (second["primary"], second["public"]) == (False, False)
    # Another semester has its own first timetable, primary too.
    spring = create(client, campus.alice, "봄", semester="2026-1")
    assert spring["primary"] is True

    assert [(t["name"], t["primary"]) for t in mine(client, campus.alice)] == [
        ("1안", True),
        ("2안", False),
    ]
    assert primaries(client, campus.alice, "2026-1") == ["봄"]
    assert {t["name"] for t in mine(client, campus.alice, None)} == {"1안", "2안", "봄"}
    # Bob's first timetable is his own primary; Alice's are not his.
    assert create(client, campus.bob, "Bob's")["primary"] is True
    assert [t["name"] for t in mine(client, campus.bob)] == ["Bob's"]


def test_choosing_another_primary_moves_the_mark(client, campus):
    a = create(client, campus.alice, "A")
    b = create(client, campus.alice, "B")
    c = create(client, campus.alice, "C")
    spring = create(client, campus.alice, "Spring", semester="2026-1")

    r = patch(client, campus.alice, b, primary=True)
    assert r.status_code == 200, r.text
    assert r.json()["primary"] is True
    assert primaries(client, campus.alice) == ["B"]
    assert view(client, campus.alice, a).json()["primary"] is False

    assert patch(client, campus.alice, c, primary=True).status_code == 200
    assert primaries(client, campus.alice) == ["C"]
    # Asking again for the current primary changes nothing.
    assert patch(client, campus.alice, c, primary=True).status_code == 200
    assert primaries(client, campus.alice) == ["C"]
    # The other semester's primary was never touched.
    assert primaries(client, campus.alice, "2026-1") == ["Spring"]
    assert view(client, campus.alice, spring).json()["primary"] is True


def test_the_primary_cannot_be_unmarked_without_choosing_another(client, campus):
    a = create(client, campus.alice, "A")
    create(client, campus.alice, "B")
    r = patch(client, campus.alice, a, primary=False)
    assert r.status_code == 422
    assert primaries(client, campus.alice) == ["A"]


def test_rename_and_change_visibility(client, campus):
    a = create(client, campus.alice, "A")
    r = patch(client, campus.alice, a, name="시간표 최종", public=True)
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["public"], r.json()["primary"]) == (
        "시간표 최종",
        True,
        True,
    )
    assert mine(client, campus.alice)[0]["name"] == "시간표 최종"
    assert patch(client, campus.alice, a, public=False).json()["public"] is False
    assert view(client, campus.alice, a).json()["name"] == "시간표 최종"


@pytest.mark.parametrize(
    "body",
    [
        {"semester": "2026-2", "name": ""},
        {"semester": "2026-2", "name": "x" * 51},
        {"semester": "2026-3", "name": "A"},
        {"semester": "2026-2", "name": "A", "public": "yes"},
        {"name": "A"},
        {"semester": "2026-2", "name": "   "},
        {"semester": "2026-2", "name": "A\u0000B"},
    ],
    ids=["empty", "long", "semester", "public", "no-semester", "blank", "nul"],
)
def test_bad_timetables_are_422(client, campus, body):
    r = client.post("/v1/timetables", json=body, headers=campus.alice.headers)
    assert r.status_code == 422
    assert mine(client, campus.alice, None) == []


@pytest.mark.parametrize("body", [{"name": ""}, {"name": "x" * 51}, {"public": "no"}])
def test_bad_updates_are_422(client, campus, body):
    a = create(client, campus.alice, "A")
    assert patch(client, campus.alice, a, **body).status_code == 422
    assert view(client, campus.alice, a).json()["name"] == "A"


def test_deleting_the_primary_promotes_the_oldest_other(client, campus):
    a = create(client, campus.alice, "A")
    b = create(client, campus.alice, "B")
    create(client, campus.alice, "C")
    create(client, campus.alice, "Spring", semester="2026-1")

    assert (
        client.delete(f"/v1/timetables/{a['id']}", headers=campus.alice.headers).status_code == 204
    )
    assert view(client, campus.alice, a).status_code == 404
    assert [(t["name"], t["primary"]) for t in mine(client, campus.alice)] == [
        ("B", True),
        ("C", False),
    ]
    assert primaries(client, campus.alice, "2026-1") == ["Spring"]

    # Deleting one that is not primary leaves the mark where it is.
    c = mine(client, campus.alice)[1]
    assert (
        client.delete(f"/v1/timetables/{c['id']}", headers=campus.alice.headers).status_code == 204
    )
    assert primaries(client, campus.alice) == ["B"]

    # With none left, the next one made is primary again.
    assert (
        client.delete(f"/v1/timetables/{b['id']}", headers=campus.alice.headers).status_code == 204
    )
    assert mine(client, campus.alice) == []
    assert create(client, campus.alice, "D")["primary"] is True
    assert (
        client.delete(f"/v1/timetables/{b['id']}", headers=campus.alice.headers).status_code == 404
    )


def test_deleting_a_moved_primary_promotes_another(client, campus):
    create(client, campus.alice, "A")
    b = create(client, campus.alice, "B")
    create(client, campus.alice, "C")
    patch(client, campus.alice, b, primary=True)
    assert (
        client.delete(f"/v1/timetables/{b['id']}", headers=campus.alice.headers).status_code == 204
    )
    assert primaries(client, campus.alice) == ["A"]


def test_timetables_need_a_signed_in_user(client, campus):
    assert client.get("/v1/users/me/timetables").status_code == 401
    r = client.post("/v1/timetables", json={"semester": "2026-2", "name": "A"})
    assert r.status_code == 401


def test_a_bad_semester_filter_is_422(client, campus):
    r = client.get(
        "/v1/users/me/timetables", params={"semester": "spring"}, headers=campus.alice.headers
    )
    assert r.status_code == 422
    r = client.get(
        f"/v1/users/{campus.alice.id}/timetable",
        params={"semester": "2026-9"},
        headers=campus.bob.headers,
    )
    assert r.status_code == 422
    # Digits of another script are not a year (Python's \d would take them).
    r = client.post(
        "/v1/timetables", json={"semester": "٢٠٢٦-1", "name": "A"}, headers=campus.alice.headers
    )
    assert r.status_code == 422


# --- courses in a timetable -------------------------------------------------------------


def test_add_courses_shows_credits_and_slots(client, campus, courses):
    t = create(client, campus.alice)
    added(client, campus.alice, t, courses["A600"])
    body = added(client, campus.alice, t, courses["A100"])
    assert codes_in(body) == ["A100", "A600"]
    assert body["total_credits"] == 6
    a100 = body["courses"][0]
    assert (a100["name"], a100["credits"], a100["professor"]["name"]) == (
        "Morning Monday",
        3,
        "Kim",
    )
    assert [
        (s["weekday"], s["starts_at"][:5], s["ends_at"][:5], s["room"]) for s in a100["slots"]
    ] == [(0, "10:00", "11:00", "R1")]
    body = added(client, campus.alice, t, courses["A700"])
    assert body["total_credits"] == 8
    assert body["courses"][2]["slots"] == []  # online

    # The same when read back.
    again = view(client, campus.alice, t).json()
    assert (codes_in(again), again["total_credits"]) == (["A100", "A600", "A700"], 8)


def test_adding_a_course_twice_is_a_no_op(client, campus, courses):
    t = create(client, campus.alice)
    first = added(client, campus.alice, t, courses["A100"])
    second = added(client, campus.alice, t, courses["A100"])
    assert second == first
    assert (codes_in(second), second["total_credits"]) == (["A100"], 3)
    from infra.database import session_scope

    with session_scope() as s:
        rows = s.scalar(select(func.count()).where(TimetableCourse.timetable_id == UUID(t["id"])))
    assert rows == 1


@pytest.mark.parametrize("code", ["A400", "A500", "A800", "A900", "B100"])
def test_a_clash_is_409_naming_the_clashing_course(client, campus, courses, code):
    t = create(client, campus.alice)
    added(client, campus.alice, t, courses["A100"])
    added(client, campus.alice, t, courses["A600"])  # same hour, another day

    r = add(client, campus.alice, t, courses[code])
    assert r.status_code == 409, r.text
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "A100" in problem["detail"]
    assert problem["clashing_course"]["code"] == "A100"
    assert problem["clashing_course"]["id"] == courses["A100"]
    assert problem["clashing_course"]["name"] == "Morning Monday"
    # Nothing was added.
    assert codes_in(view(client, campus.alice, t).json()) == ["A100", "A600"]


def test_a_clash_names_the_course_already_there_whichever_is_added_first(client, campus, courses):
    t = create(client, campus.alice)
    added(client, campus.alice, t, courses["A900"])
    r = add(client, campus.alice, t, courses["A100"])
    assert r.status_code == 409
    assert r.json()["clashing_course"]["code"] == "A900"
    assert "A900" in r.json()["detail"]


def test_touching_meetings_do_not_clash(client, campus, courses):
    t = create(client, campus.alice)
    for code in ("A100", "A200", "A300", "A600", "A700"):
        added(client, campus.alice, t, courses[code])
    body = view(client, campus.alice, t).json()
    assert codes_in(body) == ["A100", "A200", "A300", "A600", "A700"]
    assert body["total_credits"] == 3 + 2 + 1 + 3 + 2


def test_a_clash_with_any_course_is_caught(client, campus, courses):
    t = create(client, campus.alice)
    added(client, campus.alice, t, courses["A200"])
    added(client, campus.alice, t, courses["A300"])
    # A500 (09:30-12:30) overlaps both; either may be named, but one must be.
    r = add(client, campus.alice, t, courses["A500"])
    assert r.status_code == 409
    assert r.json()["clashing_course"]["code"] in {"A200", "A300"}
    assert r.json()["clashing_course"]["code"] in r.json()["detail"]


def test_clashes_are_per_timetable(client, campus, courses):
    plan_a = create(client, campus.alice, "A")
    plan_b = create(client, campus.alice, "B")
    added(client, campus.alice, plan_a, courses["A100"])
    added(client, campus.alice, plan_b, courses["A400"])
    # Bob's timetable does not care what Alice takes.
    added(client, campus.bob, create(client, campus.bob), courses["A500"])
    assert codes_in(view(client, campus.alice, plan_a).json()) == ["A100"]
    assert codes_in(view(client, campus.alice, plan_b).json()) == ["A400"]


def test_courses_of_another_school_or_semester_are_422(client, campus, courses):
    t = create(client, campus.alice)
    for key in ("OTHER", "SPRING"):
        r = add(client, campus.alice, t, courses[key])
        assert r.status_code == 422, r.text
    # Even when the timetable is for the other course's semester, another school's is 422.
    spring = create(client, campus.alice, "봄", semester="2026-1")
    assert add(client, campus.alice, spring, courses["OTHER"]).status_code == 422
    added(client, campus.alice, spring, courses["SPRING"])
    # The outsider cannot add Alice's school's courses to their own timetable either.
    theirs = create(client, campus.outsider)
    assert add(client, campus.outsider, theirs, courses["A100"]).status_code == 422
    added(client, campus.outsider, theirs, courses["OTHER"])

    assert view(client, campus.alice, t).json()["courses"] == []


def test_an_unknown_course_is_404(client, campus, courses):
    t = create(client, campus.alice)
    assert add(client, campus.alice, t, str(UUID(int=3))).status_code == 404
    assert view(client, campus.alice, t).json()["courses"] == []


def test_remove_a_course(client, campus, courses):
    t = create(client, campus.alice)
    added(client, campus.alice, t, courses["A100"])
    added(client, campus.alice, t, courses["A600"])
    url = f"/v1/timetables/{t['id']}/courses/{courses['A100']}"
    assert client.delete(url, headers=campus.alice.headers).status_code == 204
    body = view(client, campus.alice, t).json()
    assert (codes_in(body), body["total_credits"]) == (["A600"], 3)
    # The Monday slot is free again.
    assert codes_in(added(client, campus.alice, t, courses["A400"])) == ["A400", "A600"]
    # The course itself is still in the catalog.
    assert client.get(
        f"/v1/courses/{courses['A100']}", headers=campus.alice.headers
    ).status_code == (200)


def test_deleting_a_timetable_keeps_the_courses(client, campus, courses):
    t = create(client, campus.alice)
    added(client, campus.alice, t, courses["A100"])
    assert (
        client.delete(f"/v1/timetables/{t['id']}", headers=campus.alice.headers).status_code == 204
    )
    assert client.get(
        f"/v1/courses/{courses['A100']}", headers=campus.alice.headers
    ).status_code == (200)


# --- the removals log (analytics counts removals from it) -------------------------------


def removals() -> list[tuple[str, str, str]]:
    """Every logged removal as (timetable id, course id, user id), oldest first."""
    from infra.database import session_scope

    with session_scope() as s:
        rows = s.scalars(
            select(TimetableCourseRemoval).order_by(
                TimetableCourseRemoval.removed_at, TimetableCourseRemoval.id
            )
        )
        return [(str(r.timetable_id), str(r.course_id), str(r.user_id)) for r in rows]


def remove(client, user, timetable: dict | str, course_id: str) -> httpx.Response:
    tid = timetable["id"] if isinstance(timetable, dict) else timetable
    return client.delete(f"/v1/timetables/{tid}/courses/{course_id}", headers=user.headers)


def test_a_removal_is_logged_once(client, campus, courses):
    t = create(client, campus.alice)
    added(client, campus.alice, t, courses["A100"])
    added(client, campus.alice, t, courses["A600"])
    assert removals() == []  # additions are not removals
    assert remove(client, campus.alice, t, courses["A100"]).status_code == 204
    logged = [(t["id"], courses["A100"], str(campus.alice.id))]
    assert removals() == logged
    # Removing it again, or a course that was never there, is a no-op: nothing logged.
    assert remove(client, campus.alice, t, courses["A100"]).status_code == 204
    assert remove(client, campus.alice, t, courses["A700"]).status_code == 204
    assert removals() == logged
    # Added back and removed again: a second removal.
    added(client, campus.alice, t, courses["A100"])
    assert remove(client, campus.alice, t, courses["A100"]).status_code == 204
    assert removals() == logged * 2


def test_a_refused_removal_logs_nothing(client, campus, courses):
    t = create(client, campus.alice, public=True)
    added(client, campus.alice, t, courses["A100"])
    befriend(client, campus.alice, campus.bob)  # who can see it, but not change it
    for intruder in (campus.bob, campus.carol, campus.outsider):
        assert remove(client, intruder, t, courses["A100"]).status_code == 404
        h = intruder.headers
        assert client.delete(f"/v1/timetables/{t['id']}", headers=h).status_code == 404
    assert remove(client, campus.alice, str(UUID(int=5)), courses["A100"]).status_code == 404
    r = client.delete(f"/v1/timetables/{t['id']}/courses/not-a-uuid", headers=campus.alice.headers)
    assert r.status_code == 422
    assert removals() == []
    assert codes_in(view(client, campus.alice, t).json()) == ["A100"]


def test_deleting_a_timetable_logs_each_of_its_courses_as_removed(client, campus, courses):
    t = create(client, campus.alice)
    other = create(client, campus.alice, "Other")
    for code in ("A100", "A600", "A700"):
        added(client, campus.alice, t, courses[code])
    added(client, campus.alice, other, courses["A100"])
    empty = create(client, campus.alice, "Empty")
    assert (
        client.delete(f"/v1/timetables/{t['id']}", headers=campus.alice.headers).status_code == 204
    )
    assert (
        client.delete(f"/v1/timetables/{empty['id']}", headers=campus.alice.headers).status_code
        == 204
    )
    # The log outlives the timetable and names its owner; the other timetable is untouched.
    alice = str(campus.alice.id)
    assert sorted(removals()) == sorted(
        (t["id"], courses[code], alice) for code in ("A100", "A600", "A700")
    )
    assert codes_in(view(client, campus.alice, other).json()) == ["A100"]


def test_nobody_else_can_change_a_timetable(client, campus, courses):
    t = create(client, campus.alice, "Mine", public=True)
    added(client, campus.alice, t, courses["A100"])
    befriend(client, campus.alice, campus.bob)  # even a friend who can see it
    create(client, campus.alice, "Second")
    tid = t["id"]
    for intruder in (campus.bob, campus.carol, campus.outsider):
        h = intruder.headers
        responses = [
            client.patch(f"/v1/timetables/{tid}", json={"name": "pwned"}, headers=h),
            client.patch(f"/v1/timetables/{tid}", json={"public": False}, headers=h),
            client.delete(f"/v1/timetables/{tid}", headers=h),
            client.put(f"/v1/timetables/{tid}/courses/{courses['A600']}", headers=h),
            client.delete(f"/v1/timetables/{tid}/courses/{courses['A100']}", headers=h),
        ]
        assert [r.status_code for r in responses] == [404] * 5, intruder.nickname
    second = mine(client, campus.alice)[1]
    r = client.patch(
        f"/v1/timetables/{second['id']}", json={"primary": True}, headers=campus.bob.headers
    )
    assert r.status_code == 404

    body = view(client, campus.alice, t).json()
    assert (body["name"], body["public"], body["primary"], codes_in(body)) == (
        "Mine",
        True,
        True,
        ["A100"],
    )


# --- visibility -------------------------------------------------------------------------


@pytest.fixture
def plans(client, campus, courses):
    """Alice's timetables: a public primary and a public spare in 2026-2, a private primary
    in 2026-1. Bob is her friend; Carol (same school) and the outsider are not."""
    main = create(client, campus.alice, "Main", public=True)
    added(client, campus.alice, main, courses["A100"])
    added(client, campus.alice, main, courses["A600"])
    spare = create(client, campus.alice, "Spare", public=True)
    spring = create(client, campus.alice, "Spring", semester="2026-1", public=False)
    added(client, campus.alice, spring, courses["SPRING"])
    befriend(client, campus.bob, campus.alice)
    return {"main": main, "spare": spare, "spring": spring}


def test_the_owner_sees_all_their_timetables(client, campus, plans):
    for t in plans.values():
        assert view(client, campus.alice, t).status_code == 200
    assert primary_of(client, campus.alice, campus.alice).json()["id"] == plans["main"]["id"]
    assert (
        primary_of(client, campus.alice, campus.alice, "2026-1").json()["id"]
        == (plans["spring"]["id"])
    )


def test_a_friend_sees_the_public_primary(client, campus, plans):
    r = primary_of(client, campus.bob, campus.alice)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["id"], body["name"], body["owner_id"]) == (
        plans["main"]["id"],
        "Main",
        str(campus.alice.id),
    )
    assert (codes_in(body), body["total_credits"]) == (["A100", "A600"], 6)
    assert body["courses"][0]["slots"][0]["weekday"] == 0
    assert view(client, campus.bob, plans["main"]).json() == body
    # Her timetables are not his.
    assert mine(client, campus.bob, None) == []


def test_a_friend_does_not_see_a_public_spare_or_a_private_primary(client, campus, plans):
    assert view(client, campus.bob, plans["spare"]).status_code == 404
    assert view(client, campus.bob, plans["spring"]).status_code == 404
    assert primary_of(client, campus.bob, campus.alice, "2026-1").status_code == 404
    # A semester she has no timetable for.
    assert primary_of(client, campus.bob, campus.alice, "2025-2").status_code == 404


def test_nobody_else_sees_anything(client, world, campus, plans):
    pending = world.user(campus.school, "pending")
    r = client.post(
        "/v1/friends/requests", json={"user_id": str(campus.alice.id)}, headers=pending.headers
    )
    assert r.status_code == 201  # asked, never accepted
    statuses = Counter()
    for stranger in (campus.carol, campus.outsider, pending):
        for t in plans.values():
            statuses[view(client, stranger, t).status_code] += 1
        for semester in ("2026-2", "2026-1"):
            statuses[primary_of(client, stranger, campus.alice, semester).status_code] += 1
    assert statuses == {404: 15}


def test_a_404_does_not_reveal_that_a_timetable_exists(client, campus, plans):
    hidden = view(client, campus.carol, plans["main"])
    missing = view(client, campus.carol, str(UUID(int=11)))
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert without_instance(hidden.json()) == without_instance(missing.json())

    private = primary_of(client, campus.bob, campus.alice, "2026-1")
    none = primary_of(client, campus.bob, campus.alice, "2025-1")
    nobody = client.get(
        f"/v1/users/{UUID(int=12)}/timetable",
        params={"semester": "2026-1"},
        headers=campus.bob.headers,
    )
    assert [r.status_code for r in (private, none, nobody)] == [404, 404, 404]
    assert without_instance(private.json()) == without_instance(none.json())
    assert without_instance(private.json()) == without_instance(nobody.json())


def test_a_friend_at_another_school_sees_the_public_primary(client, world, campus, plans):
    faraway = world.user(campus.other_school, "faraway")
    assert primary_of(client, faraway, campus.alice).status_code == 404
    befriend(client, faraway, campus.alice)
    assert primary_of(client, faraway, campus.alice).json()["id"] == plans["main"]["id"]
    assert view(client, faraway, plans["spare"]).status_code == 404


def test_visibility_follows_changes(client, campus, plans):
    main, spare = plans["main"], plans["spare"]
    # Made private: gone for the friend.
    patch(client, campus.alice, main, public=False)
    assert primary_of(client, campus.bob, campus.alice).status_code == 404
    assert view(client, campus.bob, main).status_code == 404
    patch(client, campus.alice, main, public=True)
    assert view(client, campus.bob, main).status_code == 200

    # The mark moves to the spare: the friend now sees the spare and not the old primary.
    patch(client, campus.alice, spare, primary=True)
    assert primary_of(client, campus.bob, campus.alice).json()["id"] == spare["id"]
    assert view(client, campus.bob, spare).status_code == 200
    assert view(client, campus.bob, main).status_code == 404

    # Deleting the primary hands the mark (and the friend's view) to the oldest left.
    client.delete(f"/v1/timetables/{spare['id']}", headers=campus.alice.headers)
    assert primary_of(client, campus.bob, campus.alice).json()["id"] == main["id"]

    # No longer friends: nothing.
    r = client.delete(f"/v1/friends/{campus.alice.id}", headers=campus.bob.headers)
    assert r.status_code == 204
    assert primary_of(client, campus.bob, campus.alice).status_code == 404
    assert view(client, campus.bob, main).status_code == 404


def test_a_private_primary_stays_hidden_when_a_public_spare_exists(client, campus, plans):
    # Private primary + public non-primary: the friend sees neither.
    patch(client, campus.alice, plans["main"], public=False)
    assert view(client, campus.bob, plans["spare"]).status_code == 404
    assert primary_of(client, campus.bob, campus.alice).status_code == 404


# --- concurrency (a real two-worker server) ---------------------------------------------


def timetable_rows(user_id: UUID) -> list[tuple[str, bool]]:
    from infra.database import session_scope

    with session_scope() as s:
        return [
            (t.semester, t.is_primary)
            for t in s.scalars(select(Timetable).where(Timetable.user_id == user_id))
        ]


@pytest.mark.live
def test_concurrent_clashing_adds_let_exactly_one_in(live_server, campus, courses):
    pairs = [("A100", "A400"), ("A100", "A900"), ("A500", "A200"), ("B100", "A300")]
    with httpx.Client(base_url=live_server) as c:
        timetables = [create(c, campus.alice, f"T{i}") for i in range(8)]
    requests = []
    for i, t in enumerate(timetables):
        first, second = pairs[i % len(pairs)]
        for code in (first, second):
            requests.append(
                ("PUT", f"/v1/timetables/{t['id']}/courses/{courses[code]}", campus.alice, None)
            )
    responses = burst(live_server, requests)

    for i, t in enumerate(timetables):
        pair = responses[2 * i : 2 * i + 2]
        assert sorted(r.status_code for r in pair) == [200, 409], [r.text for r in pair]
        won = next(r for r in pair if r.status_code == 200).json()
        lost = next(r for r in pair if r.status_code == 409).json()
        assert len(won["courses"]) == 1
        assert lost["clashing_course"]["code"] == won["courses"][0]["code"]
        stored = httpx.get(f"{live_server}/v1/timetables/{t['id']}", headers=campus.alice.headers)
        assert codes_in(stored.json()) == codes_in(won)


@pytest.mark.live
def test_concurrent_adds_of_four_mutually_clashing_courses(live_server, campus, courses):
    with httpx.Client(base_url=live_server) as c:
        t = create(c, campus.alice)
    path = f"/v1/timetables/{t['id']}/courses/"
    codes = ["A100", "A400", "A500", "A900"]
    responses = burst(
        live_server, [("PUT", path + courses[c], campus.alice, None) for c in codes * 3]
    )
    # The first to get in wins (its two repeats are no-ops); every other course clashes.
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 3, 409: 9}, [r.text for r in responses if r.status_code != 409][:4]
    stored = httpx.get(f"{live_server}/v1/timetables/{t['id']}", headers=campus.alice.headers)
    (winner,) = codes_in(stored.json())
    lost = [r.json() for r in responses if r.status_code == 409]
    assert {p["clashing_course"]["code"] for p in lost} == {winner}


@pytest.mark.live
def test_concurrent_adds_of_one_course_add_it_once(live_server, campus, courses):
    with httpx.Client(base_url=live_server) as c:
        t = create(c, campus.alice)
    path = f"/v1/timetables/{t['id']}/courses/{courses['A100']}"
    responses = burst(live_server, [("PUT", path, campus.alice, None)] * 10)
    assert [r.status_code for r in responses] == [200] * 10, [r.text for r in responses][:3]
    assert all(codes_in(r.json()) == ["A100"] for r in responses)
    assert all(r.json()["total_credits"] == 3 for r in responses)


@pytest.mark.live
def test_concurrent_first_timetables_make_exactly_one_primary(live_server, world, campus):
    users = world.users(campus.school, 5)
    requests = [
        ("POST", "/v1/timetables", u, {"semester": "2026-2", "name": f"Plan {i}"})
        for u in users
        for i in range(4)
    ]
    responses = burst(live_server, requests)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 20}, [r.text for r in responses if r.status_code != 201][:3]
    for u in users:
        rows = timetable_rows(u.id)
        assert len(rows) == 4
        assert sum(primary for _, primary in rows) == 1, u.nickname


@pytest.mark.live
def test_concurrent_primary_changes_leave_exactly_one_primary(live_server, campus):
    with httpx.Client(base_url=live_server) as c:
        plans = [create(c, campus.alice, f"Plan {i}") for i in range(6)]
        requests = [
            ("PATCH", f"/v1/timetables/{t['id']}", campus.alice, {"primary": True})
            for t in plans[1:]
        ] * 2
        responses = burst(live_server, requests)
        assert Counter(r.status_code for r in responses) == {200: 10}, [
            r.text for r in responses if r.status_code != 200
        ][:3]
        assert sum(primary for _, primary in timetable_rows(campus.alice.id)) == 1
        listed = c.get("/v1/users/me/timetables", headers=campus.alice.headers).json()
        assert len(listed) == 6 and sum(t["primary"] for t in listed) == 1


@pytest.mark.live
def test_deleting_the_primary_while_others_are_chosen_leaves_exactly_one(live_server, campus):
    with httpx.Client(base_url=live_server) as c:
        plans = [create(c, campus.alice, f"Plan {i}") for i in range(6)]
        requests = [("DELETE", f"/v1/timetables/{plans[0]['id']}", campus.alice, None)]
        requests += [
            ("PATCH", f"/v1/timetables/{t['id']}", campus.alice, {"primary": True})
            for t in plans[3:]
        ]
        requests += [
            ("POST", "/v1/timetables", campus.alice, {"semester": "2026-2", "name": "Late"})
        ] * 2
        responses = burst(live_server, requests)
        assert [r.status_code for r in responses] == [204, 200, 200, 200, 201, 201], [
            r.text for r in responses if r.status_code >= 300
        ][:3]
        listed = c.get("/v1/users/me/timetables", headers=campus.alice.headers).json()
        assert len(listed) == 7
        assert sum(t["primary"] for t in listed) == 1


@pytest.mark.live
def test_concurrent_removals_of_one_course_log_it_once(live_server, campus, courses):
    with httpx.Client(base_url=live_server) as c:
        t = create(c, campus.alice)
        added(c, campus.alice, t, courses["A100"])
    path = f"/v1/timetables/{t['id']}/courses/{courses['A100']}"
    responses = burst(live_server, [("DELETE", path, campus.alice, None)] * 6)
    assert [r.status_code for r in responses] == [204] * 6, [r.text for r in responses][:3]
    assert removals() == [(t["id"], courses["A100"], str(campus.alice.id))]


# --- statements per request (the views are hot: one statement each) ----------------------


def _counted(count_statements, call) -> tuple[int, httpx.Response]:
    with count_statements as counter:
        r = call()
    return counter.count, r


def test_every_timetable_view_is_one_statement_allowed_or_not(
    client, count_statements, campus, plans
):
    """The visibility rule is in the view's WHERE: a refusal costs no extra lookup either."""
    cases = [
        (lambda: view(client, campus.alice, plans["spring"]), 200),
        (lambda: view(client, campus.bob, plans["main"]), 200),
        (lambda: primary_of(client, campus.bob, campus.alice), 200),
        (lambda: view(client, campus.bob, plans["spare"]), 404),
        (lambda: view(client, campus.carol, plans["main"]), 404),
        (lambda: primary_of(client, campus.outsider, campus.alice), 404),
    ]
    for call, status in cases:
        count, r = _counted(count_statements, call)
        assert r.status_code == status, r.text
        assert count == 1, count_statements.statements


def test_adding_a_course_checks_clashes_and_inserts_in_one_statement(
    client, count_statements, campus, courses
):
    def timetable_statements() -> list[str]:
        # The outbox's own statements (recording the event, the relay after commit) are
        # the events package's business: counted apart.
        return [s for s in count_statements.statements if "outbox" not in s]

    t = create(client, campus.alice)
    added(client, campus.alice, t, courses["A100"])
    # Every write first checks the account (api.auth.access.require_writer): one statement.
    # Fits: that, lock and look up; check and insert; the view.
    _, r = _counted(count_statements, lambda: add(client, campus.alice, t, courses["A600"]))
    assert r.status_code == 200 and codes_in(r.json()) == ["A100", "A600"], r.text
    assert len(timetable_statements()) == 4, count_statements.statements
    assert any("INSERT INTO outbox" in s for s in count_statements.statements)
    # A clash: the account, the lock and the check, nothing written.
    count, r = _counted(count_statements, lambda: add(client, campus.alice, t, courses["A400"]))
    assert r.status_code == 409 and r.json()["clashing_course"]["code"] == "A100", r.text
    assert count == 3, count_statements.statements
    # Adding again: no second row and no event.
    count, r = _counted(count_statements, lambda: add(client, campus.alice, t, courses["A600"]))
    assert r.status_code == 200 and codes_in(r.json()) == ["A100", "A600"], r.text
    assert count == 4, count_statements.statements


def test_a_deleted_account_cannot_add_courses(client, campus, courses):
    t = create(client, campus.alice)
    assert client.delete("/v1/users/me", headers=campus.alice.headers).status_code == 204
    r = add(client, campus.alice, t, courses["A100"])
    assert r.status_code == 401, r.text
    r = add(client, campus.alice, "0190a6d1-0000-7000-8000-000000000000", courses["A100"])
    assert r.status_code == 401, r.text
