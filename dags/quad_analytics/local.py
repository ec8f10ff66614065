"""`make analytics`: run the quad_activity DAG on this machine with Airflow's dag.test().

    python -m quad_analytics.local [--day YYYY-MM-DD ...]   (dags/ and the repo on sys.path)

It reads the local PostgreSQL (the embedded server in DATA_DIR that `make run` starts and
seeds, or DATABASE_URL) and writes the local DuckDB file (DATA_DIR/analytics.duckdb).
Airflow's metadata database is SQLite in DATA_DIR/airflow, migrated first. Without
--day it runs the last day with activity in the database (the demo data's day when
`make run` has just seeded it) and the day before, then prints every table's row count.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import warnings
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

DAGS_DIR = Path(__file__).resolve().parent.parent
DAG_ID = "quad_activity"


def run_day(dag: Any, day: date, fail_fast: bool = True) -> Any:
    """Run the DAG for one UTC day: the run whose data interval ends at the next midnight.

    A manual run's data interval is the last whole one before its logical date, so the run
    for `day` has the logical date day + 1, 00:00 UTC. `fail_fast` turns retries off: a
    local run should fail at once, not wait out the retry delays.
    """
    if fail_fast:
        for task in dag.tasks:
            task.retries = 0
    logical_date = datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
    return dag.test(logical_date=logical_date)


def _airflow_environment(data_dir: Path) -> None:
    """Airflow reads its configuration when first imported: set it up before."""
    home = (data_dir / "airflow").resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("AIRFLOW_HOME", str(home))
    os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS_DIR))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")


def _migrate_airflow() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"], capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("airflow db migrate failed")


def _latest_activity_day(engine: Any) -> date | None:
    from sqlalchemy import inspect, text

    if not inspect(engine).has_table("users"):
        return None
    with engine.connect() as conn:
        latest = conn.execute(
            text(
                "SELECT max(t) FROM (SELECT max(created_at) AS t FROM users "
                "UNION ALL SELECT max(created_at) FROM posts "
                "UNION ALL SELECT max(created_at) FROM comments) latest"
            )
        ).scalar_one()
    return latest.astimezone(UTC).date() if latest else None


def _row_counts(days: list[date]) -> list[tuple[str, list[int], int]]:
    from infra.warehouse import DuckDBWarehouse, get_warehouse
    from quad_analytics.marts import MARTS
    from quad_analytics.tables import tables

    warehouse = get_warehouse()
    assert isinstance(warehouse, DuckDBWarehouse)
    partition_of = {m.name: m.partition_of for m in MARTS}
    out = []
    with warehouse.connect(read_only=True) as con:
        for name, spec in tables().items():
            total = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            per_day = []
            if spec.partition_field:
                for day in days:
                    partition = partition_of.get(name, lambda d: d)(day)
                    per_day.append(
                        con.execute(
                            f'SELECT count(*) FROM "{name}" WHERE "{spec.partition_field}" = ?',
                            [partition],
                        ).fetchone()[0]
                    )
            out.append((name, per_day, total))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--day",
        action="append",
        type=date.fromisoformat,
        help="UTC day to load (repeatable); default: the last day with activity and the one before",
    )
    args = parser.parse_args(argv)

    from infra import database
    from infra.settings import get_settings

    settings = get_settings()
    if settings.uses_bigquery:
        raise SystemExit("make analytics runs locally: unset WAREHOUSE_BACKEND and ENVIRONMENT")
    _airflow_environment(settings.data_dir)

    engine = database.get_engine()
    days = args.day
    if not days:
        latest = _latest_activity_day(engine)
        if latest is None:
            raise SystemExit(
                "The local database has no Quad schema or no activity yet: run `make run` "
                "once (it migrates and loads the demo data), then try again."
            )
        days = [latest - timedelta(days=1), latest]
    days = sorted(set(days))

    print(f"Airflow metadata: {os.environ['AIRFLOW_HOME']} (migrating)", flush=True)
    _migrate_airflow()
    from airflow.dag_processing.dagbag import DagBag

    # Deprecation notices from inside Airflow and its dependencies: not ours to act on
    # (set after importing Airflow, which installs its own warning filters).
    warnings.filterwarnings("ignore", message="GitWildMatchPattern")
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    bag = DagBag(str(DAGS_DIR))
    if bag.import_errors:
        raise SystemExit(f"DAG import errors: {bag.import_errors}")
    dag = bag.dags[DAG_ID]

    failed = []
    for day in days:
        print(f"Running {DAG_ID} for {day} (dag.test) ...", flush=True)
        run = run_day(dag, day)
        print(f"  {day}: {run.state}", flush=True)
        if run.state != "success":
            failed.append(day)

    print(f"\nWarehouse {settings.duckdb_file}: rows per table")
    header = ["table", *(str(d) for d in days), "all"]
    rows = [
        [name, *(str(n) for n in per_day or ["-"] * len(days)), str(total)]
        for name, per_day, total in _row_counts(days)
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print(
            "  "
            + "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    print("  (weekly_cohort_retention: the rows of the day's week)")
    if failed:
        print(f"\nFailed: {', '.join(map(str, failed))} (see the task errors above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
