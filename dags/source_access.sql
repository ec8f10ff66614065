-- The PostgreSQL access of the analytics DAG: a read-only role that can SELECT exactly
-- the columns the extraction reads (dags/quad_analytics/sources.py), and nothing else.
-- No e-mail, password hash, refresh token, title, body, review text or board description
-- is readable by it at all, so none can leave the database through the DAG.
--
-- Apply as the schema owner (in a migration: see dags/README.md), then let the DAG's
-- login user use it, e.g. on Cloud SQL with IAM authentication:
--   GRANT quad_analytics_reader TO "quad-composer@PROJECT.iam";
-- Extend the grants when the extraction reads a new column (tests/dags fails until then).

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'quad_analytics_reader') THEN
    CREATE ROLE quad_analytics_reader NOLOGIN;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO quad_analytics_reader;
GRANT SELECT (id, name, email_domain, created_at) ON schools TO quad_analytics_reader;
GRANT SELECT (id, school_id, created_at) ON users TO quad_analytics_reader;
GRANT SELECT (id, school_id, name, created_at) ON boards TO quad_analytics_reader;
GRANT SELECT (id, board_id, school_id, author_id, anonymous, question, created_at)
  ON posts TO quad_analytics_reader;
GRANT SELECT (id, post_id, parent_id, author_id, anonymous, created_at)
  ON comments TO quad_analytics_reader;
GRANT SELECT (post_id, user_id, created_at) ON post_likes TO quad_analytics_reader;
GRANT SELECT (comment_id, user_id, created_at) ON comment_likes TO quad_analytics_reader;
GRANT SELECT (post_id, user_id, created_at) ON scraps TO quad_analytics_reader;
GRANT SELECT (id, target_type, target_id, reporter_id, reason, created_at)
  ON reports TO quad_analytics_reader;
GRANT SELECT (id, target_type, target_id, action, created_at)
  ON moderation_actions TO quad_analytics_reader;
GRANT SELECT (id, school_id, semester, code, name, professor_name, credits, review_count,
              rating_sum, created_at)
  ON courses TO quad_analytics_reader;
GRANT SELECT (id, course_id, user_id, rating, created_at) ON course_reviews TO quad_analytics_reader;
GRANT SELECT (id, user_id) ON timetables TO quad_analytics_reader;
GRANT SELECT (timetable_id, course_id, added_at) ON timetable_courses TO quad_analytics_reader;
