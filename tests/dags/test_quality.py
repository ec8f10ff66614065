"""The data-quality checks fail a run loudly when the warehouse and the source disagree,
and the late-data rule keeps them agreeing: each run reloads the day before its own."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.dags.helpers import query
from tests.dags.world import at

D = date(2026, 11, 20)


def small_day(source) -> dict:
    ids = {}
    ids["school"] = source.school("Hanbit", "hanbit.ac.kr", at(1, 0))
    ids["board"] = source.board(ids["school"], "Free", at(1, 0))
    ids["minji"] = source.user(ids["school"], "minji", at(20, 8))
    ids["junho"] = source.user(ids["school"], "junho", at(20, 9))
    ids["post"] = source.post(ids["board"], ids["minji"], at(20, 10))
    ids["anonymous_post"] = source.post(ids["board"], ids["junho"], at(20, 11), anonymous=True)
    ids["comment"] = source.comment(ids["post"], ids["junho"], at(20, 12))
    source.like_post(ids["post"], ids["junho"], at(20, 13))
    return ids


def tamper_after_load(monkeypatch, settings, sql: str) -> None:
    """Change the warehouse between the load and the check, as a faulty load would."""
    from quad_analytics import pipeline

    load = pipeline.load_activity

    def load_then_tamper(manifest, warehouse=None):
        load(manifest, warehouse)
        con = duckdb.connect(str(settings.duckdb_file))
        try:
            con.execute(sql)
        finally:
            con.close()

    monkeypatch.setattr(pipeline, "load_activity", load_then_tamper)


def states(run) -> dict[str, str]:
    return {ti.task_id: ti.state for ti in run.get_task_instances()}


def test_a_lost_row_fails_the_run_before_the_marts(
    source, analytics_env, activity_dag, monkeypatch
):
    from quad_analytics.local import run_day

    small_day(source)
    tamper_after_load(
        monkeypatch,
        analytics_env,
        "DELETE FROM activity_events WHERE event_type = 'post' AND is_anonymous",
    )
    run = run_day(activity_dag, D)

    assert run.state == "failed"
    assert states(run) == {
        "prepare_warehouse": "success",
        "extract_and_stage": "success",
        "refresh_dimensions": "success",
        "load_activity": "success",
        "check_activity": "failed",
        "build_marts": "upstream_failed",
    }
    # No mart was built from the bad day.
    assert query(analytics_env.duckdb_file, "SELECT count(*) AS n FROM daily_school_activity") == [
        {"n": 0}
    ]


def _checked(analytics_env, sql: str):
    """Extract and load D as the DAG does, apply `sql` to the warehouse, run the checks."""
    from quad_analytics import pipeline
    from quad_analytics.checks import DataQualityError

    pipeline.prepare_warehouse()
    manifest = pipeline.extract_and_stage(D)
    pipeline.load_activity(manifest)
    pipeline.check_activity(manifest)  # sound before tampering
    con = duckdb.connect(str(analytics_env.duckdb_file))
    try:
        con.execute(sql)
    finally:
        con.close()
    with pytest.raises(DataQualityError) as failure:
        pipeline.check_activity(manifest)
    return str(failure.value)


def test_counts_per_event_type_must_match_the_source(source, analytics_env):
    small_day(source)
    message = _checked(
        analytics_env, "DELETE FROM activity_events WHERE event_type = 'post' AND is_anonymous"
    )
    assert "2026-11-20 post: 1 events in the warehouse, 2 in the source" in message


def test_a_lost_timetable_removal_fails(source, analytics_env):
    ids = small_day(source)
    course = source.course(ids["school"], "CSE101", at(1, 0))
    timetable = source.timetable(ids["minji"], at(20, 14))
    source.add_course(timetable, course, at(20, 14, 5))
    source.remove_course(timetable, course, at(20, 14, 10))
    message = _checked(
        analytics_env, "DELETE FROM activity_events WHERE event_type = 'timetable_course_removed'"
    )
    assert "2026-11-20 timetable_course_removed: 0 events in the warehouse, 1 in the source" in (
        message
    )


def test_a_duplicated_event_fails(source, analytics_env):
    small_day(source)
    message = _checked(
        analytics_env,
        "INSERT INTO activity_events SELECT * FROM activity_events WHERE event_type = 'comment'",
    )
    assert "2026-11-20 comment: 2 events in the warehouse, 1 in the source" in message
    assert "2026-11-20: 1 duplicate event ids (7 events, 6 distinct ids)" in message


def test_a_missing_key_fails(source, analytics_env):
    small_day(source)
    message = _checked(
        analytics_env, "UPDATE activity_events SET board_id = NULL WHERE event_type = 'post_like'"
    )
    assert "2026-11-20 post_like: 1 rows with a missing key" in message


def test_an_author_key_on_anonymous_content_fails(source, analytics_env):
    small_day(source)
    message = _checked(
        analytics_env,
        "UPDATE activity_events SET user_key = repeat('a', 64) "
        "WHERE event_type = 'post' AND is_anonymous",
    )
    assert "2026-11-20 post: 1 rows with a missing key or a broken anonymity rule" in message


def test_a_user_key_on_what_the_app_shows_without_its_author_fails(source, analytics_env):
    small_day(source)
    message = _checked(
        analytics_env,
        "UPDATE activity_events SET user_key = repeat('a', 64) WHERE event_type = 'post_like'",
    )
    assert "2026-11-20 post_like: 1 rows with a missing key or a broken anonymity rule" in message


def test_a_lost_active_user_fails(source, analytics_env):
    small_day(source)
    message = _checked(
        analytics_env,
        "DELETE FROM active_user_days WHERE rowid = (SELECT min(rowid) FROM active_user_days)",
    )
    assert "2026-11-20 active_user_days: 1 active users in the warehouse, 2 in the source" in (
        message
    )


def test_a_duplicated_active_user_or_a_wrong_board_count_fails(source, analytics_env):
    small_day(source)
    message = _checked(
        analytics_env,
        "INSERT INTO active_user_days SELECT * FROM active_user_days; "
        "UPDATE board_active_users SET active_users = active_users + 1",
    )
    assert "2026-11-20 active_user_days: 2 duplicate week keys in a school" in message
    assert (
        "2026-11-20 board_active_users: 1 boards with 3 active users in the warehouse, "
        "1 with 2 in the source"
    ) in message


def test_a_row_committed_after_its_days_run_is_loaded_by_the_next_run(
    source, analytics_env, activity_dag
):
    from quad_analytics.local import run_day

    ids = small_day(source)
    assert run_day(activity_dag, D).state == "success"
    posts = "SELECT count(*) AS n FROM activity_events WHERE event_date = ? AND event_type = 'post'"
    assert query(analytics_env.duckdb_file, posts, [D]) == [{"n": 2}]

    # A transaction that began at 23:59 on D commits after D's run: its row says D.
    source.post(ids["board"], ids["minji"], at(20, 23, 59, 59))
    assert run_day(activity_dag, date(2026, 11, 21)).state == "success"

    assert query(analytics_env.duckdb_file, posts, [D]) == [{"n": 3}]
    activity = query(
        analytics_env.duckdb_file,
        "SELECT posts FROM daily_school_activity WHERE activity_date = ?",
        [D],
    )
    assert activity == [{"posts": 3}]


def test_the_extraction_streams_in_chunks_never_the_whole_day(source, analytics_env, monkeypatch):
    """Rows come through a server-side cursor, ANALYTICS_FETCH_ROWS at a time."""
    from quad_analytics import pipeline
    from sqlalchemy.dialects.postgresql.pg8000 import ServerSideCursor

    from infra.settings import get_settings

    small_day(source)
    monkeypatch.setenv("ANALYTICS_FETCH_ROWS", "1")
    get_settings.cache_clear()
    fetches: list[int | None] = []
    fetchmany = ServerSideCursor.fetchmany

    def recording_fetchmany(self, num=None):
        fetches.append(num)
        return fetchmany(self, num)

    def no_fetchall(self):
        raise AssertionError("FETCH ALL: the whole result at once")

    monkeypatch.setattr(ServerSideCursor, "fetchmany", recording_fetchmany)
    monkeypatch.setattr(ServerSideCursor, "fetchall", no_fetchall)
    manifest = pipeline.extract_and_stage(D)
    assert sum(e["staged_rows"] for e in manifest) == 6
    assert fetches and set(fetches) == {1}
