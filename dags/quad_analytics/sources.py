"""What is read from PostgreSQL: one query per event type, one for the day's active users,
and the dimension snapshots.

Every event query returns, for the rows created in [:start, :end):
- `source_key`: what identifies the source row (hashed into the event id, never stored),
- `actor_id`: the acting user's id, never stored. On the types the app shows with their
  author (signup, post, comment: `user_key=True`) it is hashed into user_key; on the
  others it only counts the user as active that day (ACTIVE_USERS_SQL). It is NULL
  when the content is anonymous: an anonymous author's id does not even leave
  PostgreSQL, and they are not counted as active for it.
- `event_at`, and columns named after activity_events' columns.

Only ids, flags, numbers and times are selected: no e-mail, password hash, token, title,
body or review text is ever read (the role quad_analytics_reader, made by the API's
migration 0006, can read exactly these columns). Each type also has a plain count of its
source rows in the interval: the data-quality check compares the warehouse with it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventSource:
    event_type: str
    rows_sql: str
    count_sql: str
    # Columns that must not be NULL on this type's rows (besides the common ones).
    required: tuple[str, ...] = ()
    # A BigQuery SQL condition that is true on an invalid row of this type.
    invalid_when: str | None = None
    # The app shows this activity with its author: its actor's user_key is stored. On
    # every other type the actor only counts as active that day (dags/README.md, Privacy).
    user_key: bool = False
    # Its rows have a board_id: the actor counts as active in that board too.
    in_board: bool = False
    # A user acted (false for system actions, whose actor_id is always NULL).
    has_actor: bool = True


_INTERVAL = "{col} >= :start AND {col} < :end"


def _count(table: str, col: str = "created_at", extra: str = "") -> str:
    return f"SELECT count(*) FROM {table} WHERE {_INTERVAL.format(col=col)}{extra}"


_TARGET_INVALID = (
    "target_type IS NULL OR target_type NOT IN ('post', 'comment') "
    "OR (target_type = 'post' AND post_id IS NULL) "
    "OR (target_type = 'comment' AND comment_id IS NULL)"
)
# Anonymous content carries no author key; named content must carry one.
_AUTHOR_INVALID = "is_anonymous IS NULL OR (is_anonymous = (user_key IS NOT NULL))"

EVENT_SOURCES: tuple[EventSource, ...] = (
    EventSource(
        "signup",
        f"""
        SELECT u.id::text AS source_key, u.id::text AS actor_id, u.created_at AS event_at,
               u.school_id::text AS school_id
        FROM users u
        WHERE {_INTERVAL.format(col="u.created_at")}
        """,
        _count("users"),
        required=("user_key",),
        user_key=True,
    ),
    EventSource(
        "post",
        f"""
        SELECT p.id::text AS source_key,
               CASE WHEN p.anonymous THEN NULL ELSE p.author_id::text END AS actor_id,
               p.created_at AS event_at, p.school_id::text AS school_id,
               p.board_id::text AS board_id, p.id::text AS post_id,
               p.anonymous AS is_anonymous, p.question AS is_question
        FROM posts p
        WHERE {_INTERVAL.format(col="p.created_at")}
        """,
        _count("posts"),
        required=("post_id", "board_id"),
        invalid_when=_AUTHOR_INVALID,
        user_key=True,
        in_board=True,
    ),
    EventSource(
        "comment",
        f"""
        SELECT c.id::text AS source_key,
               CASE WHEN c.anonymous THEN NULL ELSE c.author_id::text END AS actor_id,
               c.created_at AS event_at, p.school_id::text AS school_id,
               p.board_id::text AS board_id, c.post_id::text AS post_id,
               c.id::text AS comment_id, c.anonymous AS is_anonymous,
               c.parent_id IS NOT NULL AS is_reply
        FROM comments c
        JOIN posts p ON p.id = c.post_id
        WHERE {_INTERVAL.format(col="c.created_at")}
        """,
        _count("comments"),
        required=("comment_id", "post_id", "board_id"),
        invalid_when=_AUTHOR_INVALID,
        user_key=True,
        in_board=True,
    ),
    EventSource(
        "post_like",
        f"""
        SELECT l.post_id::text || '/' || l.user_id::text AS source_key,
               l.user_id::text AS actor_id, l.created_at AS event_at,
               p.school_id::text AS school_id, p.board_id::text AS board_id,
               l.post_id::text AS post_id
        FROM post_likes l
        JOIN posts p ON p.id = l.post_id
        WHERE {_INTERVAL.format(col="l.created_at")}
        """,
        _count("post_likes"),
        required=("post_id", "board_id"),
        in_board=True,
    ),
    EventSource(
        "comment_like",
        f"""
        SELECT l.comment_id::text || '/' || l.user_id::text AS source_key,
               l.user_id::text AS actor_id, l.created_at AS event_at,
               p.school_id::text AS school_id, p.board_id::text AS board_id,
               c.post_id::text AS post_id, l.comment_id::text AS comment_id
        FROM comment_likes l
        JOIN comments c ON c.id = l.comment_id
        JOIN posts p ON p.id = c.post_id
        WHERE {_INTERVAL.format(col="l.created_at")}
        """,
        _count("comment_likes"),
        required=("comment_id", "post_id", "board_id"),
        in_board=True,
    ),
    EventSource(
        "scrap",
        f"""
        SELECT s.post_id::text || '/' || s.user_id::text AS source_key,
               s.user_id::text AS actor_id, s.created_at AS event_at,
               p.school_id::text AS school_id, p.board_id::text AS board_id,
               s.post_id::text AS post_id
        FROM scraps s
        JOIN posts p ON p.id = s.post_id
        WHERE {_INTERVAL.format(col="s.created_at")}
        """,
        _count("scraps"),
        required=("post_id", "board_id"),
        in_board=True,
    ),
    EventSource(
        # A report's school is its reporter's: users report only in their own school,
        # and the report outlives a deleted target.
        "report",
        f"""
        SELECT r.id::text AS source_key, r.reporter_id::text AS actor_id,
               r.created_at AS event_at, u.school_id::text AS school_id,
               r.target_type,
               CASE WHEN r.target_type = 'post' THEN r.target_id ELSE c.post_id END::text
                 AS post_id,
               CASE WHEN r.target_type = 'comment' THEN r.target_id::text END AS comment_id,
               r.reason AS report_reason
        FROM reports r
        JOIN users u ON u.id = r.reporter_id
        LEFT JOIN comments c ON r.target_type = 'comment' AND c.id = r.target_id
        WHERE {_INTERVAL.format(col="r.created_at")}
        """,
        _count("reports"),
        required=("report_reason",),
        invalid_when=_TARGET_INVALID,
    ),
    EventSource(
        # A system action: no actor. The first report gives the time to hide, and the
        # school if the target is gone.
        "content_hidden",
        f"""
        SELECT m.id::text AS source_key, NULL::text AS actor_id, m.created_at AS event_at,
               COALESCE(p.school_id, cp.school_id, fr.school_id)::text AS school_id,
               m.target_type,
               CASE WHEN m.target_type = 'post' THEN m.target_id ELSE c.post_id END::text
                 AS post_id,
               CASE WHEN m.target_type = 'comment' THEN m.target_id::text END AS comment_id,
               floor(extract(epoch FROM m.created_at - fr.created_at))::bigint
                 AS seconds_since_first_report
        FROM moderation_actions m
        LEFT JOIN posts p ON m.target_type = 'post' AND p.id = m.target_id
        LEFT JOIN comments c ON m.target_type = 'comment' AND c.id = m.target_id
        LEFT JOIN posts cp ON cp.id = c.post_id
        LEFT JOIN LATERAL (
          SELECT r.created_at, u.school_id
          FROM reports r JOIN users u ON u.id = r.reporter_id
          WHERE r.target_type = m.target_type AND r.target_id = m.target_id
          ORDER BY r.created_at, r.id
          LIMIT 1
        ) fr ON true
        WHERE m.action = 'hidden' AND {_INTERVAL.format(col="m.created_at")}
        """,
        _count("moderation_actions", extra=" AND action = 'hidden'"),
        invalid_when=_TARGET_INVALID,
        has_actor=False,
    ),
    EventSource(
        # The review as it is now (a later edit changes its rating; see dags/README.md).
        "review",
        f"""
        SELECT rv.id::text AS source_key, rv.user_id::text AS actor_id,
               rv.created_at AS event_at, c.school_id::text AS school_id,
               rv.course_id::text AS course_id, rv.rating
        FROM course_reviews rv
        JOIN courses c ON c.id = rv.course_id
        WHERE {_INTERVAL.format(col="rv.created_at")}
        """,
        _count("course_reviews"),
        required=("course_id", "rating"),
    ),
    EventSource(
        # Courses still in their timetable: one removed before its addition's day was last
        # loaded (say, added and removed the same day) leaves only its removal as an event.
        "timetable_course_added",
        f"""
        SELECT tc.timetable_id::text || '/' || tc.course_id::text AS source_key,
               t.user_id::text AS actor_id, tc.added_at AS event_at,
               c.school_id::text AS school_id, tc.course_id::text AS course_id
        FROM timetable_courses tc
        JOIN timetables t ON t.id = tc.timetable_id
        JOIN courses c ON c.id = tc.course_id
        WHERE {_INTERVAL.format(col="tc.added_at")}
        """,
        _count("timetable_courses", col="added_at"),
        required=("course_id",),
    ),
    EventSource(
        # The API logs each removal (alone or with its whole timetable) with the owner, so
        # a removal outlives its timetable.
        "timetable_course_removed",
        f"""
        SELECT r.id::text AS source_key, r.user_id::text AS actor_id, r.removed_at AS event_at,
               c.school_id::text AS school_id, r.course_id::text AS course_id
        FROM timetable_course_removals r
        JOIN courses c ON c.id = r.course_id
        WHERE {_INTERVAL.format(col="r.removed_at")}
        """,
        _count("timetable_course_removals", col="removed_at"),
        required=("course_id",),
    ),
)

EVENT_TYPES = tuple(source.event_type for source in EVENT_SOURCES)


def _active_users_sql() -> str:
    """The day's active users, in one pass over every event type's rows but anonymous
    content and system actions:
    - kind 'user': one row per user and school active that day, with the user's id (for
      the week key) and their signup week (active_user_days);
    - kind 'board': one row per board with the number of distinct users who acted in it
      (board_active_users). Counted here, as no pseudonym in the warehouse may tie a
      user's named posts to their likes."""
    actors = "\n      UNION ALL\n".join(
        f"SELECT actor_id, school_id, {'board_id' if s.in_board else 'NULL::text'} AS board_id "
        f"FROM ({s.rows_sql}) AS e{i} WHERE actor_id IS NOT NULL"
        for i, s in enumerate(EVENT_SOURCES)
        if s.has_actor
    )
    return f"""
    WITH activity AS (
      {actors}
    )
    SELECT 'user' AS kind, a.actor_id, a.school_id, NULL::text AS board_id,
           date_trunc('week', u.created_at AT TIME ZONE 'UTC')::date AS signup_week,
           NULL::bigint AS active_users
    FROM (SELECT DISTINCT actor_id, school_id FROM activity) a
    JOIN users u ON u.id = a.actor_id::uuid
    UNION ALL
    SELECT 'board', NULL, school_id, board_id, NULL, count(DISTINCT actor_id)
    FROM activity
    WHERE board_id IS NOT NULL
    GROUP BY school_id, board_id
    """


ACTIVE_USERS_SQL = _active_users_sql()

# Dimension snapshots: table -> query. Board descriptions and creators stay out.
DIMENSION_SQL: dict[str, str] = {
    "dim_schools": """
        SELECT id::text AS school_id, name, email_domain, created_at
        FROM schools
    """,
    "dim_boards": """
        SELECT id::text AS board_id, school_id::text AS school_id, name, created_at
        FROM boards
    """,
    "dim_courses": """
        SELECT id::text AS course_id, school_id::text AS school_id, semester, code, name,
               professor_name, credits, review_count, rating_sum,
               CASE WHEN review_count > 0 THEN rating_sum::float8 / review_count END
                 AS average_rating,
               created_at
        FROM courses
    """,
}
