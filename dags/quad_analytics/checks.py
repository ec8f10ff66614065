"""Data-quality checks on a loaded day. Any failure fails the run, with every finding named.

1. Per event type, the warehouse holds exactly as many events for the day as the source
   had in the extraction snapshot (counted by a plain count of the source table).
2. No event lacks a key: the common ones (id, type, time, date, school) and its type's own
   (a like's user and post, a report's target ...), and anonymous content carries no
   author key while named content carries one.
3. No event id appears twice in the day.

The SQL is BigQuery's (run as is on BigQuery, transpiled on DuckDB), filtered on the
partition column, so a check reads only the day it checks.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from infra.warehouse import Warehouse
from quad_analytics.sources import EVENT_SOURCES, EVENT_TYPES

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


def check_day(warehouse: Warehouse, day: date, source_counts: dict[str, int]) -> list[str]:
    """Findings for one day (empty when the day is sound)."""
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
    findings = [
        finding
        for entry in manifest
        for finding in check_day(
            warehouse, date.fromisoformat(entry["day"]), entry["source_counts"]
        )
    ]
    if findings:
        raise DataQualityError(
            f"{len(findings)} data-quality check(s) failed:\n  " + "\n  ".join(findings)
        )
