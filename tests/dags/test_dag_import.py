"""The DAG folder imports cleanly, the DAG has the intended shape, and parsing it touches
nothing: no database, no cloud, no heavy library, no file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime

from tests.dags.conftest import DAGS, ROOT


def test_the_dag_folder_imports_without_errors_or_cycles():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(DAGS))
    assert bag.import_errors == {}
    assert list(bag.dags) == ["quad_activity"]  # .airflowignore keeps helpers out
    dag = bag.dags["quad_activity"]
    dag.check_cycle()
    assert dag.catchup is True
    assert dag.max_active_runs == 1
    upstream = {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks}
    assert upstream == {
        "prepare_warehouse": [],
        "extract_and_stage": ["prepare_warehouse"],
        "refresh_dimensions": ["prepare_warehouse"],
        "load_activity": ["extract_and_stage"],
        "check_activity": ["extract_and_stage", "load_activity"],
        "build_marts": ["check_activity", "extract_and_stage", "refresh_dimensions"],
    }
    # A data-quality failure is not transient: it fails at once, the rest retry.
    assert {t.task_id: t.retries for t in dag.tasks}["check_activity"] == 0
    assert {t.retries for t in dag.tasks if t.task_id != "check_activity"} == {2}


def test_it_is_scheduled_daily_and_loads_the_day_that_ended():
    from airflow.dag_processing.dagbag import DagBag
    from quad_analytics.pipeline import day_of_run, days_to_load

    dag = DagBag(str(DAGS)).dags["quad_activity"]
    assert dag.schedule == "@daily"
    midnight = datetime(2026, 11, 21, tzinfo=UTC)
    # Data-interval style ([11-20, 11-21)) and trigger style (the instant 11-21 00:00)
    # both end at midnight: both load 11-20. A manual run later that day does too.
    assert day_of_run(midnight) == date(2026, 11, 20)
    assert day_of_run(datetime(2026, 11, 21, 14, 35, tzinfo=UTC)) == date(2026, 11, 20)
    assert days_to_load(date(2026, 11, 20), 1) == [date(2026, 11, 19), date(2026, 11, 20)]
    assert days_to_load(date(2026, 11, 20), 0) == [date(2026, 11, 20)]


PARSE_WITH_NOTHING_REACHABLE = r"""
import json, os, socket, sys
def refuse(*args, **kwargs):
    raise AssertionError("network access while parsing the DAG")
socket.socket.connect = refuse
socket.create_connection = refuse
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(sys.argv[1])
heavy = ("duckdb", "sqlglot", "google.cloud.bigquery", "google.cloud.storage", "pg8000",
         "pgserver", "quad_analytics", "infra")
print(json.dumps({
    "errors": {k: str(v) for k, v in bag.import_errors.items()},
    "dags": sorted(bag.dags),
    "imported": sorted(m for m in sys.modules if m.split(".")[0] in heavy or m in heavy),
}))
"""


def test_parsing_touches_no_database_cloud_or_heavy_library(tmp_path):
    data_dir = tmp_path / "must-not-exist"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(DAGS)]),
        # Settings that point nowhere: anything that used them at parse time would fail.
        "DATABASE_URL": "postgresql://nobody:nothing@192.0.2.1:1/none",
        "CLOUD_SQL_INSTANCE": "nowhere:none:none",
        "WAREHOUSE_BACKEND": "bigquery",
        "DATA_DIR": str(data_dir),
    }
    out = subprocess.run(
        [sys.executable, "-c", PARSE_WITH_NOTHING_REACHABLE, str(DAGS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"errors": {}, "dags": ["quad_activity"], "imported": []}
    assert not data_dir.exists()
