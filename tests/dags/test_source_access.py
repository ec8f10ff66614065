"""The DAG runs as a read-only PostgreSQL user that can read only the columns it needs
(the role quad_analytics_reader, made by the API's migration 0006, which the test
database has run): the whole pipeline works under it, and personal data and free text
are out of its reach."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import NullPool

from tests.dags import world
from tests.dags.conftest import forget_settings, point_settings_at

LOGIN = "quad_analytics_test_login"


@pytest.fixture
def analytics_user(pg_server, postgres) -> str:
    """A login that holds only the migration's role, as Composer's IAM database user does
    (Terraform grants it with database_roles)."""
    pg_server.psql(
        f"""\\set ON_ERROR_STOP on
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{LOGIN}') THEN
    CREATE ROLE {LOGIN} LOGIN;
  END IF;
END $$;
GRANT quad_analytics_reader TO {LOGIN};
"""
    )
    return pg_server.url("quad_dags_test", user=LOGIN)


def test_the_whole_pipeline_runs_with_the_read_only_grants(
    source, analytics_user, tmp_path, monkeypatch
):
    from quad_analytics import pipeline

    world.build(source)  # every event type and dimension
    point_settings_at(monkeypatch, analytics_user, tmp_path / "data")
    try:
        pipeline.prepare_warehouse()
        manifest = pipeline.extract_and_stage(world.D)
        pipeline.load_activity(manifest)
        pipeline.check_activity(manifest)
        pipeline.refresh_dimensions()
        pipeline.build_marts(manifest)
    finally:
        forget_settings()
    assert sum(e["staged_rows"] for e in manifest) == 32 + 8  # the day and the day before


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT email FROM users",
        "SELECT password_hash FROM users",
        "SELECT token_hash FROM refresh_tokens",
        "SELECT email FROM login_failures",
        "SELECT subject FROM limit_counts",
        "SELECT title FROM posts",
        "SELECT body FROM posts",
        "SELECT body FROM comments",
        "SELECT text FROM course_reviews",
        "SELECT description FROM boards",
        "SELECT nickname FROM users",
        "SELECT name FROM timetables",
        "SELECT * FROM users",
        "UPDATE schools SET name = 'x'",
    ],
)
def test_personal_data_and_free_text_are_out_of_reach(source, analytics_user, sql):
    engine = create_engine(analytics_user, poolclass=NullPool)
    try:
        with engine.connect() as conn, pytest.raises(DatabaseError, match="permission denied"):
            conn.execute(text(sql))
    finally:
        engine.dispose()
