"""The BigQuery path: the pipeline with the real google-cloud-bigquery and
google-cloud-storage clients against a fake of their HTTP APIs (BigQuery itself is not
reachable here). Asserts the exact requests: table definitions, load job configurations
into `activity_events$YYYYMMDD` (and the day's active users tables), every mart's SQL and
parameters, the staged objects."""

from __future__ import annotations

import json
from datetime import date

import pytest
from quad_analytics import pipeline
from quad_analytics.checks import (
    BOARDS_CHECK_SQL,
    COUNTS_SQL,
    DUPLICATES_SQL,
    USERS_CHECK_SQL,
    DataQualityError,
)
from quad_analytics.marts import MARTS
from quad_analytics.tables import SCHEMA_DIR, tables

from tests.dags.fake_google import PROJECT, FakeGoogle
from tests.dags.test_quality import small_day

D = date(2026, 11, 20)
DATASET = {"projectId": PROJECT, "datasetId": "quad_analytics"}
BUCKET = "quad-analytics-staging"


@pytest.fixture
def google():
    fake = FakeGoogle()
    yield fake
    fake.stop()


@pytest.fixture
def bigquery(google):
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery, storage

    from infra.warehouse import BigQueryWarehouse, GcsStaging

    options = ClientOptions(api_endpoint=google.url)
    bq = bigquery.Client(
        project=PROJECT, credentials=AnonymousCredentials(), client_options=options
    )
    gcs = storage.Client(
        project=PROJECT, credentials=AnonymousCredentials(), client_options=options
    )
    return BigQueryWarehouse(bq, "quad_analytics", GcsStaging(gcs, BUCKET))


def schema_file(name: str) -> list[dict]:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text())


def fields(sent: dict) -> list[dict]:
    return [
        {k: f[k] for k in ("name", "type", "mode", "description")} for f in sent["schema"]["fields"]
    ]


def test_missing_tables_are_created_as_the_schema_files_say(bigquery, google):
    bigquery.ensure_tables(list(tables().values()))
    sent = {t["tableReference"]["tableId"]: t for t in google.tables_created()}
    assert sent.keys() == tables().keys()
    events = sent["activity_events"]
    assert events["tableReference"] == {**DATASET, "tableId": "activity_events"}
    assert fields(events) == schema_file("activity_events")
    assert events["timePartitioning"] == {"type": "DAY", "field": "event_date"}
    assert events["requirePartitionFilter"] is True
    assert events["clustering"] == {"fields": ["school_id", "event_type"]}
    assert events["description"].startswith("One row per activity")
    assert sent["daily_school_activity"]["requirePartitionFilter"] is False
    assert "timePartitioning" not in sent["dim_schools"]
    assert "clustering" not in sent["dim_schools"]


def staged(google: FakeGoogle, name: str) -> list[dict]:
    return [json.loads(line) for line in google.objects[(BUCKET, name)].decode().splitlines()]


