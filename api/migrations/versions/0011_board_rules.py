"""board rules: who may write, under which name, and the board's owner; a school's switch
for boards made by members

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-03 12:40:00.000000

A board now says who may write on it (`write_rule`: every member, or its moderators only,
for read-only boards such as notices) and under which name (`name_rule`: anonymous only,
named only, or either), and has an owner (`owner_id`), who edits its description and rules.
Existing boards keep what they allowed before: members write, under either name; their
creator owns them (operator-made boards have no owner). A secret board that should take
anonymous posts only is set so by its owner, or by the demo seeder for the demo's.

`schools.members_create_boards` is on for every school, as before; an operator turns it off
with `quad schools set-board-creation`.

Every new column has a constant default: PostgreSQL adds it without rewriting the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("boards", sa.Column("owner_id", sa.UUID(), nullable=True))
    op.add_column(
        "boards",
        sa.Column("write_rule", sa.String(length=20), server_default="members", nullable=False),
    )
    op.add_column(
        "boards",
        sa.Column("name_rule", sa.String(length=20), server_default="either", nullable=False),
    )
    op.create_foreign_key(
        op.f("fk_boards_owner_id_users"),
        "boards",
        "users",
        ["owner_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_check_constraint(
        op.f("ck_boards_write_rule"), "boards", "write_rule IN ('members', 'moderators')"
    )
    op.create_check_constraint(
        op.f("ck_boards_name_rule"), "boards", "name_rule IN ('anonymous', 'named', 'either')"
    )
    op.execute("UPDATE boards SET owner_id = created_by")
    op.add_column(
        "schools",
        sa.Column("members_create_boards", sa.Boolean(), server_default=sa.true(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("schools", "members_create_boards")
    op.drop_constraint(op.f("ck_boards_name_rule"), "boards", type_="check")
    op.drop_constraint(op.f("ck_boards_write_rule"), "boards", type_="check")
    op.drop_constraint(op.f("fk_boards_owner_id_users"), "boards", type_="foreignkey")
    op.drop_column("boards", "name_rule")
    op.drop_column("boards", "write_rule")
    op.drop_column("boards", "owner_id")
