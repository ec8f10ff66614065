-- Engagement per board for the UTC day @day: one row per board that existed then.
-- active_users is the board's count in board_active_users (distinct users who posted or
-- commented under their name, liked or scrapped in it, counted at extraction).
WITH day_events AS (
  SELECT board_id, event_type
  FROM activity_events
  WHERE event_date = @day AND board_id IS NOT NULL
),
board_users AS (
  SELECT board_id, active_users
  FROM board_active_users
  WHERE activity_date = @day
)
SELECT
  @day AS activity_date,
  b.school_id,
  b.board_id,
  COUNT(CASE WHEN e.event_type = 'post' THEN 1 END) AS posts,
  COUNT(CASE WHEN e.event_type = 'comment' THEN 1 END) AS comments,
  COUNT(CASE WHEN e.event_type IN ('post_like', 'comment_like') THEN 1 END) AS likes,
  COUNT(CASE WHEN e.event_type = 'scrap' THEN 1 END) AS scraps,
  COALESCE(MAX(u.active_users), 0) AS active_users
FROM dim_boards AS b
LEFT JOIN day_events AS e ON e.board_id = b.board_id
LEFT JOIN board_users AS u ON u.board_id = b.board_id
WHERE DATE(b.created_at) <= @day
GROUP BY b.school_id, b.board_id
