"""limit counts: budgets per user and per client address, shared by every instance

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:30:00.000000

One row per (policy, subject): how much of a budget a user, an email or a client address
has spent in its current fixed window, which ends at `expires_at` (api/limits/service.py).
Expand only: a new table the revision still serving never reads.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "limit_counts",
        sa.Column("policy", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=340), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("policy", "subject", name=op.f("pk_limit_counts")),
    )
    op.create_index("ix_limit_counts_expires_at", "limit_counts", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_limit_counts_expires_at", table_name="limit_counts")
    op.drop_table("limit_counts")
