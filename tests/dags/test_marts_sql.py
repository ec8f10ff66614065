"""The marts' SQL: BigQuery queries that match their table schemas, filter
activity_events on its partition column, and stay inside the subset of BigQuery that
sqlglot transpiles faithfully to DuckDB (docs/ARCHITECTURE.md lists the divergences).

The DuckDB path runs every mart in test_dag_run.py (exact values); the BigQuery path's
requests are checked in test_bigquery.py."""

from __future__ import annotations

import json

import pytest
import sqlglot
from quad_analytics.marts import MARTS
from quad_analytics.tables import (
    ACTIVE_USER_DAYS,
    ACTIVITY_EVENTS,
    BOARD_ACTIVE_USERS,
    DIMENSIONS,
    SCHEMA_DIR,
    SQL_DIR,
    TABLE_OPTIONS,
    tables,
)
from sqlglot import exp

# The tables that require a partition filter in BigQuery, and their partition column.
FILTERED = {ACTIVITY_EVENTS: "event_date", ACTIVE_USER_DAYS: "activity_date"}
SOURCES = {*FILTERED, BOARD_ACTIVE_USERS, *DIMENSIONS}
marts = pytest.mark.parametrize("mart", MARTS, ids=lambda m: m.name)


def divergences(sql: str) -> list[str]:
    """Constructs whose BigQuery and DuckDB meanings differ after transpiling."""
    found = []
    tree = sqlglot.parse_one(sql, read="bigquery")
    banned = {
        exp.TimestampDiff: "TIMESTAMP_DIFF counts boundaries differently",
        exp.DayOfWeek: "DAYOFWEEK numbers days from another base",
        exp.CountIf: "COUNTIF over only NULLs differs",
        exp.ArrayAgg: "ARRAY_AGG ... LIMIT differs",
        exp.FarmFingerprint: "FARM_FINGERPRINT has no DuckDB equivalent",
        exp.Concat: "CONCAT with a NULL is NULL in BigQuery, not in DuckDB",
    }
    for node_type, why in banned.items():
        if tree.find(node_type):
            found.append(why)
    for node in tree.find_all(exp.Extract):
        if node.this.name.upper() == "DAYOFWEEK":
            found.append("EXTRACT(DAYOFWEEK) numbers days from another base")
    for node in tree.find_all(exp.DataType):
        if node.this in (exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL):
            found.append("NUMERIC precision differs")
    for node in tree.find_all(exp.DateTrunc, exp.DateAdd, exp.DateSub):
        unit = node.args.get("unit")
        if isinstance(node, exp.DateTrunc) and (
            isinstance(unit, exp.WeekStart) or unit.name.upper() == "WEEK"
        ):
            found.append("WEEK truncation differs (use ISOWEEK)")
        parent = node.parent
        if not (isinstance(parent, exp.Cast) and parent.to.this == exp.DataType.Type.DATE):
            found.append(f"{node.sql('bigquery')} returns a TIMESTAMP in DuckDB: CAST it AS DATE")
    return found


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT TIMESTAMP_DIFF(a, b, SECOND) FROM t",
        "SELECT EXTRACT(DAYOFWEEK FROM d) FROM t",
        "SELECT COUNTIF(x > 1) FROM t",
        "SELECT ARRAY_AGG(x ORDER BY y LIMIT 3) FROM t",
        "SELECT FARM_FINGERPRINT(x) FROM t",
        "SELECT CAST(x AS NUMERIC) FROM t",
        "SELECT CONCAT(a, b) FROM t",
        "SELECT CAST(DATE_TRUNC(d, WEEK(MONDAY)) AS DATE) FROM t",
        "SELECT DATE_ADD(d, INTERVAL 1 DAY) FROM t",
        "SELECT DATE_TRUNC(d, ISOWEEK) FROM t",
    ],
)
def test_the_guard_catches_each_known_divergence(sql):
    assert divergences(sql)


@marts
def test_mart_stays_inside_the_faithful_subset(mart):
    assert divergences(mart.sql) == []


def test_every_sql_file_is_a_mart_with_a_partitioned_schema():
    assert sorted(p.stem for p in SQL_DIR.glob("*.sql")) == sorted(m.name for m in MARTS)
    for mart in MARTS:
        assert mart.table.partition_field, mart.name


@marts
def test_mart_is_one_select_of_the_day_with_the_columns_of_its_schema(mart):
    statements = sqlglot.parse(mart.sql, read="bigquery")
    assert len(statements) == 1
    tree = statements[0]
    assert isinstance(tree, exp.Select)
    assert {p.name for p in tree.find_all(exp.Parameter)} == {"day"}
    ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
    assert {t.name for t in tree.find_all(exp.Table)} - ctes <= SOURCES
    assert tree.named_selects == mart.table.columns


@marts
def test_mart_reads_filtered_tables_only_through_their_partition_column(mart):
    """activity_events and active_user_days require a partition filter in BigQuery: every
    SELECT that reads one filters on its partition column in its own WHERE."""
    tree = sqlglot.parse_one(mart.sql, read="bigquery")
    read = False
    for name, column in FILTERED.items():
        for select in tree.find_all(exp.Select):
            if not any(t.name == name for t in select.args["from_"].find_all(exp.Table)):
                continue
            read = True
            where = select.args.get("where")
            assert where is not None, name
            assert column in {c.name for c in where.find_all(exp.Column)}, name
    assert read


def test_filtered_tables_require_their_partition_filter():
    for name, column in FILTERED.items():
        spec = tables()[name]
        assert spec.partition_field == column
        assert spec.require_partition_filter is True


def test_every_column_of_every_table_is_described():
    for path in SCHEMA_DIR.glob("*.json"):
        for field in json.loads(path.read_text()):
            assert field.keys() >= {"name", "type", "mode", "description"}, path.name
            assert len(field["description"]) > 10, f"{path.stem}.{field['name']}"


def test_table_options_match_the_terraform_bigquery_module():
    """dags/tables.json feeds the bigquery module's `tables` variable as it is."""
    options = json.loads(TABLE_OPTIONS.read_text())
    allowed = {
        "description",
        "partition_field",
        "partition_type",
        "clustering",
        "require_partition_filter",
    }
    specs = tables()
    assert options.keys() == specs.keys()
    for name, opts in options.items():
        assert opts.keys() <= allowed, name
        assert opts["description"], name
        columns = specs[name].columns
        assert set(opts.get("clustering", [])) <= set(columns), name
        assert len(opts.get("clustering", [])) <= 4
        if "partition_field" in opts:
            assert opts["partition_field"] in columns
            assert opts["partition_type"] == "DAY"
    events = specs["activity_events"]
    assert events.partition_field == "event_date"
    assert events.clustering == ("school_id", "event_type")
    assert events.require_partition_filter is True
