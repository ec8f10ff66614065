"""login failures: throttling per (email, client address), not per account row

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 09:40:00.000000

Failed logins were counted on the users row: anyone who knew an email could lock its
owner out, and only existing emails ever answered 429 (which told them apart). They are
now counted in `login_failures` per (lower-cased email, client address), whether or not
the email has an account, plus one row per email across all addresses (client '*').
Counts and locks in progress on users rows are not carried over: they name no address,
and they last an hour at most.

Expand only: `users.failed_logins` and `users.locked_until` are no longer read or written,
but the revision still serving while this runs (and any revision rolled back to) maps
them, so they are dropped by a migration of a later release.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email", "client", name=op.f("pk_login_failures")),
    )
    op.create_index("ix_login_failures_expires_at", "login_failures", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_login_failures_expires_at", table_name="login_failures")
    op.drop_table("login_failures")
