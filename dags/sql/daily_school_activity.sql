-- Daily activity per school, for the UTC day @day: one row per school that existed then.
-- active_users counts the school's rows of active_user_days that day (one per user with
-- any activity); anonymous posts and comments make no such row, so they do not make their
-- author active.
WITH day_events AS (
  SELECT school_id, event_type
  FROM activity_events
  WHERE event_date = @day
),
day_users AS (
  SELECT school_id, COUNT(*) AS active_users
  FROM active_user_days
  WHERE activity_date = @day
  GROUP BY school_id
)
SELECT
  @day AS activity_date,
  s.school_id,
  COALESCE(MAX(u.active_users), 0) AS active_users,
  COUNT(CASE WHEN e.event_type = 'signup' THEN 1 END) AS new_users,
  COUNT(CASE WHEN e.event_type = 'post' THEN 1 END) AS posts,
  COUNT(CASE WHEN e.event_type = 'comment' THEN 1 END) AS comments,
  COUNT(CASE WHEN e.event_type IN ('post_like', 'comment_like') THEN 1 END) AS likes,
  COUNT(CASE WHEN e.event_type = 'report' THEN 1 END) AS reports
FROM dim_schools AS s
LEFT JOIN day_events AS e ON e.school_id = s.school_id
LEFT JOIN day_users AS u ON u.school_id = s.school_id
WHERE DATE(s.created_at) <= @day
GROUP BY s.school_id
