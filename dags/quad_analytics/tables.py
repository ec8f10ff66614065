"""Warehouse tables as the schema files describe them.

`../schemas/<table>.json` is the table's BigQuery JSON schema (Terraform creates the
BigQuery tables from the same files); `../tables.json` holds each table's description,
partitioning and clustering, in the shape of the Terraform bigquery module's `tables`
variable.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from infra.warehouse import TableSpec

DAGS_DIR = Path(__file__).resolve().parent.parent
SCHEMA_DIR = DAGS_DIR / "schemas"
SQL_DIR = DAGS_DIR / "sql"
TABLE_OPTIONS = DAGS_DIR / "tables.json"

ACTIVITY_EVENTS = "activity_events"
ACTIVE_USER_DAYS = "active_user_days"
BOARD_ACTIVE_USERS = "board_active_users"
DIMENSIONS = ("dim_schools", "dim_boards", "dim_courses")


@lru_cache
def tables() -> dict[str, TableSpec]:
    options = json.loads(TABLE_OPTIONS.read_text())
    specs: dict[str, TableSpec] = {}
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        opts = options.get(path.stem, {})
        partition_field = opts.get("partition_field")
        if opts.get("partition_type", "DAY") != "DAY":
            raise ValueError(f"{path.stem}: only daily partitions are supported")
        specs[path.stem] = TableSpec(
            name=path.stem,
            fields=tuple(json.loads(path.read_text())),
            description=opts.get("description", ""),
            partition_field=partition_field,
            clustering=tuple(opts.get("clustering", ())),
            # Terraform's default for a partitioned table is to require the filter.
            require_partition_filter=bool(
                partition_field and opts.get("require_partition_filter", True)
            ),
        )
    unknown = options.keys() - specs.keys()
    if unknown:
        raise ValueError(f"{TABLE_OPTIONS.name} names tables without a schema: {sorted(unknown)}")
    return specs


def table(name: str) -> TableSpec:
    return tables()[name]
