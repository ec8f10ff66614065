"""verified membership: school email domains, email verification, one account per mailbox

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-03 12:40:00.000000

- `school_domains`: the domains whose mailboxes may join a school (signup checks them).
  Each school's `email_domain` becomes its first row; a school without one accepts no
  signups until an operator adds a domain (`quad schools domains add`).
- `users.email_verified_at`: NULL until the account verifies its email. Every account
  that exists now is taken as verified (at its creation time): they joined under the old
  rules, and locking them out of their school would punish them for it.
- `users.email_key`: the email without its +tag, unique, so plus-addressing cannot mint a
  second account for one mailbox. Accounts that already share a key keep their full
  address as theirs (the earliest keeps the key): nobody loses an account.
- `users.language`: the language of the account's mails, `ko` unless chosen.
- `email_verifications`: one row per verification request, holding only HMACs of its
  code and link token.

Expand only: the revision still serving while this runs does not know the new columns,
and every one of them is nullable or has a default.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "school_domains",
        sa.Column("school_id", sa.UUID(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_domains_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("school_id", "domain", name=op.f("pk_school_domains")),
    )
    op.execute(
        """
        INSERT INTO school_domains (school_id, domain)
        SELECT id, lower(trim(trailing '.' from trim(email_domain))) FROM schools
        WHERE email_domain IS NOT NULL AND trim(email_domain) <> ''
        ON CONFLICT DO NOTHING
        """
    )

    op.add_column("users", sa.Column("email_key", sa.String(length=320), nullable=True))
    op.add_column(
        "users", sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "users", sa.Column("language", sa.String(length=2), server_default="ko", nullable=False)
    )
    op.create_check_constraint(op.f("ck_users_language"), "users", "language IN ('ko', 'en')")
    op.execute("UPDATE users SET email_verified_at = created_at WHERE deleted_at IS NULL")
    # The key as api/auth/emails.py makes it: the local part up to its first '+' (unless
    # that leaves nothing), '@', the domain.
    op.execute(
        r"""
        WITH keyed AS (
            SELECT id, lower(email) AS email,
                   regexp_replace(lower(substring(email from '^(.*)@[^@]*$')),
                                  '^([^+]+)\+.*$', '\1')
                   || '@' || lower(substring(email from '@([^@]*)$')) AS key,
                   created_at
            FROM users WHERE email IS NOT NULL
        ), ranked AS (
            SELECT id, email, key,
                   row_number() OVER (PARTITION BY key ORDER BY created_at, id) AS n
            FROM keyed
        )
        UPDATE users SET email_key = CASE WHEN ranked.n = 1 THEN ranked.key
                                          ELSE ranked.email END
        FROM ranked WHERE users.id = ranked.id
        """
    )
    op.create_unique_constraint(op.f("uq_users_email_key"), "users", ["email_key"])

    op.create_table(
        "email_verifications",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("code_hash", sa.LargeBinary(length=32), nullable=True),
        sa.Column("link_token_hash", sa.LargeBinary(length=32), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_email_verifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_verifications")),
    )
    op.create_index(
        "ix_email_verifications_user_id_created_at",
        "email_verifications",
        ["user_id", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_email_verifications_user_id_created_at", table_name="email_verifications")
    op.drop_table("email_verifications")
    op.drop_constraint(op.f("uq_users_email_key"), "users", type_="unique")
    op.drop_constraint(op.f("ck_users_language"), "users", type_="check")
    op.drop_column("users", "language")
    op.drop_column("users", "email_verified_at")
    op.drop_column("users", "email_key")
    op.drop_table("school_domains")
