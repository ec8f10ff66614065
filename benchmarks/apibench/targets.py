"""The targets the figures are held against: one row per request type, as data.

Each holds at the full data set (`--scale 1`) on a 2-core machine that runs the API, its
PostgreSQL and the load generator together; at other sizes or on a busy machine the
verdicts only say how far off a run is. Where a target comes from is in SOURCES.
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCES = {
    "community": "the community's requirements: boards, posts, comments and likes on a "
    "campus of 1,000,000 posts, 3,000,000 comments and 5,000,000 likes",
    "courses": "the course and timetable requirements: a semester's catalog of 50,000 "
    "sections, every student's timetable and their friends'",
    "blocking": "the blocking requirements: a board page for a student who blocked 200 "
    "authors costs one or two statements and answers as fast as any board page",
    "start": "the community's requirements: a new API process answers /readyz within 2 s "
    "of starting (it starts as `make run` starts it)",
}


@dataclass(frozen=True)
class Target:
    scenario: str  # a key of scenarios.TITLES, or "start" (process start to /readyz)
    source: str  # a key of SOURCES
    min_rps: float | None = None
    max_p99_ms: float | None = None
    # Relative: req/s and p50 within this factor of another scenario's.
    within: tuple[str, float] | None = None
    max_seconds: float | None = None  # "start": the median of the starts measured


TARGETS = (
    Target("board_page1", "community", min_rps=800, max_p99_ms=50),
    Target("board_page1_blocked", "blocking", min_rps=800),
    # A page deep in a board costs what the first does (keyset pagination).
    Target("board_deep", "community", within=("board_page1", 1.5)),
    Target("post_detail", "community", min_rps=600),
    Target("comments_page", "community"),  # measured, no target set
    Target("create_comment", "community", min_rps=300),
    Target("like_post", "community", min_rps=300),
    Target("catalog_search", "courses", max_p99_ms=30),
    Target("timetable_own", "courses", min_rps=1000),
    Target("timetable_friend", "courses", min_rps=1000),
    Target("add_course", "courses", min_rps=300),  # with the clash check; a third clash
    Target("start", "start", max_seconds=2.0),
)
