"""The Alembic migrations and the SQLAlchemy models describe the same schema, and the
migrations run down to an empty database and back up again."""

from __future__ import annotations

from uuid import uuid4

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from api.cli import _alembic_config
from api.models import Base

SEARCH_FUNCTIONS = ("quad_search_terms", "quad_search_query_terms", "quad_search_words")


def schema_diffs(conn) -> list:
    # The same comparison `alembic check` makes (api/migrations/env.py: compare_type=True).
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


def head_revision() -> str:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def test_models_and_migrations_agree(engine):
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
        assert schema_diffs(conn) == []


def test_the_daily_extraction_columns_have_brin_indexes(engine):
    # Alembic compares indexes by name and columns, not by kind: check the kind here.
    declared = {
        (table.name, index.name, tuple(index.columns.keys()))
        for table in Base.metadata.sorted_tables
        for index in table.indexes
        if index.dialect_options["postgresql"]["using"] == "brin"
    }
    with engine.connect() as conn:
        built = conn.execute(
            text(
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = 'public' AND indexdef LIKE '% USING brin %'"
            )
        ).all()
    assert {(r.tablename, r.indexname) for r in built} == {(t, i) for t, i, _ in declared}
    assert {(t, c) for t, _, (c,) in declared} == {
        *((t, "created_at") for t in ("users", "posts", "comments", "post_likes")),
        *((t, "created_at") for t in ("comment_likes", "scraps", "reports")),
        ("moderation_actions", "created_at"),
        ("course_reviews", "created_at"),
        ("timetable_courses", "added_at"),
        ("timetable_course_removals", "removed_at"),
    }
    assert all(
        r.indexdef.endswith("WITH (autosummarize='on', pages_per_range='32')") for r in built
    ), built


def test_there_is_a_single_head():
    assert len(ScriptDirectory.from_config(_alembic_config()).get_heads()) == 1


@pytest.fixture
def scratch_engine(database_url):
    """A separate, empty database on the same server; dropped afterwards."""
    name = f"quad_migrations_{uuid4().hex[:12]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    scratch = create_engine(make_url(database_url).set(database=name), poolclass=NullPool)
    try:
        yield scratch
    finally:
        scratch.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate(scratch, target: str, direction: str = "upgrade") -> None:
    config = _alembic_config()
    with scratch.begin() as conn:
        config.attributes["connection"] = conn  # env.py uses it instead of the app's engine
        getattr(command, direction)(config, target)


def our_objects(conn) -> tuple[set[str], set[str]]:
    tables = set(inspect(conn).get_table_names()) - {"alembic_version"}
    functions = set(
        conn.execute(
            text(
                "SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = 'public'"
            )
        ).scalars()
    )
    return tables, functions


def test_downgrade_to_base_and_upgrade_again(scratch_engine):
    all_tables = {t.name for t in Base.metadata.sorted_tables}

    migrate(scratch_engine, "head")
    with scratch_engine.connect() as conn:
        tables, functions = our_objects(conn)
        assert tables == all_tables
        assert set(SEARCH_FUNCTIONS) <= functions
        assert schema_diffs(conn) == []

    migrate(scratch_engine, "base", "downgrade")
    with scratch_engine.connect() as conn:
        assert our_objects(conn) == (set(), set())
        assert MigrationContext.configure(conn).get_current_revision() is None

    migrate(scratch_engine, "head")
    with scratch_engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
        assert our_objects(conn)[0] == all_tables
        assert schema_diffs(conn) == []
        # The search functions are back and work.
        terms = conn.execute(text("SELECT quad_search_terms('학교에서')")).scalar()
        assert set(terms) == {"학교", "교에", "에서"}


def test_0010_verifies_existing_accounts_keys_their_emails_and_lists_school_domains(
    scratch_engine,
):
    # Accounts made under the old rules keep working: verified, each with its own key
    # (the earliest of those sharing a key keeps it), each school's domain its first.
    migrate(scratch_engine, "0008")
    with scratch_engine.begin() as conn:
        school = conn.execute(
            text(
                "INSERT INTO schools (id, name, email_domain) "
                "VALUES (gen_random_uuid(), 'Old U', 'Old.AC.kr') RETURNING id"
            )
        ).scalar_one()
        for n, email in enumerate(("kim@old.ac.kr", "kim+2@old.ac.kr", "lee+x@old.ac.kr")):
            conn.execute(
                text(
                    "INSERT INTO users (id, email, nickname, school_id, created_at) VALUES "
                    "(gen_random_uuid(), :e, :n, :s, now() - make_interval(days => :d))"
                ),
                {"e": email, "n": f"old{n}", "s": school, "d": 10 - n},
            )
    migrate(scratch_engine, "head")
    with scratch_engine.connect() as conn:
        rows = conn.execute(
            text("SELECT email, email_key, email_verified_at, language FROM users ORDER BY email")
        ).all()
        domains = conn.execute(text("SELECT domain FROM school_domains")).scalars().all()
    assert [(r.email, r.email_key) for r in rows] == [
        ("kim+2@old.ac.kr", "kim+2@old.ac.kr"),  # kim's key is taken: its own address
        ("kim@old.ac.kr", "kim@old.ac.kr"),
        ("lee+x@old.ac.kr", "lee@old.ac.kr"),
    ]
    assert all(r.email_verified_at is not None and r.language == "ko" for r in rows)
    assert domains == ["old.ac.kr"]


def test_the_shared_test_database_was_left_alone(engine):
    # Runs after the round trip (file order): the other tests' database is still at head.
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
        assert our_objects(conn)[0] == {t.name for t in Base.metadata.sorted_tables}


def test_existing_boards_keep_what_they_allowed_and_their_creator_owns_them(scratch_engine):
    """Boards from before the rules (0011): members write under either name, the creator
    owns the board, an operator's board has no owner; every school lets members create
    boards, as before."""
    migrate(scratch_engine, "0008")
    with scratch_engine.begin() as conn:
        school = conn.execute(
            text("INSERT INTO schools (id, name) VALUES (gen_random_uuid(), 'S') RETURNING id")
        ).scalar()
        user = conn.execute(
            text(
                "INSERT INTO users (id, email, nickname, school_id) "
                "VALUES (gen_random_uuid(), 'a@s.edu', 'a', :s) RETURNING id"
            ),
            {"s": school},
        ).scalar()
        for name, creator in (("members' board", user), ("operator's board", None)):
            conn.execute(
                text(
                    "INSERT INTO boards (id, school_id, name, created_by) "
                    "VALUES (gen_random_uuid(), :s, :n, :c)"
                ),
                {"s": school, "n": name, "c": creator},
            )
    migrate(scratch_engine, "head")
    with scratch_engine.connect() as conn:
        boards = conn.execute(
            text("SELECT name, write_rule, name_rule, owner_id FROM boards ORDER BY name")
        ).all()
        assert [tuple(b) for b in boards] == [
            ("members' board", "members", "either", user),
            ("operator's board", "members", "either", None),
        ]
        assert conn.execute(text("SELECT members_create_boards FROM schools")).scalar() is True
