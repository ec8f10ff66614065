"""The course catalog: CSV import (library and CLI), search, professors and reviews."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import func, select

from api.courses.importer import CatalogError, import_catalog, parse_catalog
from api.courses.models import Course, CourseSlot, Professor, Review
from tests.api.helpers import all_pages, burst, quad

DATA = Path(__file__).parent / "data"
GOOD_CSV = DATA / "catalog_2026-2.csv"
BAD_CSV = DATA / "catalog_bad.csv"
HEADER = "code,name,professor,credits,schedule\n"


# --- helpers ----------------------------------------------------------------------------


def load(school_id: UUID, semester: str, csv_text: str):
    """Parse and import a catalog the way the CLI does (one transaction)."""
    from infra.database import session_scope

    rows = parse_catalog(io.StringIO(csv_text))
    with session_scope() as session:
        return import_catalog(session, school_id, semester, rows)


def load_rows(school_id: UUID, semester: str, *rows: str):
    return load(school_id, semester, HEADER + "\n".join(rows) + "\n")


def counts() -> dict[str, int]:
    from infra.database import session_scope

    with session_scope() as s:
        return {
            model.__tablename__: s.scalar(select(func.count()).select_from(model))
            for model in (Course, CourseSlot, Professor)
        }


def course_ids(school_id: UUID, semester: str) -> dict[str, str]:
    from infra.database import session_scope

    with session_scope() as s:
        rows = s.execute(
            select(Course.code, Course.id).where(
                Course.school_id == school_id, Course.semester == semester
            )
        ).all()
    return {code: str(cid) for code, cid in rows}


def reported_lines(errors: list[str] | str) -> list[int]:
    text = errors if isinstance(errors, str) else "\n".join(errors)
    return [int(n) for n in re.findall(r"^line (\d+):", text, re.MULTILINE)]


def course(client, user, course_id: str) -> dict:
    r = client.get(f"/v1/courses/{course_id}", headers=user.headers)
    assert r.status_code == 200, r.text
    return r.json()


def search(client, user, school, semester="2026-2", **params: Any) -> httpx.Response:
    return client.get(
        f"/v1/schools/{school}/courses",
        params={"semester": semester, **params},
        headers=user.headers,
    )


def codes(client, user, school, q: str, semester="2026-2") -> list[str]:
    r = search(client, user, school, semester, q=q, limit=50)
    assert r.status_code == 200, r.text
    return [c["code"] for c in r.json()["items"]]


def slot_view(c: dict) -> list[tuple[int, str, str, str]]:
    return [(s["weekday"], s["starts_at"][:5], s["ends_at"][:5], s["room"]) for s in c["slots"]]


def review(client, user, course_id: str, rating: Any = 4, **fields: Any) -> httpx.Response:
    body = {"rating": rating, "text": "", "semester_taken": "2026-1", **fields}
    return client.put(f"/v1/courses/{course_id}/review", json=body, headers=user.headers)


# --- CSV import -------------------------------------------------------------------------


def test_a_good_catalog_imports_courses_professors_and_slots(client, campus):
    report = load(campus.school, "2026-2", GOOD_CSV.read_text(encoding="utf-8"))
    assert (report.courses, report.professors) == (5, 3)
    ids = course_ids(campus.school, "2026-2")
    assert sorted(ids) == ["CSE2010", "CSE3080", "CSE4999", "GEB1001", "MAT1001"]

    ds = course(client, campus.alice, ids["CSE2010"])
    assert (ds["name"], ds["credits"], ds["semester"]) == ("자료구조", 3, "2026-2")
    assert ds["school_id"] == str(campus.school)
    assert ds["professor"]["name"] == "김민수"
    assert slot_view(ds) == [(0, "09:00", "10:15", "E301"), (2, "09:00", "10:15", "E301")]
    assert (ds["review_count"], ds["average_rating"]) == (0, None)

    # Korean weekdays, and a room with a space in it.
    db_course = course(client, campus.alice, ids["CSE3080"])
    assert slot_view(db_course) == [
        (1, "13:30", "14:45", "공학관 401"),
        (3, "13:30", "14:45", "공학관 401"),
    ]
    # No professor yet ("to be announced"), one Korean-weekday slot without a room.
    writing = course(client, campus.alice, ids["GEB1001"])
    assert writing["professor"] is None
    assert slot_view(writing) == [(4, "10:00", "11:50", "")]
    # An empty schedule is an online or arranged course.
    assert course(client, campus.alice, ids["CSE4999"])["slots"] == []
    # A room on one meeting only.
    assert slot_view(course(client, campus.alice, ids["MAT1001"])) == [
        (1, "09:00", "10:15", ""),
        (3, "09:00", "10:15", "N102"),
    ]
    # Both of 김민수's courses point at the same professor.
    assert course(client, campus.alice, ids["CSE4999"])["professor"] == ds["professor"]


def test_every_weekday_in_english_and_korean(client, campus):
    english = "; ".join(f"{d} 09:00-10:00" for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat"))
    korean = "; ".join(f"{d} 11:00-12:00" for d in "월화수목금토일")
    load_rows(
        campus.school,
        "2026-2",
        f'ENG101,English days,,3,"{english}; Sun 09:00-10:00"',
        f'KOR101,한국어 요일,,3,"{korean}"',
    )
    ids = course_ids(campus.school, "2026-2")
    eng = course(client, campus.alice, ids["ENG101"])
    kor = course(client, campus.alice, ids["KOR101"])
    assert [s["weekday"] for s in eng["slots"]] == list(range(7))
    assert [s["weekday"] for s in kor["slots"]] == list(range(7))


def test_one_digit_hours_and_blank_lines_are_fine(client, campus):
    load(
        campus.school,
        "2026-2",
        HEADER + "ONE1,One digit,,1,Mon 9:05-10:15\n\nTWO1,After a gap,,1,\n",
    )
    ids = course_ids(campus.school, "2026-2")
    assert sorted(ids) == ["ONE1", "TWO1"]
    assert slot_view(course(client, campus.alice, ids["ONE1"])) == [(0, "09:05", "10:15", "")]


def test_line_numbers_count_blank_lines(database_url):
    text = HEADER + "OK1,Fine,Kim,3,\n\n\nBAD1,Bad,Kim,x,\n"
    with pytest.raises(CatalogError) as caught:
        parse_catalog(io.StringIO(text))
    assert reported_lines(caught.value.errors) == [5]


def test_the_longest_allowed_fields_import(client, campus):
    code, name, prof, room = "C" * 30, "가" * 200, "교" * 100, "R" * 50
    load_rows(campus.school, "2026-2", f"{code},{name},{prof},30,Mon 09:00-10:00 {room}")
    c = course(client, campus.alice, course_ids(campus.school, "2026-2")[code])
    assert (c["name"], c["professor"]["name"], c["credits"]) == (name, prof, 30)
    assert c["slots"][0]["room"] == room


def test_a_bad_file_reports_every_bad_line_and_writes_nothing(client, campus):
    load(campus.school, "2026-2", GOOD_CSV.read_text(encoding="utf-8"))
    before = counts()
    ids = course_ids(campus.school, "2026-2")

    with pytest.raises(CatalogError) as caught:
        parse_catalog(io.StringIO(BAD_CSV.read_text(encoding="utf-8")))
    errors = caught.value.errors
    # One error for each bad line (3..13), none for the good lines 2 and 14.
    assert reported_lines(errors) == list(range(3, 14)), errors
    by_line = {reported_lines(e)[0]: e for e in errors}
    assert "three" in by_line[3]  # the bad credits value is quoted back
    assert "25:00" in by_line[4]
    assert "Xyz" in by_line[6]
    assert "line 2" in by_line[7]  # the duplicate points at the first occurrence

    # And nothing was written, not even the good rows.
    assert counts() == before
    assert "CSE1001" not in course_ids(campus.school, "2026-2")
    assert course_ids(campus.school, "2026-2") == ids


@pytest.mark.parametrize(
    "row, words",
    [
        ("X1,Bad credits,Kim,three,", ["credits", "three"]),
        ("X1,Decimal credits,Kim,3.5,", ["credits"]),
        ("X1,No credits,Kim,,", ["credits"]),
        ("X1,Negative credits,Kim,-1,", ["credits"]),
        ("X1,Bad hour,Kim,3,Mon 25:00-26:00", ["25:00"]),
        ("X1,Bad minute,Kim,3,Mon 09:61-10:00", ["09:61"]),
        ("X1,Backwards,Kim,3,Mon 11:00-10:00", ["before"]),
        ("X1,Zero length,Kim,3,Mon 10:00-10:00", ["before"]),
        ("X1,Unknown day,Kim,3,Funday 09:00-10:00", ["Funday"]),
        ("X1,Garbage schedule,Kim,3,sometime in the morning", ["schedule"]),
        ('X1,Overlap,Kim,3,"Mon 09:00-10:30; 월 10:00-11:00"', ["overlap"]),
        ("X1,,Kim,3,", ["name"]),
        (",No code,Kim,3,", ["code"]),
        ("C" * 31 + ",Long code,Kim,3,", ["code"]),
        ("X1," + "n" * 201 + ",Kim,3,", ["name"]),
        ("X1,Long professor," + "p" * 101 + ",3,", ["professor"]),
        ("X1,Long room,Kim,3,Mon 09:00-10:00 " + "r" * 51, ["room"]),
        ("X1,Too many,Kim,3,,extra", ["fields"]),
    ],
)
def test_each_kind_of_bad_row_is_named_with_its_line(database_url, row, words):
    text = HEADER + "OK1,Fine,Kim,3,Tue 09:00-10:00\n" + row + "\n"
    with pytest.raises(CatalogError) as caught:
        parse_catalog(io.StringIO(text))
    assert len(caught.value.errors) == 1, caught.value.errors
    error = caught.value.errors[0]
    assert error.startswith("line 3:"), error
    for word in words:
        assert word.lower() in error.lower(), error


def test_a_missing_column_is_reported_on_the_header_line(database_url):
    with pytest.raises(CatalogError) as caught:
        parse_catalog(io.StringIO("code,name,credits,schedule\nX1,Name,3,\n"))
    assert reported_lines(caught.value.errors) == [1]
    assert "professor" in caught.value.errors[0]


def test_an_empty_catalog_is_an_error(database_url):
    with pytest.raises(CatalogError):
        parse_catalog(io.StringIO(HEADER))


def test_touching_meetings_of_one_course_are_fine(client, campus):
    load_rows(campus.school, "2026-2", 'LAB1,Lab,Kim,2,"Fri 10:00-11:00 L1; 금 11:00-12:00 L2"')
    c = course(client, campus.alice, course_ids(campus.school, "2026-2")["LAB1"])
    assert slot_view(c) == [(4, "10:00", "11:00", "L1"), (4, "11:00", "12:00", "L2")]


def test_reimporting_the_same_file_changes_nothing(client, campus):
    text = GOOD_CSV.read_text(encoding="utf-8")
    load(campus.school, "2026-2", text)
    before, ids = counts(), course_ids(campus.school, "2026-2")
    views = {code: course(client, campus.alice, cid) for code, cid in ids.items()}

    load(campus.school, "2026-2", text)
    assert counts() == before
    assert course_ids(campus.school, "2026-2") == ids
    assert {code: course(client, campus.alice, cid) for code, cid in ids.items()} == views


def test_reimporting_with_changes_updates_courses_in_place(client, campus):
    load(campus.school, "2026-2", GOOD_CSV.read_text(encoding="utf-8"))
    ids = course_ids(campus.school, "2026-2")
    assert review(client, campus.alice, ids["CSE2010"], 5).status_code == 200
    kim = course(client, campus.alice, ids["CSE2010"])["professor"]["id"]

    load_rows(
        campus.school,
        "2026-2",
        'CSE2010,자료구조 및 실습,박지성,4,"Tue 15:00-16:15 E302; Thu 15:00-16:15 E302"',
        "CSE3080,Database Systems,Lee Jiwon,3,화 13:30-14:45 공학관 401",
        "NEW1001,Brand New,,1,",
    )
    new_ids = course_ids(campus.school, "2026-2")
    # Same ids for the courses that were there (the other three are left as they were).
    assert {k: new_ids[k] for k in ids} == ids
    assert "NEW1001" in new_ids

    ds = course(client, campus.alice, ids["CSE2010"])
    assert (ds["name"], ds["credits"], ds["professor"]["name"]) == ("자료구조 및 실습", 4, "박지성")
    assert slot_view(ds) == [(1, "15:00", "16:15", "E302"), (3, "15:00", "16:15", "E302")]
    # The review survives (the course keeps its id).
    assert (ds["review_count"], ds["average_rating"]) == (1, 5.0)
    # The dropped meeting is gone, not duplicated.
    assert slot_view(course(client, campus.alice, ids["CSE3080"])) == [
        (1, "13:30", "14:45", "공학관 401")
    ]
    # 김민수 no longer teaches CSE2010 this semester.
    kim_courses = client.get(
        f"/v1/professors/{kim}", params={"semester": "2026-2"}, headers=campus.alice.headers
    ).json()["courses"]
    assert [c["code"] for c in kim_courses] == ["CSE4999"]


def test_the_same_code_in_another_semester_or_school_is_another_course(client, campus):
    row = "CSE2010,자료구조,김민수,3,Mon 09:00-10:15"
    load_rows(campus.school, "2026-1", row)
    load_rows(campus.school, "2026-2", row.replace("Mon", "Tue"))
    load_rows(campus.other_school, "2026-2", row.replace("Mon", "Wed"))
    spring = course_ids(campus.school, "2026-1")["CSE2010"]
    fall = course_ids(campus.school, "2026-2")["CSE2010"]
    other = course_ids(campus.other_school, "2026-2")["CSE2010"]
    assert len({spring, fall, other}) == 3
    weekdays = [
        course(client, campus.alice, c)["slots"][0]["weekday"] for c in (spring, fall, other)
    ]
    assert weekdays == [0, 1, 2]


def test_import_checks_the_semester_and_the_school(campus):
    rows = parse_catalog(io.StringIO(HEADER + "X1,Name,Kim,3,\n"))
    from infra.database import session_scope

    for school, semester in ((campus.school, "2026-3"), (UUID(int=1), "2026-2")):
        with pytest.raises(CatalogError), session_scope() as session:
            import_catalog(session, school, semester, rows)
    assert counts() == {"courses": 0, "course_slots": 0, "professors": 0}


# --- the CLI ----------------------------------------------------------------------------


def test_cli_imports_a_catalog_and_reimports_idempotently(client, campus):
    r = quad("courses", "import", str(campus.school), "2026-2", str(GOOD_CSV))
    assert r.returncode == 0, r.stderr
    assert "5 courses" in r.stdout
    before, ids = counts(), course_ids(campus.school, "2026-2")
    assert before == {"courses": 5, "course_slots": 7, "professors": 3}

    again = quad("courses", "import", str(campus.school), "2026-2", str(GOOD_CSV))
    assert again.returncode == 0, again.stderr
    assert counts() == before
    assert course_ids(campus.school, "2026-2") == ids
    r = search(client, campus.alice, campus.school, q="자료구조")
    assert [c["code"] for c in r.json()["items"]] == ["CSE2010"]


def test_cli_reads_a_file_saved_with_a_byte_order_mark(campus, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(HEADER + "BOM101,엑셀에서 저장,홍길동,3,월 09:00-10:00\n", encoding="utf-8-sig")
    r = quad("courses", "import", str(campus.school), "2026-2", str(path))
    assert r.returncode == 0, r.stderr
    assert list(course_ids(campus.school, "2026-2")) == ["BOM101"]


def test_cli_rejects_a_bad_file_listing_every_error_and_writes_nothing(campus):
    assert quad("courses", "import", str(campus.school), "2026-2", str(GOOD_CSV)).returncode == 0
    before = counts()
    r = quad("courses", "import", str(campus.school), "2026-2", str(BAD_CSV))
    assert r.returncode == 1
    assert reported_lines(r.stderr) == list(range(3, 14)), r.stderr
    assert "imported" not in r.stdout
    assert counts() == before


def test_cli_rejects_a_file_missing_a_column(campus, tmp_path):
    path = tmp_path / "no-credits.csv"
    path.write_text("code,name,professor,schedule\nX1,Name,Kim,\n", encoding="utf-8")
    r = quad("courses", "import", str(campus.school), "2026-2", str(path))
    assert r.returncode == 1
    assert "line 1" in r.stderr and "credits" in r.stderr
    assert counts()["courses"] == 0


def test_cli_reports_a_nul_character_by_line_and_writes_nothing(campus, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_text(HEADER + "OK1,Fine,Kim,3,\nNUL1,Bad\x00name,Kim,3,\n", encoding="utf-8")
    r = quad("courses", "import", str(campus.school), "2026-2", str(path))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr, r.stderr[-1500:]
    assert reported_lines(r.stderr) == [3], r.stderr[-1500:]
    assert counts()["courses"] == 0


def test_cli_handles_a_file_saved_in_the_korean_windows_encoding(campus, tmp_path):
    """Excel in Korea saves CSV as CP949 by default: import it correctly, or refuse it
    with a message, but never crash with a traceback or write something garbled."""
    path = tmp_path / "cp949.csv"
    path.write_bytes((HEADER + "KOR1,자료구조,김민수,3,월 09:00-10:00\n").encode("cp949"))
    r = quad("courses", "import", str(campus.school), "2026-2", str(path))
    assert "Traceback" not in r.stderr, r.stderr[-1500:]
    if r.returncode == 0:
        ids = course_ids(campus.school, "2026-2")
        from infra.database import session_scope

        with session_scope() as s:
            name = s.scalar(select(Course.name).where(Course.id == UUID(ids["KOR1"])))
        assert name == "자료구조"
    else:
        assert r.returncode == 1 and r.stderr.strip()
        assert counts()["courses"] == 0


@pytest.mark.parametrize("semester", ["2026-3", "26-2", "2026"])
def test_cli_rejects_a_bad_semester(campus, semester):
    r = quad("courses", "import", str(campus.school), semester, str(GOOD_CSV))
    assert r.returncode == 1
    assert semester in r.stderr
    assert counts()["courses"] == 0


def test_cli_rejects_an_unknown_school(database_url):
    unknown = "00000000-0000-0000-0000-000000000001"
    r = quad("courses", "import", unknown, "2026-2", str(GOOD_CSV))
    assert r.returncode == 1
    assert unknown in r.stderr
    assert counts()["courses"] == 0


# --- catalog search ---------------------------------------------------------------------

SEARCH_ROWS = (
    "CSE2010,자료구조,김민수,3,Mon 09:00-10:15",
    "CSE3080,Database Systems,Lee Jiwon,3,Tue 13:30-14:45",
    "CSE3090,고급데이터베이스설계,Lee Jiwon,3,Thu 13:30-14:45",
    "GEB1001,글쓰기와 소통,,2,Fri 10:00-11:50",
    "MAT1001,Calculus I,Park Sora,3,",
    "FRE2001,Français pratique,Dubois,2,",
)


@pytest.fixture
def catalog(campus):
    load_rows(campus.school, "2026-2", *SEARCH_ROWS)
    # Same words elsewhere: another semester and another school must not show up.
    load_rows(campus.school, "2026-1", "CSE3081,Database Systems (old),Lee Jiwon,3,")
    load_rows(campus.other_school, "2026-2", "DB100,Database Basics,Lee Jiwon,3,")
    return campus


@pytest.mark.parametrize(
    "q, expected",
    [
        ("database", ["CSE3080"]),
        ("DATABASE", ["CSE3080"]),
        ("dAtA", ["CSE3080"]),
        ("systems", ["CSE3080"]),
        ("cse30", ["CSE3080", "CSE3090"]),
        ("mat1001", ["MAT1001"]),
        ("jiwon", ["CSE3080", "CSE3090"]),
        ("LEE", ["CSE3080", "CSE3090"]),
        ("민수", ["CSE2010"]),
        ("김민수", ["CSE2010"]),
        ("자료", ["CSE2010"]),
        ("데이터베이스", ["CSE3090"]),  # inside a word
        ("베이스설", ["CSE3090"]),
        ("소통", ["GEB1001"]),
        # Characters only PostgreSQL lower-cases and splits: it makes the query's terms.
        ("FRANçAIS", ["FRE2001"]),  # ç: not plain
        ("ançais prat", ["FRE2001"]),
        ("çx", []),
        ("zzz", []),
        ("화학", []),
    ],
)
def test_search_by_name_code_or_professor(client, catalog, q, expected):
    assert codes(client, catalog.alice, catalog.school, q) == expected


def test_search_stays_in_the_school_and_semester(client, catalog):
    assert codes(client, catalog.alice, catalog.school, "database", "2026-1") == ["CSE3081"]
    assert codes(client, catalog.alice, catalog.other_school, "database") == ["DB100"]


def test_without_q_the_whole_catalog_is_listed_by_code(client, catalog):
    r = search(client, catalog.alice, catalog.school)
    assert r.status_code == 200
    assert [c["code"] for c in r.json()["items"]] == sorted(
        row.split(",")[0] for row in SEARCH_ROWS
    )
    assert r.json()["next_cursor"] is None
    first = r.json()["items"][0]
    assert first["professor"]["name"] == "김민수"
    assert slot_view(first) == [(0, "09:00", "10:15", "")]


def test_search_pages_through_everything_once(client, campus):
    rows = [f"GEN{i:03d},교양 과목 {i},교수 {i % 7},3,Mon 09:00-10:00" for i in range(45)]
    rows += [f"ABC{i:03d},Other {i},Someone,3," for i in range(5)]
    load_rows(campus.school, "2026-2", *rows)

    def pages(limit: int, **params: str) -> list[str]:
        listed, cursor = [], None
        while True:
            extra = {"cursor": cursor} if cursor else {}
            r = search(client, campus.alice, campus.school, limit=limit, **params, **extra)
            assert r.status_code == 200, r.text
            assert len(r.json()["items"]) <= limit
            listed += [c["code"] for c in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                return listed

    assert pages(7) == sorted(r.split(",")[0] for r in rows)
    assert pages(4, q="교양") == [f"GEN{i:03d}" for i in range(45)]

    # Matches spread among the probe's courses and past them.
    def matching(q: str) -> list[str]:
        texts = {r.split(",")[0]: " ".join(r.split(",")[:3]).lower() for r in rows}
        return sorted(c for c, t in texts.items() if all(w in t for w in q.lower().split()))

    assert pages(4, q="교수 3") == matching("교수 3") != []
    assert pages(3, q="other") == [f"ABC{i:03d}" for i in range(5)]

    # A page of exactly `limit` at the end has no next cursor leading to an empty page.
    page = search(client, campus.alice, campus.school, limit=50).json()
    assert len(page["items"]) == 50 and page["next_cursor"] is None


def test_a_search_page_is_one_statement_with_its_courses_slots(client, campus, count_statements):
    rows = [
        f"GEN{i:03d},교양 과목 {i},교수 {i % 7},3,Mon 09:00-10:00; Wed 09:00-10:00"
        for i in range(30)
    ]
    load_rows(campus.school, "2026-2", *rows)
    for params in ({}, {"q": "교양"}, {"q": "gen 교수"}):
        with count_statements as counter:
            first = search(client, campus.alice, campus.school, limit=10, **params)
        assert first.status_code == 200 and counter.count == 1, counter.statements
        assert all(len(c["slots"]) == 2 for c in first.json()["items"])
        with count_statements as counter:
            cursor = first.json()["next_cursor"]
            second = search(client, campus.alice, campus.school, limit=10, cursor=cursor, **params)
        assert second.status_code == 200 and counter.count == 1, counter.statements
        assert [c["code"] for c in second.json()["items"]] == [f"GEN{i:03d}" for i in range(10, 20)]


@pytest.mark.parametrize("q", ["a", "가", " "])
def test_a_query_shorter_than_two_characters_is_422(client, catalog, q):
    r = search(client, catalog.alice, catalog.school, q=q)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_a_nul_character_in_the_query_is_422_not_500(client, catalog):
    assert search(client, catalog.alice, catalog.school, q="자료\u0000구조").status_code == 422


@pytest.mark.parametrize("semester", ["2026-3", "2026", "26-2", "2026-02", "fall"])
def test_a_bad_semester_is_422(client, catalog, semester):
    assert search(client, catalog.alice, catalog.school, semester).status_code == 422


def test_the_semester_is_required(client, catalog):
    r = client.get(f"/v1/schools/{catalog.school}/courses", headers=catalog.alice.headers)
    assert r.status_code == 422


def test_a_bad_cursor_is_422(client, catalog):
    assert search(client, catalog.alice, catalog.school, cursor="nonsense").status_code == 422


def test_the_catalog_needs_a_signed_in_user(client, catalog):
    r = client.get(f"/v1/schools/{catalog.school}/courses", params={"semester": "2026-2"})
    assert r.status_code == 401


def test_an_unknown_course_is_404(client, campus):
    r = client.get(f"/v1/courses/{UUID(int=5)}", headers=campus.alice.headers)
    assert r.status_code == 404


# --- professors -------------------------------------------------------------------------


def test_professor_lookup_by_semester(client, campus):
    load_rows(campus.school, "2026-1", "CSE1001,프로그래밍기초,김민수,3,Mon 09:00-10:00")
    load_rows(
        campus.school,
        "2026-2",
        "CSE2010,자료구조,김민수,3,Mon 09:00-10:15",
        "CSE4999,Capstone Design,김민수,3,",
        "MAT1001,Calculus I,Park Sora,3,",
    )
    # The same name at another school is another person.
    load_rows(campus.other_school, "2026-2", "X100,Elsewhere,김민수,3,")
    ids = course_ids(campus.school, "2026-2")
    kim = course(client, campus.alice, ids["CSE2010"])["professor"]
    assert course(client, campus.alice, ids["CSE4999"])["professor"]["id"] == kim["id"]

    def lookup(**params):
        r = client.get(f"/v1/professors/{kim['id']}", params=params, headers=campus.alice.headers)
        assert r.status_code == 200, r.text
        return r.json()

    fall = lookup(semester="2026-2")
    assert (fall["name"], fall["school_id"]) == ("김민수", str(campus.school))
    assert [c["code"] for c in fall["courses"]] == ["CSE2010", "CSE4999"]
    assert slot_view(fall["courses"][0]) == [(0, "09:00", "10:15", "")]
    assert [c["code"] for c in lookup(semester="2026-1")["courses"]] == ["CSE1001"]
    assert lookup(semester="2025-2")["courses"] == []
    # Without a semester: every course, newest semester first.
    assert [(c["semester"], c["code"]) for c in lookup()["courses"]] == [
        ("2026-2", "CSE2010"),
        ("2026-2", "CSE4999"),
        ("2026-1", "CSE1001"),
    ]


def test_professor_lookup_errors(client, campus):
    load_rows(campus.school, "2026-2", "CSE2010,자료구조,김민수,3,")
    kim = course(client, campus.alice, course_ids(campus.school, "2026-2")["CSE2010"])
    kim_id = kim["professor"]["id"]
    h = campus.alice.headers
    assert client.get(f"/v1/professors/{UUID(int=9)}", headers=h).status_code == 404
    r = client.get(f"/v1/professors/{kim_id}", params={"semester": "2026-9"}, headers=h)
    assert r.status_code == 422


# --- reviews ----------------------------------------------------------------------------


@pytest.fixture
def ds(campus) -> str:
    """A course at campus.school; its id."""
    load_rows(campus.school, "2026-2", "CSE2010,자료구조,김민수,3,Mon 09:00-10:15")
    return course_ids(campus.school, "2026-2")["CSE2010"]


def test_one_review_per_user_and_course_put_replaces(client, campus, ds):
    r = review(client, campus.alice, ds, 3, text="그럭저럭", semester_taken="2025-2")
    assert r.status_code == 200, r.text
    first = r.json()
    assert (first["rating"], first["text"], first["semester_taken"]) == (3, "그럭저럭", "2025-2")
    assert first["is_mine"] is True and first["updated_at"] is None

    r = review(client, campus.alice, ds, 5, text="다시 생각해보니 최고", semester_taken="2026-1")
    assert r.status_code == 200
    second = r.json()
    assert second["id"] == first["id"]
    assert (second["rating"], second["text"], second["semester_taken"]) == (
        5,
        "다시 생각해보니 최고",
        "2026-1",
    )
    assert second["updated_at"] is not None

    items = client.get(f"/v1/courses/{ds}/reviews", headers=campus.bob.headers).json()["items"]
    assert [(i["id"], i["rating"]) for i in items] == [(first["id"], 5)]
    c = course(client, campus.bob, ds)
    assert (c["review_count"], c["average_rating"]) == (1, 5.0)


def test_average_and_count_are_exact(client, world, campus, ds):
    reviewers = world.users(campus.school, 3)
    for user, rating in zip(reviewers, (5, 4, 4), strict=True):
        assert review(client, user, ds, rating).status_code == 200
    c = course(client, campus.alice, ds)
    assert c["review_count"] == 3
    assert c["average_rating"] == pytest.approx(13 / 3, abs=0.005)

    # Replacing one changes the average, not the count; deleting one changes both.
    assert review(client, reviewers[0], ds, 1).status_code == 200
    c = course(client, campus.alice, ds)
    assert (c["review_count"], c["average_rating"]) == (3, 3.0)
    assert (
        client.delete(f"/v1/courses/{ds}/review", headers=reviewers[1].headers).status_code == 204
    )
    c = course(client, campus.alice, ds)
    assert (c["review_count"], c["average_rating"]) == (2, 2.5)

    # The search results carry the same figures.
    found = search(client, campus.alice, campus.school, q="자료구조").json()["items"][0]
    assert (found["review_count"], found["average_rating"]) == (2, 2.5)

    for user in (reviewers[0], reviewers[2]):
        client.delete(f"/v1/courses/{ds}/review", headers=user.headers)
    c = course(client, campus.alice, ds)
    assert (c["review_count"], c["average_rating"]) == (0, None)


@pytest.mark.parametrize("rating", [0, 6, -1, 4.5, 4.0, "5", True, None])
def test_a_rating_outside_one_to_five_or_not_an_integer_is_422(client, campus, ds, rating):
    r = review(client, campus.alice, ds, rating)
    assert r.status_code == 422, r.text
    assert course(client, campus.alice, ds)["review_count"] == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"text": "가" * 2001},
        {"text": "a" * 2001},
        {"semester_taken": "2026-3"},
        {"semester_taken": ""},
        {"surprise": "field"},
    ],
)
def test_bad_review_fields_are_422(client, campus, ds, fields):
    r = review(client, campus.alice, ds, 4, **fields)
    assert r.status_code == 422, r.text
    assert course(client, campus.alice, ds)["review_count"] == 0


def test_a_review_without_semester_taken_is_422(client, campus, ds):
    r = client.put(f"/v1/courses/{ds}/review", json={"rating": 4}, headers=campus.alice.headers)
    assert r.status_code == 422


def test_the_longest_review_text_is_kept_whole(client, campus, ds):
    text = "좋" * 2000
    r = review(client, campus.alice, ds, 4, text=text)
    assert r.status_code == 200, r.text
    items = client.get(f"/v1/courses/{ds}/reviews", headers=campus.alice.headers).json()["items"]
    assert items[0]["text"] == text
    # Characters, not bytes or UTF-16 units, are counted.
    assert review(client, campus.alice, ds, 4, text="😀" * 2000).status_code == 200
    assert review(client, campus.alice, ds, 4, text="😀" * 2001).status_code == 422


def test_a_nul_character_in_a_review_is_422_not_500(client, campus, ds):
    r = review(client, campus.alice, ds, 4, text="좋아요\u0000")
    assert r.status_code == 422, r.text
    assert course(client, campus.alice, ds)["review_count"] == 0


def test_only_members_of_the_school_review_or_read_reviews(client, campus, ds):
    assert review(client, campus.alice, ds, 5).status_code == 200
    h = campus.outsider.headers
    assert review(client, campus.outsider, ds, 1).status_code == 404
    assert client.delete(f"/v1/courses/{ds}/review", headers=h).status_code == 404
    assert client.get(f"/v1/courses/{ds}/reviews", headers=h).status_code == 404
    c = course(client, campus.alice, ds)
    assert (c["review_count"], c["average_rating"]) == (1, 5.0)


def test_reviewing_an_unknown_course_is_404(client, campus):
    missing = str(UUID(int=77))
    assert review(client, campus.alice, missing, 5).status_code == 404
    assert client.get(
        f"/v1/courses/{missing}/reviews", headers=campus.alice.headers
    ).status_code == (404)


def test_delete_your_own_review_only(client, campus, ds):
    assert review(client, campus.alice, ds, 2).status_code == 200
    assert review(client, campus.bob, ds, 4).status_code == 200
    url = f"/v1/courses/{ds}/review"
    # Carol has no review: deleting is 404, and nobody else's goes away.
    assert client.delete(url, headers=campus.carol.headers).status_code == 404
    assert course(client, campus.alice, ds)["review_count"] == 2

    assert client.delete(url, headers=campus.alice.headers).status_code == 204
    assert client.delete(url, headers=campus.alice.headers).status_code == 404
    items = client.get(f"/v1/courses/{ds}/reviews", headers=campus.bob.headers).json()["items"]
    assert [(i["rating"], i["is_mine"]) for i in items] == [(4, True)]
    c = course(client, campus.alice, ds)
    assert (c["review_count"], c["average_rating"]) == (1, 4.0)

    # And she can review again afterwards.
    assert review(client, campus.alice, ds, 3).status_code == 200
    assert course(client, campus.alice, ds)["review_count"] == 2


def test_reviews_are_newest_first_paginated_and_anonymous(client, world, campus, ds):
    reviewers = world.users(campus.school, 12)
    written = []
    for i, user in enumerate(reviewers):
        r = review(client, user, ds, i % 5 + 1, text=f"review {i}")
        assert r.status_code == 200
        written.append(r.json()["id"])

    url = f"/v1/courses/{ds}/reviews"
    listed = all_pages(client, reviewers[3], url, limit=5)
    assert [r["id"] for r in listed] == written[::-1]
    assert [r["text"] for r in listed] == [f"review {i}" for i in range(11, -1, -1)]
    assert [r["is_mine"] for r in listed] == [i == 3 for i in range(11, -1, -1)]

    # Nothing in a review names or identifies its author.
    for item in listed:
        assert not {"user_id", "author", "author_id", "nickname", "user"} & set(item)
        flat = str(item)
        for user in reviewers:
            assert str(user.id) not in flat and user.nickname not in flat

    # Replacing a review edits it: still twelve, one of them edited, none of them Alice's.
    assert review(client, reviewers[0], ds, 5, text="edited").status_code == 200
    again = all_pages(client, campus.alice, url, limit=50)
    assert sorted(r["id"] for r in again) == sorted(written)
    assert [r["text"] for r in again if r["id"] == written[0]] == ["edited"]
    assert not any(r["is_mine"] for r in again)


# --- concurrent reviews (a real two-worker server) --------------------------------------


def stored_reviews(course_id: str) -> list[int]:
    from infra.database import session_scope

    with session_scope() as s:
        return list(s.scalars(select(Review.rating).where(Review.course_id == UUID(course_id))))


@pytest.mark.live
def test_twenty_users_reviewing_at_once_are_all_counted(live_server, world, campus, ds):
    users = world.users(campus.school, 20)
    ratings = [(i * 7) % 5 + 1 for i in range(17)] + [5, 5, 2]
    path = f"/v1/courses/{ds}/review"
    responses = burst(
        live_server,
        [
            ("PUT", path, u, {"rating": r, "semester_taken": "2026-1"})
            for u, r in zip(users, ratings, strict=True)
        ],
    )
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses][:3]
    assert sorted(stored_reviews(ds)) == sorted(ratings)

    c = httpx.get(f"{live_server}/v1/courses/{ds}", headers=campus.alice.headers).json()
    assert c["review_count"] == 20
    assert c["average_rating"] == pytest.approx(sum(ratings) / 20, abs=0.005)


@pytest.mark.live
def test_one_user_replacing_a_review_at_once_counts_once(live_server, world, campus, ds):
    others = world.users(campus.school, 2)
    for user, rating in zip(others, (1, 2), strict=True):
        r = httpx.put(
            f"{live_server}/v1/courses/{ds}/review",
            json={"rating": rating, "semester_taken": "2026-1"},
            headers=user.headers,
        )
        assert r.status_code == 200, r.text
    path = f"/v1/courses/{ds}/review"
    requests = [
        (
            "PUT",
            path,
            campus.alice,
            {"rating": i % 5 + 1, "text": f"take {i}", "semester_taken": "2026-1"},
        )
        for i in range(20)
    ]
    responses = burst(live_server, requests)
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses][:3]
    assert len({r.json()["id"] for r in responses}) == 1

    ratings = stored_reviews(ds)
    assert len(ratings) == 3
    mine = [
        r
        for r in httpx.get(
            f"{live_server}/v1/courses/{ds}/reviews", headers=campus.alice.headers
        ).json()["items"]
        if r["is_mine"]
    ]
    assert len(mine) == 1
    c = httpx.get(f"{live_server}/v1/courses/{ds}", headers=campus.alice.headers).json()
    assert c["review_count"] == 3
    assert c["average_rating"] == pytest.approx((1 + 2 + mine[0]["rating"]) / 3, abs=0.005)
