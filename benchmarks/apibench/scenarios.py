"""The request types the benchmark loads the API with, one scenario each."""

from __future__ import annotations

SCENARIO_KEYS = (
    # the community: boards, posts, comments, likes
    "board_page1",
    "board_page1_blocked",
    "board_deep",
    "post_detail",
    # polls that already have the current answer: 304 with no body (If-None-Match)
    "board_page1_304",
    "post_detail_304",
    "comments_page",
    "create_comment",
    "like_post",
    # courses and timetables
    "catalog_search",
    "timetable_own",
    "timetable_friend",
    "add_course",
)
TITLES = {
    "board_page1": "board page 1",
    "board_page1_blocked": "board p1, 200 blocks",
    "board_deep": "board page, deep",
    "post_detail": "post detail",
    "board_page1_304": "board p1, 304",
    "post_detail_304": "post detail, 304",
    "comments_page": "comments page",
    "create_comment": "create comment",
    "like_post": "like post",
    "catalog_search": "catalog search",
    "timetable_own": "own timetable",
    "timetable_friend": "friend's timetable",
    "add_course": "add course",
    "add_course_clash": "add course (409)",
}
READS = (
    "board_page1",
    "board_page1_blocked",
    "board_deep",
    "post_detail",
    "board_page1_304",
    "post_detail_304",
    "comments_page",
    "catalog_search",
    "timetable_own",
    "timetable_friend",
)
COURSE_KEYS = ("catalog_search", "timetable_own", "timetable_friend", "add_course")
# Counted in process, not loaded on their own: a clash is part of add_course.
SQL_KEYS = (*SCENARIO_KEYS, "add_course_clash")
EXPECTED_STATUSES = {"add_course": (409,)}  # answers that are not errors in this scenario
# A poll of a page the client already has: the same request as the scenario named, with
# the `If-None-Match` of its answer at the start of the run (CONDITIONAL_POLLS distinct
# reader and page pairs, so the tags fit in the plan). Its answers are counted by status.
CONDITIONAL = {"board_page1_304": "board_page1", "post_detail_304": "post_detail"}
CONDITIONAL_POLLS = 400
# board_page1_blocked's readers: each blocked this many users (a quarter of the blocks
# made on anonymous content), and no other scenario reads as them.
BLOCKERS, BLOCKS_EACH = 20, 200
CLASH_SHARE = 1 / 3  # of the courses add_course tries to add, this share clashes
WRITTEN = {  # what each write inserts: table and its time column
    "create_comment": ("comments", "created_at"),
    "like_post": ("post_likes", "created_at"),
    "add_course": ("timetable_courses", "added_at"),
}
