-- Course ratings up to the UTC day @day: every course reviewed by then, with the number
-- and average rating of its reviews posted up to that day and of those posted that day.
-- A review counts with the rating it had when its day was loaded (dags/README.md).
WITH reviews AS (
  SELECT school_id, course_id, event_date, rating
  FROM activity_events
  WHERE event_date <= @day AND event_type = 'review'
)
SELECT
  @day AS snapshot_date,
  school_id,
  course_id,
  COUNT(*) AS review_count,
  ROUND(AVG(rating), 2) AS average_rating,
  COUNT(CASE WHEN event_date = @day THEN 1 END) AS new_reviews,
  ROUND(AVG(CASE WHEN event_date = @day THEN rating END), 2) AS new_reviews_average_rating
FROM reviews
GROUP BY school_id, course_id
