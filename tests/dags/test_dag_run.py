"""The DAG end to end with Airflow's dag.test(): a 7-day backfill of the world in
tests/dags/world.py into DuckDB, with every expected number worked out by hand from the
story told there; a rerun that changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.dags import world
from tests.dags.helpers import dump, named, query, week_pseudonym

D, D_1 = world.D, world.D_1

# Events per UTC day and type, from the story in world.py.
EXPECTED_EVENTS = {
    date(2026, 11, 14): {"signup": 3},
    date(2026, 11, 15): {"signup": 1},  # not alex's addition of RK1: removed since
    date(2026, 11, 16): {},
    date(2026, 11, 17): {},
    date(2026, 11, 18): {},
    D_1: {
        "signup": 1,
        "post": 2,
        "post_like": 1,
        "report": 1,
        "review": 2,
        "timetable_course_removed": 1,  # alex's RK1
    },
    D: {
        "signup": 2,  # dohyun, sam
        "post": 4,  # P1, P2, P3, RP1
        "comment": 5,  # C1, C2, C3, C4, RC1
        "post_like": 7,  # P1 x3, P2, P5 x2, RP1
        "comment_like": 1,  # C1
        "scrap": 3,  # P1, P3, P5 at 23:59:59.999999 (not seoyeon's at midnight)
        "report": 3,  # C2 x2, P3
        "content_hidden": 2,  # P0, C2
        "review": 2,
        "timetable_course_added": 2,  # minji's K1 and K2
        "timetable_course_removed": 1,  # K2, with junho's deleted timetable T0
    },
}

# The same counts, straight from PostgreSQL by UTC date (a formulation of "the day"
# independent of the pipeline's half-open intervals).
SOURCE_COUNTS = {
    "signup": "SELECT count(*) FROM users WHERE (created_at AT TIME ZONE 'UTC')::date = :d",
    "post": "SELECT count(*) FROM posts WHERE (created_at AT TIME ZONE 'UTC')::date = :d",
    "comment": "SELECT count(*) FROM comments WHERE (created_at AT TIME ZONE 'UTC')::date = :d",
    "post_like": "SELECT count(*) FROM post_likes WHERE (created_at AT TIME ZONE 'UTC')::date = :d",
    "comment_like": "SELECT count(*) FROM comment_likes "
    "WHERE (created_at AT TIME ZONE 'UTC')::date = :d",
    "scrap": "SELECT count(*) FROM scraps WHERE (created_at AT TIME ZONE 'UTC')::date = :d",
    "report": "SELECT count(*) FROM reports WHERE (created_at AT TIME ZONE 'UTC')::date = :d",
    "content_hidden": "SELECT count(*) FROM moderation_actions "
    "WHERE action = 'hidden' AND (created_at AT TIME ZONE 'UTC')::date = :d",
    "review": "SELECT count(*) FROM course_reviews "
    "WHERE (created_at AT TIME ZONE 'UTC')::date = :d",
    "timetable_course_added": "SELECT count(*) FROM timetable_courses "
    "WHERE (added_at AT TIME ZONE 'UTC')::date = :d",
    "timetable_course_removed": "SELECT count(*) FROM timetable_course_removals "
    "WHERE (removed_at AT TIME ZONE 'UTC')::date = :d",
}


@pytest.fixture(scope="module")
def run(world_run):
    return world_run


@pytest.fixture(scope="module")
def names(run) -> dict[str, str]:
    return {str(v): k for k, v in run.world.ids.items()}


def mart(run, names, table: str, column: str, day: date, order: str) -> list[dict]:
    rows = query(
        run.warehouse_file, f"SELECT * FROM {table} WHERE {column} = ? ORDER BY {order}", [day]
    )
    return [{k: v for k, v in r.items() if k != column} for r in named(rows, names)]


def test_every_day_of_the_backfill_succeeds(run):
    assert run.states == dict.fromkeys(world.BACKFILL, "success")


def test_each_day_holds_exactly_the_source_events(run):
    engine = create_engine(run.database_url, poolclass=NullPool)
    with engine.connect() as conn:
        for day in world.BACKFILL:
            in_source = {
                t: n
                for t, sql in SOURCE_COUNTS.items()
                if (n := conn.execute(text(sql), {"d": day}).scalar_one())
            }
            in_warehouse = {
                r["event_type"]: r["n"]
                for r in query(
                    run.warehouse_file,
                    "SELECT event_type, count(*) AS n FROM activity_events "
                    "WHERE event_date = ? GROUP BY 1",
                    [day],
                )
            }
            assert in_source == EXPECTED_EVENTS[day], day
            assert in_warehouse == EXPECTED_EVENTS[day], day
    engine.dispose()
    # Nothing outside the backfilled days (seoyeon's scrap at 11-21 00:00 is the next day).
    assert query(
        run.warehouse_file,
        "SELECT count(*) AS n FROM activity_events WHERE event_date NOT BETWEEN ? AND ?",
        [world.BACKFILL[0], world.BACKFILL[-1]],
    ) == [{"n": 0}]


def test_the_day_boundary_is_utc_midnight(run, names):
    scraps = named(
        query(
            run.warehouse_file,
            "SELECT event_date, post_id, CAST(event_at AS VARCHAR) AS at FROM activity_events "
            "WHERE event_type = 'scrap' AND post_id = ?",
            [run.world["P5"]],
        ),
        names,
    )
    assert scraps == [{"event_date": D, "post_id": "P5", "at": "2026-11-20 23:59:59.999999+00"}]


def test_timetable_removals_are_events_with_no_user_that_make_their_owner_active(run, names):
    removed = named(
        query(
            run.warehouse_file,
            "SELECT event_date, school_id, user_key, course_id, CAST(event_at AS VARCHAR) AS at "
            "FROM activity_events "
            "WHERE event_date BETWEEN ? AND ? AND event_type = 'timetable_course_removed' "
            "ORDER BY event_at",
            [world.BACKFILL[0], world.BACKFILL[-1]],
        ),
        names,
    )
    assert removed == [
        {
            "event_date": D_1,
            "school_id": "R",
            "user_key": None,
            "course_id": "RK1",
            "at": "2026-11-19 14:00:00+00",
        },
        # T0 was deleted whole: its course counts as removed, though the timetable is gone.
        {
            "event_date": D,
            "school_id": "H",
            "user_key": None,
            "course_id": "K2",
            "at": "2026-11-20 17:00:00+00",
        },
    ]
    # Removing RK1 was alex's only activity on D_1: he is that day's one active user at R.
    alex = week_pseudonym(run.data_dir, date(2026, 11, 16), run.world.ids["alex"])
    assert named(
        query(
            run.warehouse_file,
            "SELECT school_id, week_key FROM active_user_days "
            "WHERE activity_date = ? AND school_id = ?",
            [D_1, run.world["R"]],
        ),
        names,
    ) == [{"school_id": "R", "week_key": alex}]


def test_active_user_days(run, names):
    """A row per user active that day, under their key of the week, with their signup
    week; per board only the number of its active users."""
    ids = run.world.ids

    def week_key(name: str, monday: date) -> str:
        return week_pseudonym(run.data_dir, monday, ids[name])

    def users(activity_date: date) -> list[dict]:
        return named(
            query(
                run.warehouse_file,
                "SELECT school_id, week_key, signup_week FROM active_user_days "
                "WHERE activity_date = ? ORDER BY week_key",
                [activity_date],
            ),
            names,
        )

    w09, w16 = date(2026, 11, 9), date(2026, 11, 16)
    # Not yuna: her only activity was an anonymous comment.
    expected = [
        ("H", "minji", w09),
        ("H", "junho", w09),
        ("H", "seoyeon", w16),
        ("H", "dohyun", w16),
        ("R", "alex", w09),
        ("R", "sam", w16),
    ]
    assert users(D) == sorted(
        (
            {"school_id": school, "week_key": week_key(name, w16), "signup_week": signup}
            for school, name, signup in expected
        ),
        key=lambda r: r["week_key"],
    )
    # The same key all week (minji on 11-19 and 11-20), another the week before (11-14).
    assert week_key("minji", w16) in {r["week_key"] for r in users(D_1)}
    assert week_key("minji", w09) in {r["week_key"] for r in users(date(2026, 11, 14))}
    assert week_key("minji", w09) != week_key("minji", w16)

    boards = named(
        query(
            run.warehouse_file,
            "SELECT school_id, board_id, active_users FROM board_active_users "
            "WHERE activity_date = ? ORDER BY ALL",
            [D],
        ),
        names,
    )
    # hf: minji, junho, seoyeon, dohyun; hs: minji's like of P2 (P2 and C2 are anonymous).
    assert sorted(boards, key=lambda r: r["board_id"]) == [
        {"school_id": "H", "board_id": "hf", "active_users": 4},
        {"school_id": "H", "board_id": "hs", "active_users": 1},
        {"school_id": "R", "board_id": "rf", "active_users": 2},
    ]


def test_daily_school_activity(run, names):
    assert mart(run, names, "daily_school_activity", "activity_date", D, "school_id") == sorted(
        [
            # yuna's only activity is an anonymous comment: not an active user.
            {
                "school_id": "H",
                "active_users": 4,
                "new_users": 1,
                "posts": 3,
                "comments": 4,
                "likes": 7,
                "reports": 3,
            },
            {
                "school_id": "R",
                "active_users": 2,
                "new_users": 1,
                "posts": 1,
                "comments": 1,
                "likes": 1,
                "reports": 0,
            },
        ],
        key=lambda r: run.world[r["school_id"]],
    )
    # The day before, and a quiet day: every school that existed has its row.
    by_school = {
        r["school_id"]: r
        for r in mart(run, names, "daily_school_activity", "activity_date", D_1, "school_id")
    }
    assert by_school["H"] == {
        "school_id": "H",
        "active_users": 3,
        "new_users": 1,
        "posts": 2,
        "comments": 0,
        "likes": 1,
        "reports": 1,
    }
    # alex's only activity that day was removing a course from his timetable.
    assert by_school["R"] == {
        "school_id": "R",
        "active_users": 1,
        "new_users": 0,
        "posts": 0,
        "comments": 0,
        "likes": 0,
        "reports": 0,
    }
    quiet = mart(run, names, "daily_school_activity", "activity_date", date(2026, 11, 17), "1")
    assert {r["school_id"] for r in quiet} == {"H", "R"}  # not L: it came later
    assert {r["posts"] + r["active_users"] for r in quiet} == {0}


def test_daily_board_engagement(run, names):
    rows = mart(run, names, "daily_board_engagement", "activity_date", D, "board_id")
    assert sorted(rows, key=lambda r: r["board_id"]) == [
        {
            "school_id": "H",
            "board_id": "hf",
            "posts": 2,
            "comments": 3,
            "likes": 6,
            "scraps": 3,
            "active_users": 4,
        },
        {
            "school_id": "H",
            "board_id": "hs",
            "posts": 1,
            "comments": 1,
            "likes": 1,
            "scraps": 0,
            "active_users": 1,
        },
        {
            "school_id": "R",
            "board_id": "rf",
            "posts": 1,
            "comments": 1,
            "likes": 1,
            "scraps": 0,
            "active_users": 2,
        },
    ]


def test_daily_hot_posts(run, names):
    rows = mart(run, names, "daily_hot_posts", "activity_date", D, "school_id, hot_rank")
    by_school = {
        school: [
            {k: v for k, v in r.items() if k != "school_id"}
            for r in rows
            if r["school_id"] == school
        ]
        for school in ("H", "R")
    }
    assert by_school["H"] == [
        {"hot_rank": 1, "post_id": "P1", "board_id": "hf", "likes": 3, "comments": 3, "scraps": 1},
        # P5 and P2 both score 2 (likes + comments): more likes first.
        {"hot_rank": 2, "post_id": "P5", "board_id": "hf", "likes": 2, "comments": 0, "scraps": 1},
        {"hot_rank": 3, "post_id": "P2", "board_id": "hs", "likes": 1, "comments": 1, "scraps": 0},
        # P3 was only scrapped: not hot.
    ]
    assert by_school["R"] == [
        {"hot_rank": 1, "post_id": "RP1", "board_id": "rf", "likes": 1, "comments": 1, "scraps": 0}
    ]
    assert mart(run, names, "daily_hot_posts", "activity_date", D_1, "hot_rank") == [
        {
            "school_id": "H",
            "hot_rank": 1,
            "post_id": "P0",
            "board_id": "hf",
            "likes": 1,
            "comments": 0,
            "scraps": 0,
        }
    ]


def test_course_rating_summary(run, names):
    rows = mart(run, names, "course_rating_summary", "snapshot_date", D, "course_id")
    assert sorted(rows, key=lambda r: r["course_id"]) == [
        # 4 (junho, 11-19), 5 (minji) and 4 (dohyun): 13 / 3 = 4.33; that day 9 / 2 = 4.5.
        {
            "school_id": "H",
            "course_id": "K1",
            "review_count": 3,
            "average_rating": 4.33,
            "new_reviews": 2,
            "new_reviews_average_rating": 4.5,
        },
        {
            "school_id": "H",
            "course_id": "K2",
            "review_count": 1,
            "average_rating": 2.0,
            "new_reviews": 0,
            "new_reviews_average_rating": None,
        },
    ]
    day_before = mart(run, names, "course_rating_summary", "snapshot_date", D_1, "course_id")
    assert {r["course_id"]: (r["review_count"], r["average_rating"]) for r in day_before} == {
        "K1": (1, 4.0),
        "K2": (1, 2.0),
    }


def test_daily_moderation(run, names):
    rows = {
        r["school_id"]: r
        for r in mart(run, names, "daily_moderation", "activity_date", D, "school_id")
    }
    assert rows == {
        # C2 hidden 1 h after its first report, P0 6 h after its (the day before):
        # median of 3600 and 21600.
        "H": {
            "school_id": "H",
            "reports": 3,
            "reported_items": 2,
            "hidden_items": 2,
            "median_seconds_to_hide": 12600.0,
        },
        "R": {
            "school_id": "R",
            "reports": 0,
            "reported_items": 0,
            "hidden_items": 0,
            "median_seconds_to_hide": None,
        },
    }


def test_weekly_cohort_retention(run, names):
    rows = mart(
        run,
        names,
        "weekly_cohort_retention",
        "activity_week",
        date(2026, 11, 16),
        "school_id, cohort_week",
    )
    assert sorted(rows, key=lambda r: (r["school_id"], r["cohort_week"])) == [
        # minji, junho, yuna signed up the week before; yuna was active only anonymously.
        {
            "school_id": "H",
            "cohort_week": date(2026, 11, 9),
            "weeks_since_signup": 1,
            "cohort_users": 3,
            "active_users": 2,
            "retention": 0.6667,
        },
        {
            "school_id": "H",
            "cohort_week": date(2026, 11, 16),
            "weeks_since_signup": 0,
            "cohort_users": 2,
            "active_users": 2,
            "retention": 1.0,
        },
        {
            "school_id": "R",
            "cohort_week": date(2026, 11, 9),
            "weeks_since_signup": 1,
            "cohort_users": 1,
            "active_users": 1,
            "retention": 1.0,
        },
        {
            "school_id": "R",
            "cohort_week": date(2026, 11, 16),
            "weeks_since_signup": 0,
            "cohort_users": 1,
            "active_users": 1,
            "retention": 1.0,
        },
    ]
    previous_week = mart(
        run, names, "weekly_cohort_retention", "activity_week", date(2026, 11, 9), "school_id"
    )
    assert [
        (r["school_id"], r["cohort_users"], r["active_users"]) for r in previous_week
    ] == sorted([("H", 3, 3), ("R", 1, 1)], key=lambda r: run.world[r[0]])


def test_every_daily_mart_has_a_partition_for_every_day(run):
    for table in ("daily_school_activity", "daily_board_engagement", "daily_moderation"):
        days = {
            r["d"]
            for r in query(run.warehouse_file, f"SELECT DISTINCT activity_date AS d FROM {table}")
        }
        # The first run also loaded the day before it (the lookback day).
        assert days == {world.BACKFILL[0] - timedelta(days=1), *world.BACKFILL}, table


def test_dimensions_are_snapshots_of_the_source(run, names):
    schools = named(
        query(run.warehouse_file, "SELECT school_id, name, email_domain FROM dim_schools"), names
    )
    assert sorted(s["school_id"] for s in schools) == ["H", "L", "R"]
    boards = named(
        query(run.warehouse_file, "SELECT board_id, school_id, name FROM dim_boards"), names
    )
    assert {b["board_id"]: (b["school_id"], b["name"]) for b in boards} == {
        "hf": ("H", "Free"),
        "hs": ("H", "Secret"),
        "rf": ("R", "Free"),
        "hlate": ("H", "Market"),
    }
    courses = named(
        query(
            run.warehouse_file,
            "SELECT course_id, code, review_count, rating_sum, average_rating FROM dim_courses",
        ),
        names,
    )
    assert sorted(courses, key=lambda c: c["code"]) == [
        {
            "course_id": "K1",
            "code": "CSE101",
            "review_count": 3,
            "rating_sum": 13,
            "average_rating": 13 / 3,
        },
        {
            "course_id": "K2",
            "code": "CSE202",
            "review_count": 1,
            "rating_sum": 2,
            "average_rating": 2.0,
        },
        {
            "course_id": "RK1",
            "code": "RIV100",
            "review_count": 0,
            "rating_sum": 0,
            "average_rating": None,
        },
    ]


def test_rerunning_a_day_leaves_every_table_identical(run, activity_dag, monkeypatch):
    from quad_analytics.local import run_day

    before = dump(run.warehouse_file)
    run.activate(monkeypatch)
    assert run_day(activity_dag, D).state == "success"
    after = dump(run.warehouse_file)
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert sum(len(rows) for rows in after.values()) > 0
