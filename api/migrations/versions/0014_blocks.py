"""blocks: who blocked whom, one row per way the block was made

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 15:30:00.000000

`blocks` holds a row per (blocker, how): on the user (`via_type` 'user', `via_id` the
user) or on one of their posts or comments (`via_id` that post or comment, no foreign key:
the block outlives it). `anonymous` says whether it was made on anonymous content, which
is then all it hides. Every filtered read asks `ix_blocks_blocker` for the viewer's
(blocked_id, anonymous) pairs, index-only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blocks",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("blocker_id", sa.UUID(), nullable=False),
        sa.Column("blocked_id", sa.UUID(), nullable=False),
        sa.Column("via_type", sa.String(length=10), nullable=False),
        sa.Column("via_id", sa.UUID(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("via_label", sa.String(length=120), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("blocker_id <> blocked_id", name=op.f("ck_blocks_not_self")),
        sa.CheckConstraint(
            "via_type IN ('user', 'post', 'comment')", name=op.f("ck_blocks_via_type")
        ),
        sa.ForeignKeyConstraint(
            ["blocker_id"],
            ["users.id"],
            name=op.f("fk_blocks_blocker_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blocked_id"],
            ["users.id"],
            name=op.f("fk_blocks_blocked_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocks")),
    )
    op.create_index("uq_blocks_via", "blocks", ["blocker_id", "via_type", "via_id"], unique=True)
    op.create_index("ix_blocks_blocker", "blocks", ["blocker_id", "blocked_id", "anonymous"])
    op.create_index(
        "ix_blocks_blocker_list",
        "blocks",
        ["blocker_id", sa.text("created_at DESC"), sa.text("id DESC")],
    )
    op.create_index("ix_blocks_blocked", "blocks", ["blocked_id"])


def downgrade() -> None:
    op.drop_index("ix_blocks_blocked", table_name="blocks")
    op.drop_index("ix_blocks_blocker_list", table_name="blocks")
    op.drop_index("ix_blocks_blocker", table_name="blocks")
    op.drop_index("uq_blocks_via", table_name="blocks")
    op.drop_table("blocks")
