-- Weekly signup-cohort retention for the week (Monday to Sunday, UTC) that holds @day,
-- counted up to @day: each run rewrites its week's partition, so the week fills in day by
-- day and is final after Sunday's run. A cohort is the users who signed up in one week.
-- Week starts are ISO weeks (Monday); DATE_TRUNC is cast back to DATE because DuckDB
-- returns a TIMESTAMP.
WITH cohorts AS (
  SELECT school_id, user_key, CAST(DATE_TRUNC(event_date, ISOWEEK) AS DATE) AS cohort_week
  FROM activity_events
  WHERE event_date <= @day AND event_type = 'signup'
),
active AS (
  SELECT DISTINCT user_key
  FROM activity_events
  WHERE event_date BETWEEN CAST(DATE_TRUNC(@day, ISOWEEK) AS DATE) AND @day
    AND user_key IS NOT NULL
)
SELECT
  CAST(DATE_TRUNC(@day, ISOWEEK) AS DATE) AS activity_week,
  c.school_id,
  c.cohort_week,
  DIV(DATE_DIFF(CAST(DATE_TRUNC(@day, ISOWEEK) AS DATE), c.cohort_week, DAY), 7)
    AS weeks_since_signup,
  COUNT(*) AS cohort_users,
  COUNT(a.user_key) AS active_users,
  ROUND(COUNT(a.user_key) / COUNT(*), 4) AS retention
FROM cohorts AS c
LEFT JOIN active AS a ON a.user_key = c.user_key
GROUP BY c.school_id, c.cohort_week
