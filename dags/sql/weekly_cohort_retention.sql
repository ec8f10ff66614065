-- Weekly signup-cohort retention for the week (Monday to Sunday, UTC) that holds @day,
-- counted up to @day: each run rewrites its week's partition, so the week fills in day by
-- day and is final after Sunday's run. A cohort is the users who signed up in one week.
-- Cohorts are counted from signup events; the week's active users from active_user_days,
-- whose rows carry the user's signup week and a key that is the same all week (and only
-- that week), so a user active on several days counts once.
-- Week starts are ISO weeks (Monday); DATE_TRUNC is cast back to DATE because DuckDB
-- returns a TIMESTAMP.
WITH cohorts AS (
  SELECT
    school_id,
    CAST(DATE_TRUNC(event_date, ISOWEEK) AS DATE) AS cohort_week,
    COUNT(*) AS cohort_users
  FROM activity_events
  WHERE event_date <= @day AND event_type = 'signup'
  GROUP BY school_id, cohort_week
),
active AS (
  SELECT school_id, signup_week, COUNT(DISTINCT week_key) AS active_users
  FROM active_user_days
  WHERE activity_date BETWEEN CAST(DATE_TRUNC(@day, ISOWEEK) AS DATE) AND @day
  GROUP BY school_id, signup_week
)
SELECT
  CAST(DATE_TRUNC(@day, ISOWEEK) AS DATE) AS activity_week,
  c.school_id,
  c.cohort_week,
  DIV(DATE_DIFF(CAST(DATE_TRUNC(@day, ISOWEEK) AS DATE), c.cohort_week, DAY), 7)
    AS weeks_since_signup,
  c.cohort_users,
  COALESCE(a.active_users, 0) AS active_users,
  ROUND(COALESCE(a.active_users, 0) / c.cohort_users, 4) AS retention
FROM cohorts AS c
LEFT JOIN active AS a ON a.school_id = c.school_id AND a.signup_week = c.cohort_week
