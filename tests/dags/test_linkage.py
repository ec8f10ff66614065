"""The join that the threat model in dags/README.md (Privacy) rules out, performed: a
student who is also an analyst reads the app and the warehouse after the world's
backfill and tries to tie what the app shows without an author (reviews, reports, likes,
scraps, timetable changes, anonymous content) to a person the app names.

What the app shows is read from PostgreSQL the way the API serves it (api/posts,
api/comments, api/users, api/courses schemas): public posts and comments with their
author and exact creation time, every profile's joining time, and course reviews with
their course, rating and exact time but no author. The warehouse is every row of every
table the DAG wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.dags.helpers import query, table_names

# What the app shows with the person who did it.
NAMED = {"signup", "post", "comment"}
HMAC_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass
class AppView:
    """What any signed-in student of the school can read in the app."""

    # (content id, author, created_at in microseconds since the epoch)
    public_posts: list[tuple[str, UUID, int]]
    public_comments: list[tuple[str, UUID, int]]
    joined: list[tuple[UUID, int]]  # profiles: (user, joined_at)
    reviews: list[dict[str, Any]]  # course_id, rating, created_at: no author


@dataclass
class Row:
    table: str
    values: dict[str, Any]
    at_us: int | None  # event_at in microseconds, for activity_events

    @property
    def kind(self) -> str:
        return self.values.get("event_type") or self.table


@dataclass
class Warehouse:
    rows: list[Row] = field(default_factory=list)

    def pseudonyms(self, row: Row) -> set[str]:
        """The row's pseudonymous values, whatever their column: every *_key column that is
        set, and anything shaped like an HMAC-SHA256 in hex."""
        return {
            v
            for c, v in row.values.items()
            if isinstance(v, str) and (c.endswith("_key") or HMAC_HEX.fullmatch(v))
        }


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(at: datetime) -> int:
    return (at - EPOCH) // timedelta(microseconds=1)


def app_view(database_url: str) -> AppView:
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.connect() as conn:

        def rows(sql: str) -> list:
            return list(conn.execute(text(sql)))

        view = AppView(
            public_posts=[
                (str(r.id), r.author_id, micros(r.created_at))
                for r in rows("SELECT id, author_id, created_at FROM posts WHERE NOT anonymous")
            ],
            public_comments=[
                (str(r.id), r.author_id, micros(r.created_at))
                for r in rows("SELECT id, author_id, created_at FROM comments WHERE NOT anonymous")
            ],
            joined=[(r.id, micros(r.created_at)) for r in rows("SELECT id, created_at FROM users")],
            reviews=[
                {"course_id": str(r.course_id), "rating": r.rating, "at": micros(r.created_at)}
                for r in rows("SELECT course_id, rating, created_at FROM course_reviews")
            ],
        )
    engine.dispose()
    return view


def warehouse(path) -> Warehouse:
    wh = Warehouse()
    for table in table_names(path):
        if table == "activity_events":
            for r in query(path, "SELECT *, epoch_us(event_at) AS _at_us FROM activity_events"):
                at_us = r.pop("_at_us")
                wh.rows.append(Row(table, r, at_us))
        else:
            wh.rows.extend(Row(table, r, None) for r in query(path, f'SELECT * FROM "{table}"'))
    return wh


def seeds(view: AppView, wh: Warehouse, person: UUID) -> list[Row]:
    """Warehouse rows of what the app shows `person` did: their public posts and comments
    (by the app's id, or by the exact time the app shows), and their signup (by the
    joining time on their profile)."""
    ids = {c for c, author, _ in view.public_posts + view.public_comments if author == person}
    times = {at for _, author, at in view.public_posts + view.public_comments if author == person}
    times |= {at for user, at in view.joined if user == person}

    def shows(row: Row) -> bool:
        if row.kind == "post" and row.values.get("post_id") in ids:
            return True
        if row.kind == "comment" and row.values.get("comment_id") in ids:
            return True
        return row.at_us is not None and row.at_us in times

    return [row for row in wh.rows if shows(row)]


def linked(wh: Warehouse, start: list[Row]) -> list[Row]:
    """Every row reachable from `start` by sharing a pseudonym, transitively."""
    reached = {id(r): r for r in start}
    keys: set[str] = set()
    frontier = list(start)
    while frontier:
        for row in frontier:
            keys |= wh.pseudonyms(row)
        frontier = [r for r in wh.rows if id(r) not in reached and wh.pseudonyms(r) & keys]
        reached.update((id(r), r) for r in frontier)
    return list(reached.values())


def shown_with_author(row: Row) -> bool:
    return row.kind in NAMED and not row.values.get("is_anonymous")


@pytest.fixture(scope="module")
def attack(world_run):
    return app_view(world_run.database_url), warehouse(world_run.warehouse_file), world_run


def public_authors(view: AppView) -> Iterator[UUID]:
    yield from sorted({author for _, author, _ in view.public_posts + view.public_comments})


def test_the_join_finds_the_warehouse_rows_of_a_public_post(attack):
    """The attacker's steps work (else the tests below would prove nothing): a public
    post's exact time alone finds its warehouse row, and its pseudonym leads to the same
    author's other named content and signup."""
    view, wh, run = attack
    p0 = run.world["P0"]
    (_, _, p0_at) = next(p for p in view.public_posts if p[0] == p0)
    by_time = [r for r in wh.rows if r.at_us == p0_at]
    assert [(r.kind, r.values["post_id"]) for r in by_time] == [("post", p0)]
    reached = {(r.kind, r.values.get("comment_id")) for r in linked(wh, by_time)}
    # junho's named comment C1 on minji's post, and his signup.
    assert reached >= {("post", None), ("comment", run.world["C1"]), ("signup", None)}


def test_a_public_author_cannot_be_linked_to_anything_the_app_shows_without_them(attack):
    view, wh, run = attack
    names = {v: k for k, v in run.world.ids.items()}
    authors = list(public_authors(view))
    assert {names[a] for a in authors} == {"junho", "minji", "seoyeon", "alex"}
    for person in authors:
        reached = linked(wh, seeds(view, wh, person))
        assert reached, names[person]
        leaked = sorted({r.kind for r in reached if not shown_with_author(r)})
        assert leaked == [], f"{names[person]}'s public content leads to {leaked}"


def test_a_review_shown_in_the_app_leads_to_no_public_author(attack):
    """A review joins its warehouse row by course and exact time; that row must share no
    pseudonym with anything a public author's content leads to."""
    view, wh, _ = attack
    public_keys = set()
    for person in public_authors(view):
        for row in linked(wh, seeds(view, wh, person)):
            public_keys |= wh.pseudonyms(row)
    assert public_keys
    for review in view.reviews:
        rows = [
            r
            for r in wh.rows
            if r.kind == "review"
            and r.values["course_id"] == review["course_id"]
            and r.values["rating"] == review["rating"]
            and r.at_us == review["at"]
        ]
        assert len(rows) == 1, review  # the app's review is found in the warehouse
        for row in linked(wh, rows):
            assert not wh.pseudonyms(row) & public_keys, (review, row.kind)
