"""The pg8000 speed-ups (infra/pg8000_tuning.py) must return exactly what pg8000 would:
same values, same errors, COPY untouched; and prepared statements stay bounded."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from infra import pg8000_tuning
from infra.database import CUSTOM_PLAN, create_db_engine
from infra.settings import Settings


@pytest.fixture
def engine(database_url):
    engine = create_db_engine(Settings(database_url=database_url, jwt_secret="x" * 40))
    yield engine
    engine.dispose()


def _prepared(conn) -> list[str]:
    rows = conn.execute(text("SELECT statement FROM pg_prepared_statements")).all()
    return [r[0] for r in rows]


def test_timestamps_read_the_same_as_pg8000_reads_them(engine):
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT '2026-03-01 09:30:00.123456+09'::timestamptz, "
                "'2026-03-01 09:30:00+05:30'::timestamptz, "
                "'infinity'::timestamptz, '-infinity'::timestamptz, "
                "'2026-03-01 09:30:00'::timestamp, 'infinity'::timestamp, "
                "'20000-01-01 00:00:00+00'::timestamptz"
            )
        ).one()
    assert row[0] == datetime(2026, 3, 1, 0, 30, 0, 123456, tzinfo=UTC)
    assert row[1] == datetime(2026, 3, 1, 4, 0, tzinfo=timezone(timedelta(0)))
    assert (row[2], row[3]) == ("infinity", "-infinity")
    assert row[4] == datetime(2026, 3, 1, 9, 30)
    assert row[5] == "infinity"
    assert row[6] == "20000-01-01 00:00:00+00"  # beyond Python's datetime, as pg8000 does


def test_a_repeated_statement_is_prepared_once_and_gives_fresh_results(engine):
    # The literal % goes out as %% and pg8000 turns it back: the cached rewrite must too.
    query = text("SELECT CAST(:n AS integer) * 2 AS doubled, '100%' AS percent")
    with engine.connect() as conn:
        results = [conn.execute(query, {"n": n}).one() for n in range(5)]
        prepared = [s for s in _prepared(conn) if "doubled" in s]
    assert [r.doubled for r in results] == [0, 2, 4, 6, 8]
    assert {r.percent for r in results} == {"100%"}
    assert len(prepared) == 1, prepared


def test_prepared_statements_per_connection_are_bounded(database_url):
    engine = create_engine(database_url)

    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _tune(dbapi_conn, _record):
        pg8000_tuning.tune_connection(dbapi_conn, prepared_statements=3)

    pg8000_tuning.install_paramstyle_cache()
    with engine.connect() as conn:
        for n in range(10):
            assert conn.execute(text(f"SELECT {n} + CAST(:x AS int)"), {"x": 1}).scalar() == n + 1
        assert len(_prepared(conn)) == 3  # the 3 most recent; the other 7 closed
    engine.dispose()


def test_a_failing_statement_raises_and_works_again_afterwards(engine):
    query = text("SELECT 10 / CAST(:d AS integer)")
    with engine.connect() as conn:
        assert conn.execute(query, {"d": 2}).scalar() == 5
        with pytest.raises(Exception, match="division by zero"):
            conn.execute(query, {"d": 0})
        conn.rollback()
        assert conn.execute(query, {"d": 5}).scalar() == 2


def test_copy_still_streams(engine):
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("CREATE TEMP TABLE copied (n int, s text)")
        cur.execute("COPY copied FROM STDIN", stream=io.BytesIO(b"1\tone\n2\ttwo\n"))
        cur.execute("SELECT n, s FROM copied WHERE n > %s ORDER BY n", (0,))
        assert [tuple(r) for r in cur.fetchall()] == [(1, "one"), (2, "two")]
    finally:
        raw.rollback()
        raw.close()


def _plans(conn, marker: str) -> list[tuple[int, int]]:
    rows = conn.execute(
        text(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE strpos(statement, CAST(:marker AS text)) > 0"
        ),
        {"marker": marker},
    ).all()
    return [tuple(r) for r in rows]


def test_a_repeated_statement_may_keep_a_generic_plan(engine):
    # PostgreSQL's choice (plan_cache_mode = auto): custom plans for the first five runs,
    # then the generic plan, whose cost is no higher for a lookup by key; planning stops.
    query = text("SELECT count(*) AS generic_lookup FROM pg_class WHERE oid = CAST(:oid AS oid)")
    with engine.connect() as conn:
        for _ in range(8):
            assert conn.execute(query, {"oid": 1259}).scalar() == 1
        [(generic, custom)] = _plans(conn, "generic_lookup")
    assert custom == 5 and generic == 3


def test_a_custom_plan_statement_is_planned_for_its_values_every_time(engine):
    query = text(
        f"SELECT {CUSTOM_PLAN} count(*) AS planned_each_time FROM pg_class"
        " WHERE oid = CAST(:oid AS oid)"
    )
    with engine.connect() as conn:
        for oid in (1259, 0, 1259, 1259, 0, 1259, 1259):
            assert conn.execute(query, {"oid": oid}).scalar() == (1 if oid else 0)
        # Never prepared, so never a generic plan: each run is an unnamed statement.
        assert _plans(conn, "planned_each_time") == []


def test_the_installed_pg8000_is_the_release_these_tests_cover():
    """An upgrade past the pinned release fails here, loudly, until these tests have been
    run against it (and the engine refuses to start with it: check_supported_version)."""
    import tomllib
    from importlib.metadata import version
    from pathlib import Path

    pg8000_tuning.check_supported_version()
    major, minor = pg8000_tuning.SUPPORTED_MINOR
    assert version("pg8000").startswith(f"{major}.{minor}.")
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    pins = {
        spec
        for group in pyproject["dependency-groups"].values()
        for spec in group
        if isinstance(spec, str) and spec.startswith("pg8000")
    }
    assert pins and all(spec.endswith(f",<{major}.{minor + 1}") for spec in pins), pins


def test_without_tuning_pg8000_reads_the_same_and_prepares_nothing(database_url):
    plain = create_db_engine(
        Settings(database_url=database_url, jwt_secret="x" * 40, db_driver_tuning=False)
    )
    try:
        with plain.connect() as conn:
            value = conn.execute(
                text("SELECT CAST(:t AS timestamptz)"), {"t": "2026-03-01 09:30:00+09"}
            ).scalar()
            assert value == datetime(2026, 3, 1, 0, 30, tzinfo=UTC)
            assert _prepared(conn) == []
    finally:
        plain.dispose()
