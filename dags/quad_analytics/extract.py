"""Stream a day's activity out of PostgreSQL into staged NDJSON parts: per day its events
(activity_events) and its active users (active_user_days, board_active_users).

One read-only REPEATABLE READ transaction covers every day and event type of a run, so
each type's source count and its rows come from the same snapshot. Rows arrive through
server-side cursors, `fetch_rows` at a time, and leave as NDJSON parts of at most
`part_rows` lines: memory holds one fetch, never the day.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, time, timedelta
from typing import IO, Any

from sqlalchemy import Connection, Engine, text

from infra.warehouse import Staging
from quad_analytics.privacy import Pseudonymizer
from quad_analytics.sources import ACTIVE_USERS_SQL, DIMENSION_SQL, EVENT_SOURCES, EventSource
from quad_analytics.tables import ACTIVE_USER_DAYS, ACTIVITY_EVENTS, BOARD_ACTIVE_USERS

# Columns every event query returns that are not copied as they are.
_SPECIAL = ("source_key", "actor_id", "event_at")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


def activity_prefix(day: date) -> str:
    return day_prefix(ACTIVITY_EVENTS, day)


def day_prefix(table: str, day: date) -> str:
    return f"{table}/{day.isoformat()}"


class PartWriter:
    """Lines into staged parts `<prefix>/part-NNNNN.ndjson`, a new part every `part_rows`."""

    def __init__(self, staging: Staging, prefix: str, part_rows: int) -> None:
        self.staging = staging
        self.prefix = prefix
        self.part_rows = part_rows
        self.names: list[str] = []
        self.rows = 0
        self._part: AbstractContextManager[IO[bytes]] | None = None
        self._file: IO[bytes] | None = None
        self._in_part = 0

    def write_lines(self, lines: Iterable[bytes]) -> None:
        for line in lines:
            if self._file is None:
                name = f"{self.prefix}/part-{len(self.names):05d}.ndjson"
                self._part = self.staging.open(name)
                self._file = self._part.__enter__()
                self.names.append(name)
            self._file.write(line)
            self.rows += 1
            self._in_part += 1
            if self._in_part >= self.part_rows:
                self._close_part()

    def _close_part(self, error: BaseException | None = None) -> None:
        if self._part is not None:
            part, self._part, self._file, self._in_part = self._part, None, None, 0
            if error is None:
                part.__exit__(None, None, None)
            else:
                part.__exit__(type(error), error, error.__traceback__)

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._close_part(exc)

    @property
    def uris(self) -> list[str]:
        return [self.staging.uri(name) for name in self.names]


def event_lines(
    rows: Iterable[Any], columns: list[str], source: EventSource, day: date, pseudo: Pseudonymizer
) -> Iterator[bytes]:
    """activity_events rows as NDJSON lines; NULL columns are left out (they load as NULL).
    The actor becomes user_key only on the types the app shows with their author."""
    key_i, actor_i, at_i = (columns.index(c) for c in _SPECIAL)
    attributes = [(name, i) for i, name in enumerate(columns) if name not in _SPECIAL]
    event_type, event_date = source.event_type, day.isoformat()
    keyed = source.user_key
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    for row in rows:
        record: dict[str, Any] = {
            "event_id": pseudo.event_id(event_type, row[key_i]),
            "event_type": event_type,
            "event_at": row[at_i].astimezone(UTC).isoformat(),
            "event_date": event_date,
        }
        actor = row[actor_i]
        if keyed and actor is not None:
            record["user_key"] = pseudo.user_key(actor)
        for name, i in attributes:
            value = row[i]
            if value is not None:
                record[name] = value
        yield (dumps(record) + "\n").encode()


def stage_active_users(
    rows: Iterable[Any],
    columns: list[str],
    day: date,
    pseudo: Pseudonymizer,
    users: PartWriter,
    boards: PartWriter,
) -> int:
    """Route ACTIVE_USERS_SQL's rows as NDJSON lines: a user's row into active_user_days
    (the user becomes their week key), a board's count into board_active_users. Returns
    the sum of the boards' counts."""
    kind_i, actor_i, school_i, board_i, week_i, users_i = (
        columns.index(c)
        for c in ("kind", "actor_id", "school_id", "board_id", "signup_week", "active_users")
    )
    activity_date = day.isoformat()
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    board_users = 0
    for row in rows:
        if row[kind_i] == "user":
            record = {
                "activity_date": activity_date,
                "school_id": row[school_i],
                "week_key": pseudo.week_key(day, row[actor_i]),
                "signup_week": row[week_i].isoformat(),
            }
            users.write_lines([(dumps(record) + "\n").encode()])
        else:
            record = {
                "activity_date": activity_date,
                "school_id": row[school_i],
                "board_id": row[board_i],
                "active_users": row[users_i],
            }
            board_users += row[users_i]
            boards.write_lines([(dumps(record) + "\n").encode()])
    return board_users


