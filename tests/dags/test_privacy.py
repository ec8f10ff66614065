"""After the world's backfill, every column of every warehouse table is scanned: no
e-mail, no raw user id, no password hash, no title, body or review text, and no author
key on anonymous content. Users appear only as HMAC pseudonyms: user_key only on what the
app shows with its author, week_key only on active_user_days. The join these rules
prevent is performed in test_linkage.py."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import pytest

from tests.dags.helpers import pseudonym, query, table_names
from tests.dags.seed import SECRET_TEXT

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def run(world_run):
    return world_run


def cells(run) -> Iterator[tuple[str, str, str]]:
    """(table, column, value as text) for every non-NULL cell of the warehouse."""
    for table in table_names(run.warehouse_file):
        for row in query(run.warehouse_file, f'SELECT * FROM "{table}"'):
            for column, value in row.items():
                if value is not None:
                    yield table, column, str(value)


def test_no_personal_data_or_free_text_in_any_column(run):
    source = run.world.source
    user_ids = {str(u) for u in source.users}
    forms = user_ids | {u.replace("-", "") for u in user_ids}
    scanned = 0
    for table, column, value in cells(run):
        scanned += 1
        where = f"{table}.{column} = {value!r}"
        assert not EMAIL.search(value), where
        assert not any(email in value for email in source.emails), where
        assert not any(form in value.lower() for form in forms), where
        assert SECRET_TEXT not in value, where
        assert "$argon2" not in value, where
    assert scanned > 500  # the scan saw the whole warehouse, not an empty one


def test_users_appear_as_keyed_pseudonyms(run):
    minji = run.world.ids["minji"]
    keys = query(
        run.warehouse_file,
        "SELECT DISTINCT user_key FROM activity_events WHERE event_type = 'signup' "
        "AND event_date = '2026-11-14'",
    )
    expected = {pseudonym(run.data_dir, run.world.ids[n]) for n in ("minji", "junho", "yuna")}
    assert {k["user_key"] for k in keys} == expected
    # Keyed: not a plain hash anyone could compute from a user id.
    assert hashlib.sha256(str(minji).encode()).hexdigest() not in expected


def test_anonymous_content_carries_no_author_key(run):
    anonymous = run.world.source.anonymous_content
    assert len(anonymous) == 4  # P2, C2, C4, RC1
    for kind, content_id, author in anonymous:
        column = "post_id" if kind == "post" else "comment_id"
        created = query(
            run.warehouse_file,
            f"SELECT user_key, is_anonymous FROM activity_events "
            f"WHERE event_type = ? AND {column} = ?",
            [kind, str(content_id)],
        )
        assert created == [{"user_key": None, "is_anonymous": True}]
        # Nothing anywhere pairs the content with its author's pseudonym.
        author_key = pseudonym(run.data_dir, author)
        for table in table_names(run.warehouse_file):
            rows = query(run.warehouse_file, f'SELECT * FROM "{table}"')
            for row in rows:
                values = {str(v) for v in row.values() if v is not None}
                assert not (str(content_id) in values and author_key in values), (table, row)


def test_only_what_the_app_shows_with_its_author_carries_a_user_key(run):
    keyed = query(
        run.warehouse_file,
        "SELECT event_type, bool_or(is_anonymous) AS anonymous, count(*) AS n "
        "FROM activity_events WHERE user_key IS NOT NULL GROUP BY 1 ORDER BY 1",
    )
    assert keyed == [
        {"event_type": "comment", "anonymous": False, "n": 2},  # C1, C3
        {"event_type": "post", "anonymous": False, "n": 5},  # P0, P5, P1, P3, RP1
        {"event_type": "signup", "anonymous": None, "n": 7},
    ]


def test_marts_and_dimensions_hold_no_pseudonyms(run):
    user_keys = {
        r["user_key"]
        for r in query(
            run.warehouse_file,
            "SELECT DISTINCT user_key FROM activity_events WHERE user_key IS NOT NULL",
        )
    }
    week_keys = {
        r["week_key"]
        for r in query(
            run.warehouse_file,
            "SELECT DISTINCT week_key FROM active_user_days WHERE week_key IS NOT NULL",
        )
    }
    assert len(user_keys) == 7
    # One key per user and week: minji, junho, yuna and alex in the week of 11-09; minji,
    # junho, alex, seoyeon, dohyun and sam in the next (yuna only wrote anonymously).
    assert len(week_keys) == 4 + 6
    assert not user_keys & week_keys
    for table, column, value in cells(run):
        if table != "activity_events":
            assert value not in user_keys, f"{table}.{column}"
        if table != "active_user_days":
            assert value not in week_keys, f"{table}.{column}"
