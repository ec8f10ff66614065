"""The quad_activity DAG's task bodies. Settings, database and warehouse come from infra.

A run loads the UTC day that ended at its data interval's end, plus the
ANALYTICS_LOOKBACK_DAYS days before it (late commits; dags/README.md), and passes a
manifest between tasks: per day, the staged files and each event type's source count.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

from infra import database
from infra.settings import get_settings
from infra.warehouse import Warehouse, get_warehouse
from quad_analytics.checks import check_days
from quad_analytics.extract import extract_days, extract_dimensions
from quad_analytics.marts import MARTS
from quad_analytics.privacy import Pseudonymizer
from quad_analytics.tables import (
    ACTIVE_USER_DAYS,
    ACTIVITY_EVENTS,
    BOARD_ACTIVE_USERS,
    DIMENSIONS,
    table,
    tables,
)

log = logging.getLogger(__name__)

Manifest = list[dict[str, Any]]


def day_of_run(data_interval_end: datetime) -> date:
    """The last whole UTC day that ends at or before the run's data interval end.

    Either way "@daily" is scheduled, the run at midnight loads the day that just ended:
    with data intervals (CronDataIntervalTimetable) the interval is that day; with
    Airflow 3's default CronTriggerTimetable the interval is the instant of midnight.
    """
    return data_interval_end.astimezone(UTC).date() - timedelta(days=1)


def days_to_load(day: date, lookback_days: int) -> list[date]:
    return [day - timedelta(days=n) for n in range(lookback_days, -1, -1)]


def prepare_warehouse(warehouse: Warehouse | None = None) -> None:
    (warehouse or get_warehouse()).ensure_tables(list(tables().values()))


def extract_and_stage(day: date, warehouse: Warehouse | None = None) -> Manifest:
    settings = get_settings()
    days = days_to_load(day, settings.analytics_lookback_days)
    manifest = extract_days(
        days,
        engine=database.get_engine(),
        staging=(warehouse or get_warehouse()).staging,
        pseudo=Pseudonymizer(settings.pseudonym_key()),
        fetch_rows=settings.analytics_fetch_rows,
        part_rows=settings.analytics_part_rows,
    )
    for entry in manifest:
        log.info(
            "%s: staged %d events in %d files; source counts %s",
            entry["day"],
            entry["staged_rows"],
            len(entry["uris"]),
            entry["source_counts"],
        )
        log.info(
            "%s: staged %d active users and %d boards' active user counts",
            entry["day"],
            entry[ACTIVE_USER_DAYS]["staged_rows"],
            entry[BOARD_ACTIVE_USERS]["staged_rows"],
        )
    return manifest


def load_activity(manifest: Manifest, warehouse: Warehouse | None = None) -> None:
    warehouse = warehouse or get_warehouse()
    for entry in manifest:
        day = date.fromisoformat(entry["day"])
        for name in (ACTIVITY_EVENTS, ACTIVE_USER_DAYS, BOARD_ACTIVE_USERS):
            spec = table(name)
            uris = entry["uris"] if name == ACTIVITY_EVENTS else entry[name]["uris"]
            warehouse.load_partition(spec, day, uris)
            log.info("%s: loaded %s", day, spec.partition_id(day))


def check_activity(manifest: Manifest, warehouse: Warehouse | None = None) -> None:
    check_days(warehouse or get_warehouse(), manifest)
    log.info("data-quality checks passed for %s", ", ".join(e["day"] for e in manifest))


def refresh_dimensions(warehouse: Warehouse | None = None) -> None:
    settings = get_settings()
    warehouse = warehouse or get_warehouse()
    staged = extract_dimensions(
        engine=database.get_engine(),
        staging=warehouse.staging,
        fetch_rows=settings.analytics_fetch_rows,
        part_rows=settings.analytics_part_rows,
    )
    for name in DIMENSIONS:
        warehouse.replace_table(table(name), staged[name])


def build_marts(manifest: Manifest, warehouse: Warehouse | None = None) -> None:
    warehouse = warehouse or get_warehouse()
    days = sorted(date.fromisoformat(e["day"]) for e in manifest)
    for mart in MARTS:
        # A partition's rebuild from a later day replaces one from an earlier day (the
        # lookback days of a weekly mart share its week): build each partition once, from
        # the run's last day in it.
        last_day_in = {mart.partition_of(day): day for day in days}
        for day in last_day_in.values():
            mart.build(warehouse, day)
        log.info("%s: rebuilt from %s", mart.name, ", ".join(map(str, last_day_in.values())))
