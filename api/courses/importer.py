"""Loading a school's catalog for a semester from the CSV schools publish.

    code,name,professor,credits,schedule
    CSE2010,자료구조,김민수,3,"Mon 09:00-10:15 E301; Wed 09:00-10:15 E301"

Weekdays are Mon..Sun or 월..일; the room is optional; an empty professor is "to be
announced"; an empty schedule is an online or arranged course. Every row is checked
first: if any row is bad, nothing is written and every error is reported with its line.
Importing again updates courses in place (keyed by school, semester and code), so a
re-import of the same file changes nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from typing import TextIO
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from api.courses.models import SEMESTER_PATTERN, Course, CourseSlot, Professor
from api.schools.models import School

COLUMNS = ("code", "name", "professor", "credits", "schedule")
_WEEKDAYS = {
    **{d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{d: i for i, d in enumerate("월화수목금토일")},
}
_SLOT = re.compile(r"^(\S+)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?:\s+(.+))?$")
_BATCH = 1000


@dataclass
class CatalogRow:
    line: int
    code: str
    name: str
    professor: str
    credits: int
    slots: list[tuple[int, time, time, str]]


@dataclass
class ImportReport:
    courses: int = 0
    professors: int = 0


class CatalogError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} bad rows")
        self.errors = errors


def parse_catalog(source: TextIO) -> list[CatalogRow]:
    """Every row, checked. Raises CatalogError listing each bad line."""
    reader = csv.DictReader(source)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if sorted(header) != sorted(COLUMNS):
        raise CatalogError([f"line 1: the header must be {','.join(COLUMNS)} (got {header})"])
    reader.fieldnames = header
    rows: list[CatalogRow] = []
    errors: list[str] = []
    first_line: dict[str, int] = {}
    line = 1
    for raw in reader:
        line = reader.line_num
        try:
            row = _parse_row(line, raw)
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
            continue
        if row.code in first_line:
            errors.append(f"line {line}: code {row.code} is already on line {first_line[row.code]}")
            continue
        first_line[row.code] = line
        rows.append(row)
    if not rows and not errors:
        errors.append("the file has no courses")
    if errors:
        raise CatalogError(errors)
    return rows


def _parse_row(line: int, given: dict[str | None, str | None]) -> CatalogRow:
    if None in given or any(v is None for v in given.values()):
        raise ValueError("wrong number of fields")
    raw: dict[str, str] = {k: v for k, v in given.items() if k is not None and v is not None}
    if any("\x00" in v for v in raw.values()):
        raise ValueError("contains a NUL character")
    code = raw["code"].strip()
    name = raw["name"].strip()
    professor = raw["professor"].strip()
    if not code or len(code) > 30:
        raise ValueError("code must be 1-30 characters")
    if not name or len(name) > 200:
        raise ValueError("name must be 1-200 characters")
    if len(professor) > 100:
        raise ValueError("professor must be at most 100 characters")
    try:
        credits = int(raw["credits"].strip())
    except ValueError:
        raise ValueError(f"credits must be a whole number, not {raw['credits']!r}") from None
    if not 0 <= credits <= 30:
        raise ValueError("credits must be between 0 and 30")
    slots = [_parse_slot(part.strip()) for part in raw["schedule"].split(";") if part.strip()]
    for i, a in enumerate(slots):
        for b in slots[i + 1 :]:
            if a[0] == b[0] and a[1] < b[2] and b[1] < a[2]:
                raise ValueError("two meetings of the course overlap")
    return CatalogRow(line, code, name, professor, credits, slots)


def _parse_slot(text: str) -> tuple[int, time, time, str]:
    match = _SLOT.match(text)
    if not match:
        raise ValueError(f"schedule {text!r} is not like 'Mon 09:00-10:15 E301'")
    day, h1, m1, h2, m2, room = match.groups()
    weekday = _WEEKDAYS.get(day.lower())
    if weekday is None:
        raise ValueError(f"unknown weekday {day!r} (use Mon..Sun or 월..일)")
    try:
        start, end = time(int(h1), int(m1)), time(int(h2), int(m2))
    except ValueError:
        raise ValueError(f"bad time in {text!r}") from None
    if start >= end:
        raise ValueError(f"{text!r} ends before it starts")
    room = (room or "").strip()
    if len(room) > 50:
        raise ValueError("room must be at most 50 characters")
    return weekday, start, end, room


def import_catalog(
    session: Session, school_id: UUID, semester: str, rows: list[CatalogRow]
) -> ImportReport:
    """Upsert the rows (already checked) in batches; one transaction for the whole file."""
    if not re.match(SEMESTER_PATTERN, semester):
        raise CatalogError([f"semester {semester!r} is not like 2026-1, 2026-2, 2026-S, 2026-W"])
    if session.get(School, school_id) is None:
        raise CatalogError([f"no school with id {school_id}"])
    professors = _professor_ids(session, school_id, {r.professor for r in rows if r.professor})
    for batch in _batches(rows):
        stmt = insert(Course).values(
            [
                {
                    "school_id": school_id,
                    "semester": semester,
                    "code": r.code,
                    "name": r.name,
                    "professor_id": professors.get(r.professor),
                    "professor_name": r.professor,
                    "credits": r.credits,
                }
                for r in batch
            ]
        )
        ids = dict(
            session.execute(
                stmt.on_conflict_do_update(
                    index_elements=[Course.school_id, Course.semester, Course.code],
                    set_={
                        "name": stmt.excluded.name,
                        "professor_id": stmt.excluded.professor_id,
                        "professor_name": stmt.excluded.professor_name,
                        "credits": stmt.excluded.credits,
                    },
                ).returning(Course.code, Course.id)
            ).all()
        )
        session.execute(delete(CourseSlot).where(CourseSlot.course_id.in_(ids.values())))
        slots = [
            {"course_id": ids[r.code], "weekday": d, "starts_at": s, "ends_at": e, "room": room}
            for r in batch
            for d, s, e, room in r.slots
        ]
        if slots:
            session.execute(insert(CourseSlot).values(slots))
    return ImportReport(courses=len(rows), professors=len(professors))


def _professor_ids(session: Session, school_id: UUID, names: set[str]) -> dict[str, UUID]:
    for batch in _batches(sorted(names)):
        session.execute(
            insert(Professor)
            .values([{"school_id": school_id, "name": n} for n in batch])
            .on_conflict_do_nothing(index_elements=[Professor.school_id, Professor.name])
        )
    ids: dict[str, UUID] = {}
    for batch in _batches(sorted(names)):
        ids.update(
            session.execute(
                select(Professor.name, Professor.id).where(
                    Professor.school_id == school_id, Professor.name.in_(batch)
                )
            ).all()
        )
    return ids


def _batches(items: Iterable, size: int = _BATCH):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
