"""Three hot spots of pg8000 (pure Python) that dominate a cheap read, and their fixes.

Found by profiling a board page (the figures are in benchmarks/README.md and the commits):
- `timestamptz` parsing with `datetime.strptime` was most of a page's driver time;
  `datetime.fromisoformat` (C, and it reads PostgreSQL's `+00` offsets since Python 3.11)
  does the same for a small fraction of it.
- The DB-API layer rewrites every statement's `%s` placeholders to `$n` with a character
  by character scanner, on every execution. For the `format` paramstyle SQLAlchemy
  uses, the rewrite depends on the SQL text alone, and SQLAlchemy sends the same few
  texts again and again, so it is cached.
- Every parameterised statement went out as an unnamed statement in three round trips
  (parse, describe + bind, execute), parsed again each time. Like psycopg 3 and asyncpg,
  we prepare each distinct statement once per connection and then execute it by name in
  one round trip (and PostgreSQL may then keep a generic plan of it: see infra.database).
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from functools import lru_cache
from importlib.metadata import version
from typing import Any

import pg8000.converters
import pg8000.dbapi
import pg8000.legacy
from pg8000.converters import make_params
from pg8000.exceptions import DatabaseError

# The pg8000 release whose internals (execute_unnamed, prepare_statement, execute_named,
# make_params, convert_paramstyle) this module replaces or calls, and that
# tests/infra/test_pg8000_tuning.py checks against pg8000's own behaviour. Another release
# may have changed them: refuse it until the tests have been run against it and this widened.
SUPPORTED_MINOR = (1, 31)


def check_supported_version() -> None:
    installed = version("pg8000")
    if tuple(int(part) for part in installed.split(".")[:2]) != SUPPORTED_MINOR:
        raise RuntimeError(
            f"pg8000 {installed} is not the release infra/pg8000_tuning.py was checked "
            f"against ({'.'.join(map(str, SUPPORTED_MINOR))}.x). Run tests/infra/"
            "test_pg8000_tuning.py against it and widen SUPPORTED_MINOR, or set "
            "DB_DRIVER_TUNING=false to run pg8000 as it ships."
        )


TIMESTAMPTZ_OID = 1184
TIMESTAMP_OID = 1114

_original_convert = pg8000.dbapi.convert_paramstyle


def timestamptz_in(text: str) -> Any:
    try:
        return datetime.fromisoformat(text)
    except ValueError:  # 'infinity', years past 9999, BC dates: pg8000's own rules
        return pg8000.converters.timestamptz_in(text)


def timestamp_in(text: str) -> Any:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return pg8000.converters.timestamp_in(text)


@lru_cache(maxsize=2048)
def _converted_format_query(query: str) -> str:
    return _original_convert("format", query, ())[0]


def convert_paramstyle(style: str, query: str, args: Any) -> tuple[str, Any]:
    if style == "format":  # placeholders are positional: the values pass through unchanged
        return _converted_format_query(query), args
    return _original_convert(style, query, args)


def install_paramstyle_cache() -> None:
    """Process-wide and idempotent (pg8000's cursors look the function up per call).

    SQLAlchemy's dialect uses the `pg8000.legacy` cursor (what `pg8000.connect` returns),
    which imported the function from `pg8000.dbapi`: both names are replaced.
    """
    check_supported_version()
    pg8000.dbapi.convert_paramstyle = convert_paramstyle
    pg8000.legacy.convert_paramstyle = convert_paramstyle


# Marks a statement whose best plan depends on its values (a search: a rare word wants the
# index of words, a common one the feed's order). It is not prepared: PostgreSQL plans an
# unnamed statement for the values it is given, every time. See CUSTOM_PLAN in
# infra.database for how statements carry it.
CUSTOM_PLAN_MARK = "/* custom plan */"


class PreparedStatements:
    """Stands in for a connection's `execute_unnamed`: each distinct statement is prepared
    on first use and run by name after that, the least recently used closed past `size`.
    Statements holding CUSTOM_PLAN_MARK keep pg8000's unnamed path.
    """

    def __init__(self, conn: Any, size: int) -> None:
        self._conn = conn
        self._size = size
        self._run_unnamed = conn.execute_unnamed
        self._prepared: OrderedDict[tuple[str, tuple], tuple[bytes, Any, Any]] = OrderedDict()

    def __call__(self, statement: str, vals: Any = (), oids: Any = (), stream: Any = None) -> Any:
        if stream is not None:  # COPY keeps pg8000's own path
            return self._run_unnamed(statement, vals=vals, oids=oids, stream=stream)
        conn = self._conn
        key = (statement, tuple(oids or ()))
        entry = self._prepared.get(key)
        if entry is None:
            if CUSTOM_PLAN_MARK in statement:
                return self._run_unnamed(statement, vals=vals, oids=oids)
            entry = self._prepared[key] = conn.prepare_statement(statement, oids)
            if len(self._prepared) > self._size:
                _, (oldest, _, _) = self._prepared.popitem(last=False)
                conn.close_prepared_statement(oldest)
        else:
            self._prepared.move_to_end(key)
        name, columns, input_funcs = entry
        try:
            return conn.execute_named(
                name, make_params(conn.py_types, vals), columns, input_funcs, statement
            )
        except DatabaseError:
            # Prepared again on next use, in case the failure was the statement itself (say,
            # a migration changed a table under it). The old one is freed with the session.
            self._prepared.pop(key, None)
            raise


def tune_connection(dbapi_conn: Any, prepared_statements: int = 256) -> None:
    """Per connection: the fast timestamp parsers, then prepared statements (the parsers
    must come first: a prepared statement keeps the parsers its columns had)."""
    dbapi_conn.register_in_adapter(TIMESTAMPTZ_OID, timestamptz_in)
    dbapi_conn.register_in_adapter(TIMESTAMP_OID, timestamp_in)
    if prepared_statements > 0:
        dbapi_conn.execute_unnamed = PreparedStatements(dbapi_conn, prepared_statements)