def _stream(conn: Connection, sql: str, params: dict[str, Any], fetch_rows: int):
    # A server-side cursor read `fetch_rows` at a time. For text() statements SQLAlchemy
    # ignores the yield_per execution option (the cursor would FETCH ALL): set it on the
    # result.
    result = conn.execute(text(sql), params, execution_options={"stream_results": True})
    result = result.yield_per(fetch_rows)
    columns = list(result.keys())
    return columns, (row for partition in result.partitions() for row in partition)


def read_only(engine: Engine) -> Connection:
    """A connection whose transactions are read-only and see one snapshot."""
    return engine.connect().execution_options(
        isolation_level="REPEATABLE READ", postgresql_readonly=True
    )


def extract_days(
    days: Iterable[date],
    *,
    engine: Engine,
    staging: Staging,
    pseudo: Pseudonymizer,
    fetch_rows: int,
    part_rows: int,
) -> list[dict[str, Any]]:
    """Stage each day's events and active users. Returns, per day, the staged URIs, the
    rows staged and each event type's source count (same snapshot), and for
    active_user_days and board_active_users their staged URIs and rows (and the sum of
    the boards' counts)."""
    manifest = []
    with read_only(engine) as conn:
        for day in days:
            start, end = day_bounds(day)
            params = {"start": start, "end": end}
            prefix = activity_prefix(day)
            staging.clear(prefix)
            counts: dict[str, int] = {}
            with PartWriter(staging, prefix, part_rows) as writer:
                for source in EVENT_SOURCES:
                    counts[source.event_type] = conn.execute(
                        text(source.count_sql), params
                    ).scalar_one()
                    columns, rows = _stream(conn, source.rows_sql, params, fetch_rows)
                    writer.write_lines(event_lines(rows, columns, source, day, pseudo))
            entry: dict[str, Any] = {
                "day": day.isoformat(),
                "uris": writer.uris,
                "staged_rows": writer.rows,
                "source_counts": counts,
            }
            for name in (ACTIVE_USER_DAYS, BOARD_ACTIVE_USERS):
                staging.clear(day_prefix(name, day))
            with (
                PartWriter(staging, day_prefix(ACTIVE_USER_DAYS, day), part_rows) as users,
                PartWriter(staging, day_prefix(BOARD_ACTIVE_USERS, day), part_rows) as boards,
            ):
                columns, rows = _stream(conn, ACTIVE_USERS_SQL, params, fetch_rows)
                board_users = stage_active_users(rows, columns, day, pseudo, users, boards)
            entry[ACTIVE_USER_DAYS] = {"uris": users.uris, "staged_rows": users.rows}
            entry[BOARD_ACTIVE_USERS] = {
                "uris": boards.uris,
                "staged_rows": boards.rows,
                "active_users": board_users,
            }
            manifest.append(entry)
        conn.rollback()
    return manifest


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def extract_dimensions(
    *, engine: Engine, staging: Staging, fetch_rows: int, part_rows: int
) -> dict[str, list[str]]:
    """Stage a snapshot of every dimension table. Returns the staged URIs per table."""
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    staged = {}
    with read_only(engine) as conn:
        for table, sql in DIMENSION_SQL.items():
            prefix = f"dimensions/{table}"
            staging.clear(prefix)
            columns, rows = _stream(conn, sql, {}, fetch_rows)
            with PartWriter(staging, prefix, part_rows) as writer:
                writer.write_lines(
                    (
                        dumps(
                            {
                                c: _plain(v)
                                for c, v in zip(columns, row, strict=True)
                                if v is not None
                            }
                        )
                        + "\n"
                    ).encode()
                    for row in rows
                )
            staged[table] = writer.uris
        conn.rollback()
    return staged
