"""posting core

Revision ID: 0001
Revises:
Create Date: 2026-11-21 04:54:03.748425
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Search terms of a text: every word, lower-cased, cut into character bigrams (a word of
# one character stays whole). PostgreSQL's text search configurations do not segment
# Korean and the embedded server ships no pg_trgm, so n-grams in a GIN index let "학교"
# find "학교에서". Posts keep these terms in a generated column; queries use the
# bigrams of their words of two or more characters and recheck the substring.
# Characters come from one pass over each word (unnest ... WITH ORDINALITY and lead()),
# never substr(w, i, 2): on a long multibyte word that is quadratic (a 20,000-character
# body without spaces took 7 s).
SEARCH_TERMS_SQL = r"""
CREATE FUNCTION quad_search_terms(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT term), '{}'::text[])
  FROM (
    SELECT CASE WHEN nxt IS NOT NULL THEN ch || nxt WHEN i = 1 THEN ch END AS term
    FROM (
      SELECT c.ch, c.i, lead(c.ch) OVER (PARTITION BY w.n ORDER BY c.i) AS nxt
      FROM regexp_split_to_table(lower(doc), '[[:space:][:punct:]]+') WITH ORDINALITY AS w(word, n),
           unnest(string_to_array(w.word, NULL)) WITH ORDINALITY AS c(ch, i)
      WHERE w.word <> ''
    ) chars
  ) terms
  WHERE term IS NOT NULL
$$
"""

# The query side: bigrams only (a one-character word cannot use the index; the substring
# recheck still applies it).
SEARCH_QUERY_SQL = r"""
CREATE FUNCTION quad_search_query_terms(query text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT ch || nxt), '{}'::text[])
  FROM (
    SELECT c.ch, lead(c.ch) OVER (PARTITION BY w.n ORDER BY c.i) AS nxt
    FROM regexp_split_to_table(lower(query), '[[:space:][:punct:]]+') WITH ORDINALITY AS w(word, n),
         unnest(string_to_array(w.word, NULL)) WITH ORDINALITY AS c(ch, i)
    WHERE w.word <> ''
  ) chars
  WHERE nxt IS NOT NULL
$$
"""

SEARCH_WORDS_SQL = r"""
CREATE FUNCTION quad_search_words(query text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(w), '{}'::text[])
  FROM regexp_split_to_table(lower(query), '[[:space:][:punct:]]+') AS w
  WHERE w <> ''
