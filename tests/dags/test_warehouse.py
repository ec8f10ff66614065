"""The local DuckDB warehouse keeps BigQuery's partition rule: a day's load or a mart's
rebuild writes only its own partition; a row outside it fails the write and the table
is left as it was."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from infra.warehouse import DuckDBWarehouse, LocalStaging, TableSpec
from tests.dags.helpers import query

DAY, NEXT_DAY = date(2026, 11, 20), date(2026, 11, 21)
EVENTS = TableSpec(
    name="events",
    fields=({"name": "event_id", "type": "STRING"}, {"name": "event_date", "type": "DATE"}),
    partition_field="event_date",
)


@pytest.fixture
def warehouse(tmp_path) -> DuckDBWarehouse:
    warehouse = DuckDBWarehouse(tmp_path / "w.duckdb", LocalStaging(tmp_path / "staging"))
    warehouse.ensure_tables([EVENTS])
    return warehouse


def stage(warehouse: DuckDBWarehouse, name: str, lines: list[str]) -> list[str]:
    with warehouse.staging.open(name) as f:
        f.write("".join(line + "\n" for line in lines).encode())
    return [warehouse.staging.uri(name)]


def rows(warehouse: DuckDBWarehouse) -> list[dict]:
    return query(warehouse.path, "SELECT event_id, event_date FROM events ORDER BY event_id")


def test_a_load_replaces_only_its_partition(warehouse):
    warehouse.load_partition(
        EVENTS, DAY, stage(warehouse, "a", ['{"event_id": "a", "event_date": "2026-11-20"}'])
    )
    warehouse.load_partition(
        EVENTS, NEXT_DAY, stage(warehouse, "b", ['{"event_id": "b", "event_date": "2026-11-21"}'])
    )
    warehouse.load_partition(
        EVENTS, DAY, stage(warehouse, "c", ['{"event_id": "c", "event_date": "2026-11-20"}'])
    )
    assert rows(warehouse) == [
        {"event_id": "b", "event_date": NEXT_DAY},
        {"event_id": "c", "event_date": DAY},
    ]


def test_a_staged_row_outside_the_partition_fails_the_load_and_loses_nothing(warehouse):
    warehouse.load_partition(
        EVENTS, DAY, stage(warehouse, "a", ['{"event_id": "a", "event_date": "2026-11-20"}'])
    )
    stray = stage(
        warehouse,
        "b",
        [
            '{"event_id": "b", "event_date": "2026-11-20"}',
            '{"event_id": "c", "event_date": "2026-11-21"}',
        ],
    )
    with pytest.raises(duckdb.Error, match="outside partition 2026-11-20"):
        warehouse.load_partition(EVENTS, DAY, stray)
    assert rows(warehouse) == [{"event_id": "a", "event_date": DAY}]


def test_a_query_row_outside_the_partition_fails_the_rebuild_and_loses_nothing(warehouse):
    warehouse.load_partition(
        EVENTS, DAY, stage(warehouse, "a", ['{"event_id": "a", "event_date": "2026-11-20"}'])
    )
    with pytest.raises(duckdb.Error, match="outside partition 2026-11-20"):
        warehouse.replace_partition_from_query(
            EVENTS,
            DAY,
            "SELECT 'x' AS event_id, DATE_ADD(@day, INTERVAL 1 DAY) AS event_date",
            {"day": DAY},
        )
    assert rows(warehouse) == [{"event_id": "a", "event_date": DAY}]


def test_an_empty_load_empties_the_partition(warehouse):
    warehouse.load_partition(
        EVENTS, DAY, stage(warehouse, "a", ['{"event_id": "a", "event_date": "2026-11-20"}'])
    )
    warehouse.load_partition(EVENTS, DAY, [])
    assert rows(warehouse) == []
