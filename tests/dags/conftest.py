"""Fixtures of the DAG tests. They run in .venv-dags (`make test-dags`, with
--confcutdir=tests/dags so the API's tests/conftest.py stays out: the API's dependencies
are not installed here).

- A real PostgreSQL (embedded pgserver, started once per run) with the API's schema built
  by its own Alembic migrations: the version scripts are run directly, since
  api/migrations/env.py imports the API's models and their dependencies.
- Airflow with a throwaway AIRFLOW_HOME and a SQLite metadata database, migrated once.
- `analytics_env`: settings pointing the pipeline at that database and at a fresh DuckDB
  file and staging folder under a per-test DATA_DIR.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.dags.world import World

ROOT = Path(__file__).resolve().parents[2]
DAGS = ROOT / "dags"

# Airflow reads its configuration when first imported: give it a home of its own first.
_AIRFLOW_HOME = tempfile.mkdtemp(prefix="quad-airflow-test-")
os.environ["AIRFLOW_HOME"] = _AIRFLOW_HOME
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_AIRFLOW_HOME}/airflow.db"
# The DAG folder is on sys.path in Composer (and in a DagBag); the repository root gives infra.
for path in (str(ROOT), str(DAGS)):
    if path not in sys.path:
        sys.path.insert(0, path)


def pytest_configure(config) -> None:
    # Airflow parses dags/.airflowignore with a pathspec pattern class that warns.
    config.addinivalue_line("filterwarnings", "ignore:GitWildMatchPattern:DeprecationWarning")


def pytest_sessionfinish(session, exitstatus) -> None:
    shutil.rmtree(_AIRFLOW_HOME, ignore_errors=True)


def migrate(url: str) -> None:
    """Apply every migration in api/migrations/versions, oldest first."""
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    script = ScriptDirectory(str(ROOT / "api" / "migrations"))
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        context = MigrationContext.configure(conn)
        with Operations.context(context):
            for revision in reversed(list(script.walk_revisions())):
                revision.module.upgrade()
    engine.dispose()


class PostgresServer:
    """An embedded PostgreSQL for this test run; each database on it is migrated."""

    def __init__(self) -> None:
        import pgserver

        # pgserver runs postgres as its own OS user when we are root: the folder must be
        # reachable by it, which pytest's 0700 tmp dirs are not.
        self.root = tempfile.mkdtemp(prefix="quad-dags-pg-")
        os.chmod(self.root, 0o755)
        self.pgdata = Path(self.root) / "pg"
        self.server = pgserver.get_server(self.pgdata, cleanup_mode="stop")

    def create_database(self, name: str) -> str:
        from infra.database import pg8000_socket_url

        self.server.psql(f"CREATE DATABASE {name};")
        url = pg8000_socket_url(str(self.pgdata), name)
        migrate(url)
        return url

    def url(self, database: str, user: str = "postgres") -> str:
        from infra.database import pg8000_socket_url

        return pg8000_socket_url(str(self.pgdata), database, user=user)

    def psql(self, sql: str) -> str:
        return self.server.psql(sql)

    def stop(self) -> None:
        self.server.cleanup()
        # pgserver also stops it at exit, logging to streams pytest has closed by then.
        atexit.unregister(self.server._cleanup)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres(pg_server) -> str:
    """The URL of a migrated database that the `source` fixture empties after each test."""
    return pg_server.create_database("quad_dags_test")


@pytest.fixture(scope="session")
def source_engine(postgres):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(postgres, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def source(source_engine):
    """Builds the source data with plain SQL; every table is emptied after the test."""
    from sqlalchemy import text

    from tests.dags.seed import Source

    yield Source(source_engine)
    with source_engine.begin() as conn:
        tables = conn.execute(
            text(
                "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
                "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        ).scalar_one()
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # the append-only log
        conn.execute(text(f"TRUNCATE {tables} CASCADE"))


def point_settings_at(mp: pytest.MonkeyPatch, database_url: str, data_dir: Path) -> None:
    """Settings for a local run: that database, and a DuckDB file, staging folder and
    generated pseudonym key in `data_dir`."""
    from infra import database
    from infra.settings import get_settings

    for name in list(os.environ):
        if name.startswith(("CLOUD_SQL_", "BIGQUERY_", "ANALYTICS_", "DUCKDB_", "WAREHOUSE_")):
            mp.delenv(name)
    mp.setenv("DATA_DIR", str(data_dir))
    mp.setenv("DATABASE_URL", database_url)
    mp.setenv("WAREHOUSE_BACKEND", "duckdb")
    get_settings.cache_clear()
    database.dispose_engine()


def forget_settings() -> None:
    from infra import database
    from infra.settings import get_settings

    database.dispose_engine()
    get_settings.cache_clear()


@pytest.fixture
def analytics_env(postgres, tmp_path, monkeypatch) -> Iterator[object]:
    """Settings pointing the pipeline at the test database and a fresh DATA_DIR."""
    from infra.settings import get_settings

    point_settings_at(monkeypatch, postgres, tmp_path / "data")
    yield get_settings()
    forget_settings()


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """Airflow's metadata database (SQLite), which dag.test() needs."""
    from airflow.utils import db

    db.initdb()


@pytest.fixture(scope="session")
def activity_dag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(DAGS))
    assert bag.import_errors == {}
    return bag.dags["quad_activity"]


@dataclass
class WorldRun:
    """The world of tests/dags/world.py, in its own database, after a 7-day backfill."""

    world: World
    database_url: str
    data_dir: Path
    states: dict

    @property
    def warehouse_file(self) -> Path:
        return self.data_dir / "analytics.duckdb"

    def activate(self, mp: pytest.MonkeyPatch) -> None:
        point_settings_at(mp, self.database_url, self.data_dir)


@pytest.fixture(scope="session")
def world_run(pg_server, tmp_path_factory, activity_dag) -> Iterator[WorldRun]:
    from quad_analytics.local import run_day
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from tests.dags import world
    from tests.dags.seed import Source

    url = pg_server.create_database("quad_world")
    engine = create_engine(url, poolclass=NullPool)
    run = WorldRun(world.build(Source(engine)), url, tmp_path_factory.mktemp("world"), {})
    with pytest.MonkeyPatch.context() as mp:
        run.activate(mp)
        for day in world.BACKFILL:
            run.states[day] = run_day(activity_dag, day).state
        forget_settings()
    yield run
    engine.dispose()