$$
"""

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(SEARCH_TERMS_SQL)
    op.execute(SEARCH_QUERY_SQL)
    op.execute(SEARCH_WORDS_SQL)
    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.UUID(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_actions")),
        sa.UniqueConstraint(
            "target_type",
            "target_id",
            "action",
            name=op.f("uq_moderation_actions_target_type_target_id_action"),
        ),
    )
    op.create_table(
        "schools",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email_domain", sa.String(length=200), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
        sa.UniqueConstraint("name", name=op.f("uq_schools_name")),
    )
    op.create_table(
        "departments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("school_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_departments_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("school_id", "name", name=op.f("uq_departments_school_id_name")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("nickname", sa.String(length=30), nullable=True),
        sa.Column("school_id", sa.UUID(), nullable=False),
        sa.Column("department_id", sa.UUID(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_users_department_id_departments")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_users_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index(op.f("ix_users_school_id"), "users", ["school_id"], unique=False)
    op.create_index(
        "uq_users_email_lower", "users", [sa.literal_column("lower(email)")], unique=True
    )
    op.create_index(
        "uq_users_nickname_lower", "users", [sa.literal_column("lower(nickname)")], unique=True
    )
    op.create_table(
        "boards",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("school_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("description", sa.String(length=500), server_default="", nullable=False),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_boards_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_boards_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boards")),
    )
    op.create_index(
        "uq_boards_school_id_name_lower",
        "boards",
        ["school_id", sa.literal_column("lower(name)")],
        unique=True,
    )
    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("family_id", sa.UUID(), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_refresh_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_refresh_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_refresh_tokens_family_id"), "refresh_tokens", ["family_id"], unique=False
    )
    op.create_index(op.f("ix_refresh_tokens_user_id"), "refresh_tokens", ["user_id"], unique=False)
    op.create_table(
        "reports",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.UUID(), nullable=False),
        sa.Column("reporter_id", sa.UUID(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "reason IN ('spam', 'abuse', 'hate', 'sexual', 'illegal', 'privacy', 'misinformation', 'other')",
            name=op.f("ck_reports_reason"),
        ),
        sa.CheckConstraint(
            "target_type IN ('post', 'comment')", name=op.f("ck_reports_target_type")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_reports_reporter_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint(
            "target_type",
            "target_id",
            "reporter_id",
            name=op.f("uq_reports_target_type_target_id_reporter_id"),
        ),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("board_id", sa.UUID(), nullable=False),
        sa.Column("school_id", sa.UUID(), nullable=False),
        sa.Column("author_id", sa.UUID(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("question", sa.Boolean(), nullable=False),
        sa.Column("like_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("comment_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("scrap_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "search_terms",
            postgresql.ARRAY(sa.Text()),
            sa.Computed("quad_search_terms(title || ' ' || body)", persisted=True),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_posts_author_id_users")),
        sa.ForeignKeyConstraint(
            ["board_id"], ["boards.id"], name=op.f("fk_posts_board_id_boards"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_posts_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
    )
    op.create_index(
        "ix_posts_author_feed",
        "posts",
        ["author_id", sa.literal_column("created_at DESC"), sa.literal_column("id DESC")],
        unique=False,
    )
    op.create_index(
        "ix_posts_board_feed",
        "posts",
        ["board_id", sa.literal_column("created_at DESC"), sa.literal_column("id DESC")],
        unique=False,
        postgresql_where=sa.text("hidden_at IS NULL"),
    )
    op.create_index(
        "ix_posts_school_hot",
        "posts",
        ["school_id", sa.literal_column("created_at DESC"), sa.literal_column("id DESC")],
        unique=False,
        postgresql_where=sa.text("hidden_at IS NULL AND like_count >= 10"),
    )
    op.create_index(
        "ix_posts_search_terms", "posts", ["search_terms"], unique=False, postgresql_using="gin"
    )
    op.create_table(
        "comments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("post_id", sa.UUID(), nullable=False),
        sa.Column("parent_id", sa.UUID(), nullable=True),
        sa.Column("author_id", sa.UUID(), nullable=False),
        sa.Column("body", sa.String(length=2000), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("like_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reply_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_comments_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["comments.id"],
            name=op.f("fk_comments_parent_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_comments_post_id_posts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index("ix_comments_author", "comments", ["author_id"], unique=False)
    op.create_index(
        "ix_comments_parent", "comments", ["parent_id", "created_at", "id"], unique=False
    )
    op.create_index(
        "ix_comments_post_thread",
        "comments",
        ["post_id", "parent_id", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "post_anonymous_authors",
        sa.Column("post_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_post_anonymous_authors_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_post_anonymous_authors_user_id_users")
        ),
        sa.PrimaryKeyConstraint("post_id", "user_id", name=op.f("pk_post_anonymous_authors")),
    )
    op.create_index(
        "uq_post_anonymous_authors_number",
        "post_anonymous_authors",
        ["post_id", "number"],
        unique=True,
    )
    op.create_table(
        "post_likes",
        sa.Column("post_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_post_likes_post_id_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_post_likes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("post_id", "user_id", name=op.f("pk_post_likes")),
    )
    op.create_table(
        "scraps",
        sa.Column("post_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_scraps_post_id_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_scraps_user_id_users")),
        sa.PrimaryKeyConstraint("post_id", "user_id", name=op.f("pk_scraps")),
    )
    op.create_index(
        "ix_scraps_user_feed",
        "scraps",
        ["user_id", sa.literal_column("created_at DESC")],
        unique=False,
    )
    op.create_table(
        "comment_likes",
        sa.Column("comment_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_comment_likes_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_comment_likes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("comment_id", "user_id", name=op.f("pk_comment_likes")),
    )


def downgrade() -> None:
    op.drop_table("comment_likes")
    op.drop_index("ix_scraps_user_feed", table_name="scraps")
    op.drop_table("scraps")
    op.drop_table("post_likes")
    op.drop_index("uq_post_anonymous_authors_number", table_name="post_anonymous_authors")
    op.drop_table("post_anonymous_authors")
    op.drop_index("ix_comments_post_thread", table_name="comments")
    op.drop_index("ix_comments_parent", table_name="comments")
    op.drop_index("ix_comments_author", table_name="comments")
    op.drop_table("comments")
    op.drop_index("ix_posts_search_terms", table_name="posts", postgresql_using="gin")
    op.drop_index(
        "ix_posts_school_hot",
        table_name="posts",
        postgresql_where=sa.text("hidden_at IS NULL AND like_count >= 10"),
    )
    op.drop_index(
        "ix_posts_board_feed", table_name="posts", postgresql_where=sa.text("hidden_at IS NULL")
    )
    op.drop_index("ix_posts_author_feed", table_name="posts")
    op.drop_table("posts")
    op.drop_table("reports")
    op.drop_index(op.f("ix_refresh_tokens_user_id"), table_name="refresh_tokens")
    op.drop_index(op.f("ix_refresh_tokens_family_id"), table_name="refresh_tokens")
    op.drop_table("refresh_tokens")
    op.drop_index("uq_boards_school_id_name_lower", table_name="boards")
    op.drop_table("boards")
    op.drop_index("uq_users_nickname_lower", table_name="users")
    op.drop_index("uq_users_email_lower", table_name="users")
    op.drop_index(op.f("ix_users_school_id"), table_name="users")
    op.drop_table("users")
    op.drop_table("departments")
    op.drop_table("schools")
    op.drop_table("moderation_actions")
    op.execute("DROP FUNCTION quad_search_words(text)")
    op.execute("DROP FUNCTION quad_search_query_terms(text)")
    op.execute("DROP FUNCTION quad_search_terms(text)")