def test_a_day_is_staged_in_gcs_and_loaded_into_its_partition(
    source, analytics_env, bigquery, google
):
    ids = small_day(source)
    manifest = pipeline.extract_and_stage(D, bigquery)

    # Staged: NDJSON objects in the bucket, one per day and table here.
    parts = {
        t: f"staging/{t}/2026-11-20/part-00000.ndjson"
        for t in ("activity_events", "active_user_days", "board_active_users")
    }
    uris = {t: f"gs://{BUCKET}/{name}" for t, name in parts.items()}
    assert [e["uris"] for e in manifest] == [[], [uris["activity_events"]]]  # none the day before
    for t in ("active_user_days", "board_active_users"):
        assert [e[t]["uris"] for e in manifest] == [[], [uris[t]]]
    events = staged(google, parts["activity_events"])
    assert sorted(e["event_type"] for e in events) == sorted(
        ["signup", "signup", "post", "post", "comment", "post_like"]
    )
    assert {e["event_date"] for e in events} == {"2026-11-20"}
    # minji and junho, each under a key of the week, and both active in the board.
    day, school = "2026-11-20", str(ids["school"])
    users = staged(google, parts["active_user_days"])
    assert [{k: v for k, v in r.items() if k != "week_key"} for r in users] == [
        {"activity_date": day, "school_id": school, "signup_week": "2026-11-16"}
    ] * 2
    assert len({r["week_key"] for r in users}) == 2
    assert staged(google, parts["board_active_users"]) == [
        {
            "activity_date": day,
            "school_id": school,
            "board_id": str(ids["board"]),
            "active_users": 2,
        }
    ]

    pipeline.load_activity(manifest, bigquery)
    loads = {c["destinationTable"]["tableId"]: c for c in google.job_configs("load")}
    assert loads.keys() == {f"{t}$20261120" for t in parts}
    load = loads["activity_events$20261120"]
    assert load == {
        "sourceUris": [uris["activity_events"]],
        "sourceFormat": "NEWLINE_DELIMITED_JSON",
        "destinationTable": {**DATASET, "tableId": "activity_events$20261120"},
        "writeDisposition": "WRITE_TRUNCATE",
        "timePartitioning": {"type": "DAY", "field": "event_date"},
        "clustering": {"fields": ["school_id", "event_type"]},
        "ignoreUnknownValues": False,
        "maxBadRecords": 0,
        "schema": load["schema"],
    }
    assert fields(load) == schema_file("activity_events")
    for t in ("active_user_days", "board_active_users"):
        config = loads[f"{t}$20261120"]
        assert config["sourceUris"] == [uris[t]]
        assert config["writeDisposition"] == "WRITE_TRUNCATE"
        assert config["timePartitioning"] == {"type": "DAY", "field": "activity_date"}
        assert fields(config) == schema_file(t)
    # The empty day before is emptied by a DML statement (a load job needs a file).
    deletes = google.job_configs("query")
    assert [d["query"] for d in deletes] == [
        f"DELETE FROM `{PROJECT}.quad_analytics.activity_events` WHERE event_date = @p",
        f"DELETE FROM `{PROJECT}.quad_analytics.active_user_days` WHERE activity_date = @p",
        f"DELETE FROM `{PROJECT}.quad_analytics.board_active_users` WHERE activity_date = @p",
    ]
    for delete in deletes:
        assert delete["queryParameters"] == [
            {
                "name": "p",
                "parameterType": {"type": "DATE"},
                "parameterValue": {"value": "2026-11-19"},
            }
        ]


def test_a_rerun_replaces_the_staged_files(source, analytics_env, bigquery, google):
    small_day(source)
    google.objects[(BUCKET, "staging/activity_events/2026-11-20/part-00007.ndjson")] = b"stale"
    google.objects[(BUCKET, "staging/active_user_days/2026-11-20/part-00003.ndjson")] = b"stale"
    google.objects[(BUCKET, "staging/other/keep.ndjson")] = b"not ours"
    pipeline.extract_and_stage(D, bigquery)
    assert sorted(name for _, name in google.objects) == [
        "staging/active_user_days/2026-11-20/part-00000.ndjson",
        "staging/activity_events/2026-11-20/part-00000.ndjson",
        "staging/board_active_users/2026-11-20/part-00000.ndjson",
        "staging/other/keep.ndjson",
    ]


def test_every_mart_is_a_query_job_into_its_partition(bigquery, google):
    pipeline.build_marts([{"day": "2026-11-20"}], bigquery)
    sent = google.job_configs("query")
    assert len(sent) == len(MARTS)
    for mart, query in zip(MARTS, sent, strict=True):
        table = mart.table
        partition = "20261116" if mart.name == "weekly_cohort_retention" else "20261120"
        assert query == {
            "query": mart.sql,  # the file, as written: BigQuery runs it untranslated
            "useLegacySql": False,
            "parameterMode": "NAMED",
            "queryParameters": [
                {
                    "name": "day",
                    "parameterType": {"type": "DATE"},
                    "parameterValue": {"value": "2026-11-20"},
                }
            ],
            "destinationTable": {**DATASET, "tableId": f"{mart.name}${partition}"},
            "writeDisposition": "WRITE_TRUNCATE",
            "defaultDataset": DATASET,
            "timePartitioning": {"type": "DAY", "field": table.partition_field},
            "clustering": {"fields": list(table.clustering)},
        }, mart.name


