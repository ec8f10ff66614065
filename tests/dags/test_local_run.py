"""`make analytics` (quad_analytics.local): the DAG run locally with dag.test(), then the
row count of every table printed."""

from __future__ import annotations

import re

from tests.dags.test_quality import small_day


def counts(output: str) -> dict[str, list[str]]:
    return {
        m[1]: m[2].split()
        for m in re.finditer(r"^  ([a-z_]+)\s+((?:[\d-]+\s*)+)$", output, re.MULTILINE)
    }


def test_it_runs_the_last_active_day_and_the_day_before_and_prints_row_counts(
    source, analytics_env, monkeypatch, capsys
):
    from quad_analytics import local

    monkeypatch.setenv("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    small_day(source)  # its activity is on 2026-11-20

    assert local.main([]) == 0

    out = capsys.readouterr().out
    assert "Running quad_activity for 2026-11-19" in out
    assert "Running quad_activity for 2026-11-20" in out
    rows = counts(out)
    # columns: 2026-11-19, 2026-11-20, all
    assert rows["activity_events"] == ["0", "6", "6"]
    # minji and junho active in the school, and both in its board.
    assert rows["active_user_days"] == ["0", "2", "2"]
    assert rows["board_active_users"] == ["0", "1", "1"]
    # The run for 11-19 also reloaded 11-18 (the lookback day): three days of rows.
    assert rows["daily_school_activity"] == ["1", "1", "3"]
    assert rows["daily_hot_posts"] == ["0", "1", "1"]
    assert rows["dim_schools"] == ["-", "-", "1"]
    assert set(rows) == {
        "active_user_days",
        "activity_events",
        "board_active_users",
        "course_rating_summary",
        "daily_board_engagement",
        "daily_hot_posts",
        "daily_moderation",
        "daily_school_activity",
        "dim_boards",
        "dim_courses",
        "dim_schools",
        "weekly_cohort_retention",
    }


def test_it_explains_what_to_do_without_a_database(analytics_env, monkeypatch):
    import pytest
    from quad_analytics import local

    with pytest.raises(SystemExit, match="run `make run` once"):
        local.main([])  # an empty database: nothing to load yet
