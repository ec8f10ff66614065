"""The marts: BigQuery SQL in ../sql/<mart>.sql, one partition rebuilt per day.

Each mart's SQL is a SELECT with the parameter @day (DATE) whose rows all fall in one
partition of the mart's table: the day itself, or for weekly_cohort_retention the
Monday of the day's week. A rebuild replaces that partition, so rerunning a day, or
running the days of a week in any order up to Sunday, gives the same table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from infra.warehouse import TableSpec, Warehouse
from quad_analytics.privacy import week_start
from quad_analytics.tables import SQL_DIR, table


def same_day(day: date) -> date:
    return day


@dataclass(frozen=True)
class Mart:
    name: str
    partition_of: Callable[[date], date] = same_day

    @cached_property
    def sql(self) -> str:
        return (SQL_DIR / f"{self.name}.sql").read_text()

    @property
    def table(self) -> TableSpec:
        return table(self.name)

    def build(self, warehouse: Warehouse, day: date) -> None:
        warehouse.replace_partition_from_query(
            self.table, self.partition_of(day), self.sql, {"day": day}
        )


MARTS: tuple[Mart, ...] = (
    Mart("daily_school_activity"),
    Mart("daily_board_engagement"),
    Mart("daily_hot_posts"),
    Mart("course_rating_summary"),
    Mart("daily_moderation"),
    Mart("weekly_cohort_retention", week_start),
)