def test_each_mart_partition_is_rebuilt_once_from_the_runs_last_day_in_it(bigquery, google):
    # Sunday 22 ends the week of Monday 16; Monday 23 and Tuesday 24 open the next one.
    days = ["2026-11-22", "2026-11-23", "2026-11-24"]
    pipeline.build_marts([{"day": d} for d in reversed(days)], bigquery)
    built: dict[str, list[tuple[str, str]]] = {}
    for query in google.job_configs("query"):
        mart, partition = query["destinationTable"]["tableId"].split("$")
        (parameter,) = query["queryParameters"]
        built.setdefault(mart, []).append((partition, parameter["parameterValue"]["value"]))
    daily = [(d.replace("-", ""), d) for d in days]
    assert built == {
        **{m.name: daily for m in MARTS if m.name != "weekly_cohort_retention"},
        "weekly_cohort_retention": [("20261116", "2026-11-22"), ("20261123", "2026-11-24")],
    }


def test_dimensions_replace_whole_tables(source, analytics_env, bigquery, google):
    small_day(source)
    pipeline.refresh_dimensions(bigquery)
    loads = {c["destinationTable"]["tableId"]: c for c in google.job_configs("load")}
    assert set(loads) == {"dim_schools", "dim_boards"}  # no course: dim_courses is emptied
    for name, config in loads.items():
        assert config["writeDisposition"] == "WRITE_TRUNCATE"
        assert "timePartitioning" not in config
        assert fields(config) == schema_file(name)
        assert config["sourceUris"] == [
            f"gs://{BUCKET}/staging/dimensions/{name}/part-00000.ndjson"
        ]
    (truncate,) = google.job_configs("query")
    assert truncate["query"] == f"TRUNCATE TABLE `{PROJECT}.quad_analytics.dim_courses`"


def test_checks_run_in_bigquery_and_fail_on_disagreement(bigquery, google):
    source_counts = {"signup": 2, "post": 2}
    warehouse_counts = dict(source_counts)
    active = {"users": 2, "boards": 1, "board_users": 2}

    def results(sql, params):
        assert params == {"day": "2026-11-20"}
        if sql == COUNTS_SQL:
            return (
                [{"name": "event_type", "type": "STRING"}, {"name": "events", "type": "INTEGER"}],
                [[t, n] for t, n in warehouse_counts.items()],
            )
        if sql == USERS_CHECK_SQL:
            names = ["users", "duplicates"]
            return ([{"name": n, "type": "INTEGER"} for n in names], [[active["users"], 0]])
        if sql == BOARDS_CHECK_SQL:
            names = ["boards", "active_users", "duplicates"]
            return (
                [{"name": n, "type": "INTEGER"} for n in names],
                [[active["boards"], active["board_users"], 0]],
            )
        if sql == DUPLICATES_SQL:
            n = sum(warehouse_counts.values())
            return (
                [
                    {"name": "events", "type": "INTEGER"},
                    {"name": "distinct_ids", "type": "INTEGER"},
                ],
                [[n, n]],
            )
        return ([{"name": "event_type", "type": "STRING"}], [])  # no invalid rows

    google.results = results
    manifest = [
        {
            "day": "2026-11-20",
            "source_counts": source_counts,
            "active_user_days": {"staged_rows": 2},
            "board_active_users": {"staged_rows": 1, "active_users": 2},
        }
    ]
    pipeline.check_activity(manifest, bigquery)
    assert all(q["defaultDataset"] == DATASET for q in google.job_configs("query"))

    warehouse_counts["post"] = 1
    with pytest.raises(DataQualityError, match="post: 1 events in the warehouse, 2 in the source"):
        pipeline.check_activity(manifest, bigquery)
    warehouse_counts["post"] = 2
    active["board_users"] = 1
    with pytest.raises(
        DataQualityError,
        match="board_active_users: 1 boards with 1 active users in the warehouse, 1 with 2",
    ):
        pipeline.check_activity(manifest, bigquery)
