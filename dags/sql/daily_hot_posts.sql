-- The UTC day @day's 20 hottest posts per school: most likes + comments received that
-- day, then most likes, then the smaller post id. Posts with no likes or comments that
-- day are not listed.
WITH post_engagement AS (
  SELECT
    school_id,
    post_id,
    MAX(board_id) AS board_id,
    COUNT(CASE WHEN event_type = 'post_like' THEN 1 END) AS likes,
    COUNT(CASE WHEN event_type = 'comment' THEN 1 END) AS comments,
    COUNT(CASE WHEN event_type = 'scrap' THEN 1 END) AS scraps
  FROM activity_events
  WHERE event_date = @day AND event_type IN ('post_like', 'comment', 'scrap')
  GROUP BY school_id, post_id
),
ranked AS (
  SELECT
    school_id,
    post_id,
    board_id,
    likes,
    comments,
    scraps,
    ROW_NUMBER() OVER (
      PARTITION BY school_id ORDER BY likes + comments DESC, likes DESC, post_id ASC
    ) AS hot_rank
  FROM post_engagement
  WHERE likes + comments > 0
)
SELECT
  @day AS activity_date,
  school_id,
  hot_rank,
  post_id,
  board_id,
  likes,
  comments,
  scraps
FROM ranked
WHERE hot_rank <= 20
