"""moderation by people: roles, the append-only moderation log, suspensions, locks, notes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 15:40:00.000000

- `moderation_roles`: the roles accounts hold now (school moderators, platform
  administrators), and `moderation_role_changes`, the record of every grant and revocation.
- `moderation_actions` becomes the log of every decision, automatic or human: who decided
  (`actor_id`, NULL for the system or an operator, and `actor_kind`), the target's school,
  and the content's author (`subject_id`, for the administrators' audit only). The unique
  (target_type, target_id, action) goes: hide, restore, hide again must each be logged.
  The automatic hide is still logged once (its UPDATE ... WHERE hidden_at IS NULL
  RETURNING decides). Existing rows get their school and author from their target.
  The columns analytics reads (migration 0006) stay as they were.
- The log and the role record are append-only in the database, not only in the code:
  UPDATE, DELETE and TRUNCATE are revoked from PUBLIC, and a trigger raises on each.
  The trigger is what holds: the cloud API user has pg_write_all_data
  (terraform/modules/platform/data.tf), which table grants and revokes do not touch.
  (Only a superuser's `session_replication_role = replica` skips it: the tests' cleanup.)
- `moderation_appeals`: an author's appeal of a decision, one per decision, and its outcome.
- `users.suspended_until` ('infinity': no end), `posts.locked_at`, `reports.note` and
  `reports.school_id` (filled from the targets; the queue finds a school's reports by it).

Every new column is nullable or has a constant default: no table rewrite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("moderation_actions", "moderation_role_changes")


def upgrade() -> None:
    op.add_column("users", sa.Column("suspended_until", sa.DateTime(timezone=True)))
    op.add_column("posts", sa.Column("locked_at", sa.DateTime(timezone=True)))
    op.add_column("reports", sa.Column("note", sa.String(length=500)))
    op.add_column("reports", sa.Column("school_id", sa.UUID()))
    op.execute(
        """
        UPDATE reports r SET school_id = COALESCE(
          (SELECT p.school_id FROM posts p WHERE r.target_type = 'post' AND p.id = r.target_id),
          (SELECT p.school_id FROM comments c JOIN posts p ON p.id = c.post_id
           WHERE r.target_type = 'comment' AND c.id = r.target_id))
        """
    )
    op.create_index("ix_reports_school_id", "reports", ["school_id", "target_type", "target_id"])

    op.create_table(
        "moderation_roles",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("school_id", sa.UUID(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column(
            "granted_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "(role = 'moderator' AND school_id IS NOT NULL) "
            "OR (role = 'admin' AND school_id IS NULL)",
            name=op.f("ck_moderation_roles_scope"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_moderation_roles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_moderation_roles_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_roles")),
    )
    op.create_index(
        "uq_moderation_roles_moderator",
        "moderation_roles",
        ["user_id", "school_id"],
        unique=True,
        postgresql_where=sa.text("school_id IS NOT NULL"),
    )
    op.create_index(
        "uq_moderation_roles_admin",
        "moderation_roles",
        ["user_id"],
        unique=True,
        postgresql_where=sa.text("school_id IS NULL"),
    )
    op.create_index("ix_moderation_roles_school_id", "moderation_roles", ["school_id"])

    op.create_table(
        "moderation_role_changes",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("school_id", sa.UUID(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("change", sa.String(length=10), nullable=False),
        sa.Column("changed_by", sa.UUID(), nullable=True),
        sa.Column("changed_by_kind", sa.String(length=20), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "change IN ('granted', 'revoked')", name=op.f("ck_moderation_role_changes_change")
        ),
        sa.CheckConstraint(
            "changed_by_kind IN ('admin', 'operator')",
            name=op.f("ck_moderation_role_changes_changed_by_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_role_changes")),
    )
    op.create_index(
        "ix_moderation_role_changes_user_id",
        "moderation_role_changes",
        ["user_id", sa.text("created_at DESC")],
    )

    op.drop_constraint(
        "uq_moderation_actions_target_type_target_id_action", "moderation_actions", type_="unique"
    )
    op.alter_column("moderation_actions", "decided_by", nullable=True)
    op.add_column("moderation_actions", sa.Column("actor_id", sa.UUID()))
    op.add_column(
        "moderation_actions",
        sa.Column("actor_kind", sa.String(length=20), server_default="system", nullable=False),
    )
    op.add_column("moderation_actions", sa.Column("school_id", sa.UUID()))
    op.add_column("moderation_actions", sa.Column("subject_id", sa.UUID()))
    op.execute(
        """
        UPDATE moderation_actions m SET
          school_id = COALESCE(
            (SELECT p.school_id FROM posts p WHERE m.target_type = 'post' AND p.id = m.target_id),
            (SELECT p.school_id FROM comments c JOIN posts p ON p.id = c.post_id
             WHERE m.target_type = 'comment' AND c.id = m.target_id)),
          subject_id = COALESCE(
            (SELECT p.author_id FROM posts p WHERE m.target_type = 'post' AND p.id = m.target_id),
            (SELECT c.author_id FROM comments c
             WHERE m.target_type = 'comment' AND c.id = m.target_id))
        """
    )
    op.create_check_constraint(
        op.f("ck_moderation_actions_actor_kind"),
        "moderation_actions",
        "actor_kind IN ('system', 'moderator', 'board_owner', 'admin', 'operator')",
    )
    op.create_check_constraint(
        op.f("ck_moderation_actions_action"),
        "moderation_actions",
        "action IN ('hidden', 'restored', 'removed', 'dismissed', 'locked', 'unlocked', "
        "'suspended', 'unsuspended')",
    )
    op.create_index(
        "ix_moderation_actions_school_log",
        "moderation_actions",
        ["school_id", sa.text("created_at DESC"), "id"],
    )
    op.create_index(
        "ix_moderation_actions_target",
        "moderation_actions",
        ["target_type", "target_id", "created_at"],
    )
    op.create_index("ix_moderation_actions_subject_id", "moderation_actions", ["subject_id"])

    op.create_table(
        "moderation_appeals",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("action_id", sa.UUID(), nullable=False),
        sa.Column("school_id", sa.UUID(), nullable=True),
        sa.Column("body", sa.String(length=1000), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.UUID(), nullable=True),
        sa.Column("overturn_action_id", sa.UUID(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('upheld', 'overturned')", name=op.f("ck_moderation_appeals_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["moderation_actions.id"],
            name=op.f("fk_moderation_appeals_action_id_moderation_actions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_appeals")),
        sa.UniqueConstraint("action_id", name=op.f("uq_moderation_appeals_action_id")),
    )
    op.create_index(
        "ix_moderation_appeals_school_open",
        "moderation_appeals",
        ["school_id", "created_at", "id"],
    )

    op.execute(
        """
        CREATE FUNCTION quad_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    for table in APPEND_ONLY:
        op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC")
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION quad_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION quad_append_only()"
        )


