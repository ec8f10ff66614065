-- Engagement per board for the UTC day @day: one row per board that existed then.
WITH day_events AS (
  SELECT board_id, event_type, user_key
  FROM activity_events
  WHERE event_date = @day AND board_id IS NOT NULL
)
SELECT
  @day AS activity_date,
  b.school_id,
  b.board_id,
  COUNT(CASE WHEN e.event_type = 'post' THEN 1 END) AS posts,
  COUNT(CASE WHEN e.event_type = 'comment' THEN 1 END) AS comments,
  COUNT(CASE WHEN e.event_type IN ('post_like', 'comment_like') THEN 1 END) AS likes,
  COUNT(CASE WHEN e.event_type = 'scrap' THEN 1 END) AS scraps,
  COUNT(DISTINCT e.user_key) AS active_users
FROM dim_boards AS b
LEFT JOIN day_events AS e ON e.board_id = b.board_id
WHERE DATE(b.created_at) <= @day
GROUP BY b.school_id, b.board_id
