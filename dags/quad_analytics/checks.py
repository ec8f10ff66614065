"""Data-quality checks on a loaded day. Any failure fails the run, with every finding named.

1. Per event type, the warehouse holds exactly as many events for the day as the source
   had in the extraction snapshot (counted by a plain count of the source table), and
   active_user_days and board_active_users as many rows (and boards' users) as the
   snapshot's active users query gave.
2. No event lacks a key: the common ones (id, type, time, date, school) and its type's own
   (a like's post, a report's target ...); anonymous content carries no author key while
   named content carries one, and only signups and named posts and comments carry a
   user_key.
3. No event id appears twice in the day, nor a week key in a school's day, nor a board.

The SQL is BigQuery's (run as is on BigQuery, transpiled on DuckDB), filtered on the
partition column, so a check reads only the day it checks.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from infra.warehouse import Warehouse
from quad_analytics.sources import EVENT_SOURCES, EVENT_TYPES
from quad_analytics.tables import ACTIVE_USER_DAYS, BOARD_ACTIVE_USERS

COMMON_KEYS = ("event_id", "event_type", "event_at", "event_date", "school_id")


class DataQualityError(Exception):
    """The warehouse disagrees with the source, or holds invalid rows."""


def _quote(event_type: str) -> str:
    if not event_type.isidentifier():
        raise ValueError(f"Unexpected event type {event_type!r}")
    return f"'{event_type}'"


def invalid_rows_condition() -> str:
    """True on a row that lacks a key or breaks its type's rules."""
    parts = [f"{key} IS NULL" for key in COMMON_KEYS]
    parts.append(f"event_type NOT IN ({', '.join(_quote(t) for t in EVENT_TYPES)})")
    for source in EVENT_SOURCES:
        rules = [f"{key} IS NULL" for key in source.required]
        if source.invalid_when:
            rules.append(f"({source.invalid_when})")
        if not source.user_key:
            # What the app shows without its author carries no pseudonym (dags/README.md).
            rules.append("user_key IS NOT NULL")
        if rules:
            parts.append(f"(event_type = {_quote(source.event_type)} AND ({' OR '.join(rules)}))")
    return "\n   OR ".join(parts)


COUNTS_SQL = """
SELECT event_type, COUNT(*) AS events
FROM activity_events
WHERE event_date = @day
GROUP BY event_type
"""

DUPLICATES_SQL = """
SELECT COUNT(*) AS events, COUNT(DISTINCT event_id) AS distinct_ids
FROM activity_events
WHERE event_date = @day
"""


def invalid_rows_sql() -> str:
    return f"""
SELECT event_type, COUNT(*) AS invalid_rows
FROM activity_events
WHERE event_date = @day
  AND ({invalid_rows_condition()})
GROUP BY event_type
"""


USERS_CHECK_SQL = """
SELECT
  COUNT(*) AS users,
  COUNT(*) - COUNT(DISTINCT school_id || '/' || week_key) AS duplicates
FROM active_user_days
WHERE activity_date = @day
"""

BOARDS_CHECK_SQL = """
SELECT
  COUNT(*) AS boards,
  COALESCE(SUM(active_users), 0) AS active_users,
  COUNT(*) - COUNT(DISTINCT board_id) AS duplicates
FROM board_active_users
WHERE activity_date = @day
"""


def check_active_users(warehouse: Warehouse, day: date, entry: dict[str, Any]) -> list[str]:
    """Findings for one day's active_user_days and board_active_users: as many rows (and
    boards' users) as the snapshot's active users query gave, no user or board twice."""
    params: dict[str, Any] = {"day": day}
    findings = []
    (users,) = warehouse.query(USERS_CHECK_SQL, params)
    expected = entry[ACTIVE_USER_DAYS]["staged_rows"]
    if users["users"] != expected:
        findings.append(
            f"{day} {ACTIVE_USER_DAYS}: {users['users']} active users in the warehouse, "
            f"{expected} in the source"
        )
    if users["duplicates"]:
        findings.append(
            f"{day} {ACTIVE_USER_DAYS}: {users['duplicates']} duplicate week keys in a school"
        )
    (boards,) = warehouse.query(BOARDS_CHECK_SQL, params)
    staged = entry[BOARD_ACTIVE_USERS]
    loaded = (boards["boards"], boards["active_users"])
    if loaded != (staged["staged_rows"], staged["active_users"]):
        findings.append(
            f"{day} {BOARD_ACTIVE_USERS}: {loaded[0]} boards with {loaded[1]} active users in "
            f"the warehouse, {staged['staged_rows']} with {staged['active_users']} in the source"
        )
    if boards["duplicates"]:
        findings.append(f"{day} {BOARD_ACTIVE_USERS}: {boards['duplicates']} duplicate boards")
    return findings


def check_day(warehouse: Warehouse, day: date, source_counts: dict[str, int]) -> list[str]:
    """Findings for one day's events (empty when the day is sound)."""
    params: dict[str, Any] = {"day": day}
    findings = []

    loaded = {r["event_type"]: r["events"] for r in warehouse.query(COUNTS_SQL, params)}
    for event_type in sorted(set(source_counts) | set(loaded)):
        expected, actual = source_counts.get(event_type, 0), loaded.get(event_type, 0)
        if expected != actual:
            findings.append(
                f"{day} {event_type}: {actual} events in the warehouse, {expected} in the source"
            )

    for row in warehouse.query(invalid_rows_sql(), params):
        findings.append(
            f"{day} {row['event_type']}: {row['invalid_rows']} rows with a missing key "
            "or a broken anonymity rule"
        )

    (dupes,) = warehouse.query(DUPLICATES_SQL, params)
    if dupes["events"] != dupes["distinct_ids"]:
        findings.append(
            f"{day}: {dupes['events'] - dupes['distinct_ids']} duplicate event ids "
            f"({dupes['events']} events, {dupes['distinct_ids']} distinct ids)"
        )
    return findings


def check_days(warehouse: Warehouse, manifest: list[dict[str, Any]]) -> None:
    findings = []
    for entry in manifest:
        day = date.fromisoformat(entry["day"])
        findings += check_day(warehouse, day, entry["source_counts"])
        findings += check_active_users(warehouse, day, entry)
    if findings:
        raise DataQualityError(
            f"{len(findings)} data-quality check(s) failed:\n  " + "\n  ".join(findings)
        )
