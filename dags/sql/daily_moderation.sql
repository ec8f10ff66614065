-- Moderation per school for the UTC day @day: one row per school that existed then.
-- Post and comment ids are UUIDs, unique across both, so a reported item is counted by
-- its own id (the comment's for a comment, else the post's).
WITH day_events AS (
  SELECT school_id, event_type, post_id, comment_id, seconds_since_first_report
  FROM activity_events
  WHERE event_date = @day AND event_type IN ('report', 'content_hidden')
),
hidden AS (
  SELECT
    school_id,
    PERCENTILE_CONT(seconds_since_first_report, 0.5) OVER (PARTITION BY school_id) AS median_seconds
  FROM day_events
  WHERE event_type = 'content_hidden'
),
medians AS (
  SELECT school_id, MAX(median_seconds) AS median_seconds_to_hide
  FROM hidden
  GROUP BY school_id
)
SELECT
  @day AS activity_date,
  s.school_id,
  COUNT(CASE WHEN e.event_type = 'report' THEN 1 END) AS reports,
  COUNT(DISTINCT CASE WHEN e.event_type = 'report' THEN COALESCE(e.comment_id, e.post_id) END)
    AS reported_items,
  COUNT(CASE WHEN e.event_type = 'content_hidden' THEN 1 END) AS hidden_items,
  MAX(m.median_seconds_to_hide) AS median_seconds_to_hide
FROM dim_schools AS s
LEFT JOIN day_events AS e ON e.school_id = s.school_id
LEFT JOIN medians AS m ON m.school_id = s.school_id
WHERE DATE(s.created_at) <= @day
GROUP BY s.school_id
