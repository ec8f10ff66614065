"""analytics source access: timetable removals log, read-only analytics role, BRIN indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 10:02:11.530214

- `timetable_course_removals`: removing a course deletes its timetable_courses row, so
  removals are logged here (api/timetables/service.py) for the analytics DAG.
- `quad_analytics_reader` (NOLOGIN): SELECT on exactly the columns the analytics DAG
  reads (dags/quad_analytics/sources.py) and nothing else: no e-mail, password hash,
  token, nickname, title, body, review text or board description. Terraform grants it to
  Composer's IAM database user (database_roles). The grants are revoked and made again,
  so after this migration the role holds exactly these. A later migration that makes the
  DAG read a new column grants it (tests/dags/test_source_access.py fails until then).
- BRIN indexes on the time column each daily extraction filters by: a few pages per
  table, nearly free on insert for append-mostly tables (and, unlike a B-tree, no extra
  work for the non-HOT counter updates of posts), and a day becomes a range scan instead
  of a whole-table scan. 32 pages per range, not the default 128: a day's extraction
  reads at most about two ranges beyond the day's own pages, which matters for tables
  that grow by a few pages a day (measured with EXPLAIN: see dags/README.md, Known
  limits). autosummarize lets autovacuum summarize each block range once it is full, so
  a day's new rows do not wait for a VACUUM to be indexed. Built without CONCURRENTLY: a
  BRIN build is one sequential read of the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "quad_analytics_reader"

# table -> the columns the analytics role may read.
READABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "schools": ("id", "name", "email_domain", "created_at"),
    "users": ("id", "school_id", "created_at"),
    "boards": ("id", "school_id", "name", "created_at"),
    "posts": ("id", "board_id", "school_id", "author_id", "anonymous", "question", "created_at"),
    "comments": ("id", "post_id", "parent_id", "author_id", "anonymous", "created_at"),
    "post_likes": ("post_id", "user_id", "created_at"),
    "comment_likes": ("comment_id", "user_id", "created_at"),
    "scraps": ("post_id", "user_id", "created_at"),
    "reports": ("id", "target_type", "target_id", "reporter_id", "reason", "created_at"),
    "moderation_actions": ("id", "target_type", "target_id", "action", "created_at"),
    "courses": (
        "id",
        "school_id",
        "semester",
        "code",
        "name",
        "professor_name",
        "credits",
        "review_count",
        "rating_sum",
        "created_at",
    ),
    "course_reviews": ("id", "course_id", "user_id", "rating", "created_at"),
    "timetables": ("id", "user_id"),
    "timetable_courses": ("timetable_id", "course_id", "added_at"),
    "timetable_course_removals": ("id", "course_id", "user_id", "removed_at"),
}

# (table, column) the daily extraction reads a day by.
EXTRACTION_TIME_COLUMNS: tuple[tuple[str, str], ...] = (
    ("users", "created_at"),
    ("posts", "created_at"),
    ("comments", "created_at"),
    ("post_likes", "created_at"),
    ("comment_likes", "created_at"),
    ("scraps", "created_at"),
    ("reports", "created_at"),
    ("moderation_actions", "created_at"),
    ("course_reviews", "created_at"),
    ("timetable_courses", "added_at"),
    ("timetable_course_removals", "removed_at"),
)


def brin_index_name(table: str, column: str) -> str:
    return f"ix_{table}_{column}_brin"


def upgrade() -> None:
    op.create_table(
        "timetable_course_removals",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("timetable_id", sa.UUID(), nullable=False),
        sa.Column("course_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column(
            "removed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_timetable_course_removals_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_timetable_course_removals_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timetable_course_removals")),
    )
    for table, column in EXTRACTION_TIME_COLUMNS:
        op.create_index(
            brin_index_name(table, column),
            table,
            [column],
            postgresql_using="brin",
            postgresql_with={"autosummarize": "on", "pages_per_range": 32},
        )

    op.execute(
        f"""
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN
            CREATE ROLE {ROLE} NOLOGIN;
          END IF;
        END
        $$
        """
    )
    # Exactly these grants, whatever the role held before (it may have been made by hand
    # from the old dags/source_access.sql).
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ROLE}")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {ROLE}")
    for table, columns in READABLE_COLUMNS.items():
        op.execute(f"GRANT SELECT ({', '.join(columns)}) ON {table} TO {ROLE}")


def downgrade() -> None:
    for table in READABLE_COLUMNS:
        op.execute(f"REVOKE ALL ON {table} FROM {ROLE}")
    op.execute(f"REVOKE USAGE ON SCHEMA public FROM {ROLE}")
    # Roles belong to the whole server: keep it while another database still grants it
    # something (e.g. a second database on a shared test server).
    op.execute(
        f"""
        DO $$
        BEGIN
          IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}')
             AND NOT EXISTS (
               SELECT FROM pg_shdepend d JOIN pg_roles r ON r.oid = d.refobjid
               WHERE d.refclassid = 'pg_authid'::regclass AND r.rolname = '{ROLE}'
             ) THEN
            DROP ROLE {ROLE};
          END IF;
        END
        $$
        """
    )
    for table, column in reversed(EXTRACTION_TIME_COLUMNS):
        if table != "timetable_course_removals":
            op.drop_index(brin_index_name(table, column), table_name=table)
    op.drop_table("timetable_course_removals")