def downgrade() -> None:
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
    op.execute("DROP FUNCTION quad_append_only()")
    op.drop_index("ix_moderation_actions_subject_id", table_name="moderation_actions")
    op.drop_index("ix_moderation_actions_target", table_name="moderation_actions")
    op.drop_index("ix_moderation_actions_school_log", table_name="moderation_actions")
    op.drop_constraint(op.f("ck_moderation_actions_action"), "moderation_actions", type_="check")
    op.drop_constraint(
        op.f("ck_moderation_actions_actor_kind"), "moderation_actions", type_="check"
    )
    op.drop_table("moderation_appeals")
    # Only the automatic hides were there before; people's decisions cannot go back.
    op.execute("ALTER TABLE moderation_actions DISABLE TRIGGER USER")
    op.execute("DELETE FROM moderation_actions WHERE actor_kind <> 'system'")
    op.execute(
        "DELETE FROM moderation_actions a USING moderation_actions b WHERE "
        "a.target_type = b.target_type AND a.target_id = b.target_id AND a.action = b.action "
        "AND (a.created_at, a.id) > (b.created_at, b.id)"
    )
    op.execute(
        "UPDATE moderation_actions SET decided_by = 'system:report-threshold' "
        "WHERE decided_by IS NULL"
    )
    op.execute("ALTER TABLE moderation_actions ENABLE TRIGGER USER")
    op.drop_column("moderation_actions", "subject_id")
    op.drop_column("moderation_actions", "school_id")
    op.drop_column("moderation_actions", "actor_kind")
    op.drop_column("moderation_actions", "actor_id")
    op.alter_column("moderation_actions", "decided_by", nullable=False)
    op.create_unique_constraint(
        "uq_moderation_actions_target_type_target_id_action",
        "moderation_actions",
        ["target_type", "target_id", "action"],
    )
    op.drop_table("moderation_role_changes")
    op.drop_table("moderation_roles")
    op.drop_index("ix_reports_school_id", table_name="reports")
    op.drop_column("reports", "school_id")
    op.drop_column("reports", "note")
    op.drop_column("posts", "locked_at")
    op.drop_column("users", "suspended_until")
