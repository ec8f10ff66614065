"""
### quad_activity

Loads each UTC day's activity from Cloud SQL (PostgreSQL) into the `quad_analytics`
BigQuery dataset (a DuckDB file locally) and rebuilds that day's marts.

1. **prepare_warehouse**: create any missing table from `schemas/*.json` (Terraform
   creates them in the cloud; nothing existing is changed).
2. **extract_and_stage**: stream the day's events and active users (plus
   `ANALYTICS_LOOKBACK_DAYS` days before it, for late commits) out of PostgreSQL in one
   read-only snapshot, users pseudonymised, into NDJSON files in the staging bucket;
   count each event type's source rows in the same snapshot.
3. **load_activity**: each staged day replaces its partition of `activity_events`,
   `active_user_days` and `board_active_users` (`<table>$YYYYMMDD`, WRITE_TRUNCATE).
4. **check_activity**: per event type, warehouse count = source count; no missing keys;
   a `user_key` only on named content and signups; no duplicate event ids; the active
   users as staged. A failure fails the run (no retry: a rerun of the day is the fix).
5. **refresh_dimensions**: snapshot schools, boards and courses.
6. **build_marts**: rebuild the day's partition of every mart (`sql/*.sql`).

Rerunning a day gives the same tables. Tables and their meaning: `dags/README.md`.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

# Task bodies live in the quad_analytics package (next to this file) and are imported
# when a task runs, so parsing this file touches no database, cloud or heavy library.


@dag(
    dag_id="quad_activity",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=True,
    max_active_runs=1,  # runs overlap by the lookback days: one at a time
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["quad", "analytics"],
    doc_md=__doc__,
)
def quad_activity():
    @task
    def prepare_warehouse() -> None:
        from quad_analytics import pipeline

        pipeline.prepare_warehouse()

    @task
    def extract_and_stage(data_interval_end=None) -> list[dict]:
        from quad_analytics import pipeline

        return pipeline.extract_and_stage(pipeline.day_of_run(data_interval_end))

    @task
    def load_activity(manifest: list[dict]) -> None:
        from quad_analytics import pipeline

        pipeline.load_activity(manifest)

    @task(retries=0)
    def check_activity(manifest: list[dict]) -> None:
        from quad_analytics import pipeline

        pipeline.check_activity(manifest)

    @task
    def refresh_dimensions() -> None:
        from quad_analytics import pipeline

        pipeline.refresh_dimensions()

    @task
    def build_marts(manifest: list[dict]) -> None:
        from quad_analytics import pipeline

        pipeline.build_marts(manifest)

    prepared = prepare_warehouse()
    manifest = extract_and_stage()
    dimensions = refresh_dimensions()
    prepared >> [manifest, dimensions]
    checked = check_activity(manifest)
    load_activity(manifest) >> checked
    [checked, dimensions] >> build_marts(manifest)


quad_activity()
