"""uploads: attachments, and the image count of posts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:12:40.118204
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("object_name", sa.String(length=200), nullable=False),
        sa.Column("image_object", sa.String(length=200), nullable=True),
        sa.Column("thumbnail_object", sa.String(length=200), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("post_id", sa.UUID(), nullable=True),
        sa.Column("position", sa.SmallInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'ready', 'rejected')", name=op.f("ck_attachments_status")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_attachments_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_attachments_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("object_name", name=op.f("uq_attachments_object_name")),
        sa.UniqueConstraint("post_id", "position", name=op.f("uq_attachments_post_id_position")),
    )
    # A constant default: PostgreSQL adds the column without rewriting the table.
    op.add_column(
        "posts", sa.Column("image_count", sa.SmallInteger(), server_default="0", nullable=False)
    )


def downgrade() -> None:
    op.drop_column("posts", "image_count")
    op.drop_table("attachments")
