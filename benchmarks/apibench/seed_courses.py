"""The benchmark campus's course catalog, timetables and friends.

Seeded into the same database as the community data (seed.py), after it and
independently of it: a database seeded before this part existed gets it added without
loading the 1M posts again. Every row is dated before the community data's
`seeded_until`, so what a benchmark run writes later (timetable courses, outbox rows) is
told apart by its date and removed before the next run.

The catalog is one semester of one school: 50,000 sections of about 10,000 courses
(Korean and English names, 24 departments), about 4,000 professors, and weekly slots in
the shapes Korean timetables have (75-minute pairs, 50-minute MWF, 3-hour blocks, labs,
hour-long slots that only touch, Saturday classes, online courses without slots).
Every user has a primary timetable of 5-7 courses that do not clash (60% public), 30% a
second one; users have 8 friends on average.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bench_common import NULL, CopyStream, TimestampText, query, run_parallel, say, uuid7_text

SEMESTER = "2026-2"
COURSES_SEED_VERSION = 1  # bump when the generated catalog changes shape
COURSE_DEFAULTS = {"courses": 50_000, "friends": 8}
SECTIONS_PER_COURSE = 5  # on average: 50,000 sections of about 10,000 courses
COURSES_PER_PROFESSOR = 12
PUBLIC_SHARE = 0.6
COURSE_TABLES = (
    "professors",
    "courses",
    "course_slots",
    "course_reviews",
    "timetables",
    "timetable_courses",
    "friend_requests",
    "friendships",
    "follows",
)

# (code, building, Korean topics, English topics)
DEPARTMENTS = [
    ("CSE", "공학관", "자료구조 운영체제 컴퓨터네트워크 알고리즘 데이터베이스 인공지능 기계학습 "
     "컴퓨터구조 프로그래밍 소프트웨어공학 컴파일러 컴퓨터그래픽스",
     "Data Structures|Operating Systems|Computer Networks|Algorithms|Databases|"
     "Artificial Intelligence|Machine Learning|Computer Architecture|Programming|"
     "Software Engineering|Compilers|Computer Graphics"),
    ("EEE", "공학관", "회로이론 전자기학 신호및시스템 디지털논리회로 반도체공학 제어공학 통신이론",
     "Circuit Theory|Electromagnetics|Signals and Systems|Digital Logic|"
     "Semiconductor Devices|Control Systems|Communication Theory"),
    ("MEC", "공학관", "열역학 유체역학 고체역학 동역학 기계설계 재료역학",
     "Thermodynamics|Fluid Mechanics|Solid Mechanics|Dynamics|Machine Design"),
    ("CHE", "공학관", "화공열역학 반응공학 공정제어 이동현상",
     "Chemical Reaction Engineering|Process Control|Transport Phenomena"),
    ("MTH", "과학관", "미적분학 선형대수학 확률론 해석학 미분방정식 위상수학 정수론",
     "Calculus|Linear Algebra|Probability|Real Analysis|Differential Equations|Topology|"
     "Number Theory"),
    ("STA", "과학관", "통계학 회귀분석 수리통계학 데이터마이닝 표본조사",
     "Statistics|Regression Analysis|Mathematical Statistics|Data Mining"),
    ("PHY", "과학관", "일반물리학 양자역학 고전역학 전자기학 통계물리학",
     "General Physics|Quantum Mechanics|Classical Mechanics|Electrodynamics|"
     "Statistical Physics"),
    ("CHM", "과학관", "일반화학 유기화학 물리화학 분석화학 무기화학",
     "General Chemistry|Organic Chemistry|Physical Chemistry|Analytical Chemistry"),
    ("BIO", "과학관", "일반생물학 분자생물학 세포생물학 유전학 생화학 생태학",
     "General Biology|Molecular Biology|Cell Biology|Genetics|Biochemistry"),
    ("ECO", "경영관", "경제학원론 미시경제학 거시경제학 계량경제학 국제경제학 화폐금융론",
     "Principles of Economics|Microeconomics|Macroeconomics|Econometrics|"
     "International Economics|Money and Banking"),
    ("BUS", "경영관", "경영학원론 회계원리 마케팅 재무관리 조직행동론 인사관리 경영전략",
     "Principles of Management|Financial Accounting|Marketing|Corporate Finance|"
     "Organizational Behavior|Human Resource Management|Strategic Management"),
    ("KOR", "인문관", "국어학개론 현대문학 고전문학 한국어문법 국문학사 현대시",
     "Korean Linguistics|Modern Korean Literature|Classical Korean Literature|Korean Grammar"),
    ("ENG", "인문관", "영어회화 영문학 영어학 영작문 셰익스피어",
     "English Conversation|English Literature|English Linguistics|English Composition|"
     "Shakespeare"),
    ("HIS", "인문관", "한국사 세계사 동양사 서양사 한국근현대사",
     "Korean History|World History|East Asian History|Western History"),
    ("PHI", "인문관", "철학 윤리학 논리학 동양철학 미학",
     "Philosophy|Ethics|Logic|Eastern Philosophy|Aesthetics"),
    ("PSY", "사회관", "심리학 발달심리학 사회심리학 인지심리학 상담심리학",
     "Psychology|Developmental Psychology|Social Psychology|Cognitive Psychology"),
    ("SOC", "사회관", "사회학 사회조사방법론 문화인류학 도시사회학",
     "Sociology|Social Research Methods|Cultural Anthropology"),
    ("POL", "사회관", "정치학 국제관계론 비교정치 행정학 공공정책",
     "Political Science|International Relations|Comparative Politics|Public Administration"),
    ("LAW", "법학관", "헌법 민법 형법 상법 행정법 국제법",
     "Constitutional Law|Civil Law|Criminal Law|Commercial Law|International Law"),
    ("EDU", "사범관", "교육학 교육심리 교육과정 교육평가",
     "Education|Educational Psychology|Curriculum Studies"),
    ("ART", "예술관", "디자인 드로잉 미술사 사진 영상제작",
     "Design|Drawing|Art History|Photography|Film Making"),
    ("MUS", "예술관", "음악이론 화성학 합창 음악사",
     "Music Theory|Harmony|Choir|Music History"),
    ("GED", "교양관", "대학영어 글쓰기 독서와토론 진로탐색 컴퓨팅사고 창업 교양한문",
     "College English|Academic Writing|Reading and Discussion|Career Exploration|"
     "Computational Thinking|Entrepreneurship"),
    ("PED", "체육관", "체육 수영 테니스 요가 골프",
     "Physical Education|Swimming|Tennis|Yoga|Golf"),
]  # fmt: skip
# General education and the big majors have more sections.
DEPARTMENT_WEIGHTS = [3, 2, 1.5, 1, 2, 1, 1.5, 1.5, 1.5, 2, 2.5, 1, 1.5, 1, 1, 1.5, 1, 1, 1,
                      1, 1, 0.7, 4, 1.5]  # fmt: skip
KOREAN_FORMS = ["{t}", "{t}", "{t}개론", "{t}원론", "{t}의 이해", "고급{t}", "{t}특강", "{t}세미나",
                "{t}실습", "{t} I", "{t} II", "{t}연습", "캡스톤디자인: {t}"]  # fmt: skip
ENGLISH_FORMS = ["{t}", "{t}", "Introduction to {t}", "Advanced {t}", "Topics in {t}",
                 "{t} Seminar", "{t} Lab", "{t} I", "{t} II"]  # fmt: skip
KOREAN_QUALIFIERS = [" (영어강의)", " (야간)", " (온라인)", " (캡스톤)", " (심화)"]
ENGLISH_QUALIFIERS = [" (English-taught)", " (Evening)", " (Online)", " (Honors)"]
SURNAMES = [  # as common as they are: 김 four times, 이 three, 박 twice
    "김", "김", "김", "김", "이", "이", "이", "박", "박", "최", "정", "강",
    "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송",
    "전", "홍", "유", "고", "문", "양", "손", "배", "백", "허", "남", "노",
]  # fmt: skip
GIVEN = [
    "민", "서", "지", "현", "준", "수", "영", "은", "혜", "진", "호", "성",
    "우", "유", "하", "윤", "재", "동", "정", "경", "상", "희", "미", "선",
    "태", "석", "훈", "연", "주", "원", "규", "철",
]  # fmt: skip
ROMAN_SURNAMES = ["Park", "Kim", "Lee", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"]
ROMAN_GIVEN = ["Jisoo", "Minho", "Seoyeon", "Jiwoo", "Hyunwoo", "Yuna", "Dohyun", "Sora"]
WESTERN = [
    "Emily Clark", "John Smith", "Maria Garcia", "David Miller", "Sarah Johnson",
    "Michael Brown", "Anna Schmidt", "Thomas Martin", "Laura Rossi", "James Wilson",
    "Sophie Dubois", "Daniel Lee", "Olivia Taylor", "Lucas Silva", "Hannah Weber",
]  # fmt: skip


@dataclass(frozen=True)
class CourseSizes:
    courses: int
    friends: int  # average friends per user

    @property
    def professors(self) -> int:
        return max(5, self.courses // COURSES_PER_PROFESSOR)

    def describe(self) -> str:
        return (
            f"{self.courses:,} courses of {SEMESTER} by {self.professors:,} professors, "
            f"timetables for every user, {self.friends} friends per user on average"
        )


def course_signature(sizes: CourseSizes, community: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": COURSES_SEED_VERSION,
        "courses": sizes.courses,
        "friends": sizes.friends,
        "community": community,  # seeded for these users
    }


# --- slots -------------------------------------------------------------------------------

Slot = tuple[int, int, int]  # weekday (0 = Monday), start and end in minutes after midnight


def clashes(a: Iterable[Slot], b: Iterable[Slot]) -> bool:
    """The API's rule: same weekday and overlapping times; slots that only touch do not."""
    return any(d1 == d2 and s1 < e2 and s2 < e1 for d1, s1, e1 in a for d2, s2, e2 in b)


PERIODS_75 = [9 * 60, 10 * 60 + 30, 12 * 60, 13 * 60 + 30, 15 * 60, 16 * 60 + 30, 18 * 60]


def random_schedule(rng: random.Random) -> tuple[list[Slot], int]:
    """Weekly slots in one of the usual shapes, and the credits that go with it."""
    shape = rng.random()
    if shape < 0.42:  # two 75-minute meetings, Mon/Wed or Tue/Thu
        start = rng.choice(PERIODS_75)
        return [(d, start, start + 75) for d in rng.choice(((0, 2), (1, 3)))], 3
    if shape < 0.56:  # three 50-minute meetings, Mon/Wed/Fri
        start = rng.randrange(9, 17) * 60
        return [(d, start, start + 50) for d in (0, 2, 4)], 3
    if shape < 0.72:  # one three-hour block
        start = rng.choice((9, 10, 13, 14, 15, 18)) * 60
        return [(rng.randrange(5), start, start + 170)], 3
    if shape < 0.82:  # a two-hour lab
        start = rng.randrange(9, 18) * 60
        return [(rng.randrange(5), start, start + 110)], rng.choice((1, 2))
    if shape < 0.90:  # hour-long pairs: these often only touch each other
        start = rng.randrange(9, 18) * 60
        return [(d, start, start + 60) for d in rng.choice(((0, 2), (1, 3), (2, 4)))], 2
    if shape < 0.95:  # Saturday
        start = rng.choice((9, 13)) * 60
        return [(5, start, start + 180)], 3
    return [], rng.choice((1, 3))  # online or arranged: no slots


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


# --- seeding -----------------------------------------------------------------------------


def _professor_names(rng: random.Random, n: int) -> list[str]:
    """n distinct names (unique per school): Korean, romanised Korean and Western ones."""
    names: dict[str, None] = {}
    while len(names) < n:
        r = rng.random()
        if r < 0.85:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        else:
            if r < 0.95:
                name = f"{rng.choice(ROMAN_SURNAMES)} {rng.choice(ROMAN_GIVEN)}"
            else:
                name = rng.choice(WESTERN)
            if name in names:  # few such names: a middle initial tells them apart
                first, last = name.split()
                name = f"{first} {chr(65 + rng.randrange(26))}. {last}"
        names.setdefault(name)
    return list(names)


def _course_names(rng: random.Random, n: int) -> list[tuple[int, str]]:
    """(department index, name) of `n` distinct catalog entries."""
    cum = [0.0]
    for w in DEPARTMENT_WEIGHTS:
        cum.append(cum[-1] + w)
    cum = cum[1:]
    topics = [(d[2].split(), d[3].split("|")) for d in DEPARTMENTS]
    out = []
    for dept in rng.choices(range(len(DEPARTMENTS)), cum_weights=cum, k=n):
        korean, english = topics[dept]
        if rng.random() < 0.7:
            name = rng.choice(KOREAN_FORMS).format(t=rng.choice(korean))
            if rng.random() < 0.15:
                name += rng.choice(KOREAN_QUALIFIERS)
        else:
            name = rng.choice(ENGLISH_FORMS).format(t=rng.choice(english))
            if rng.random() < 0.15:
                name += rng.choice(ENGLISH_QUALIFIERS)
        out.append((dept, name))
    return out


def _sections(rng: random.Random, entries: int, total: int, cap: int = 99) -> list[int]:
    """Sections per catalog entry: at least one each, the rest by a log-normal popularity."""
    counts = [1] * entries
    weights = list(_accumulate(rng.lognormvariate(0, 1.0) for _ in range(entries)))
    left = total - entries
    while left > 0:
        for i in rng.choices(range(entries), cum_weights=weights, k=min(left, 100_000)):
            if counts[i] < cap and left > 0:
                counts[i] += 1
                left -= 1
    return counts


def _accumulate(values: Iterable[float]) -> Iterable[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


@dataclass
class _Course:
    id: str
    dept: int
    slots: list[Slot]
    credits: int


def _pick_courses(
    rng: random.Random, courses: list[_Course], by_dept: list[list[int]], dept: int, k: int
) -> list[int]:
    """Up to k courses without clashes, most of them from the student's department."""
    chosen: list[int] = []
    taken: list[Slot] = []
    for _ in range(20 * k):
        if len(chosen) == k:
            break
        pool = by_dept[dept] if rng.random() < 0.6 and by_dept[dept] else None
        i = rng.choice(pool) if pool else rng.randrange(len(courses))
        if i in chosen or clashes(courses[i].slots, taken):
            continue
        chosen.append(i)
        taken.extend(courses[i].slots)
    return chosen


def seed_courses(
    conn: Any,
    url: str,
    sizes: CourseSizes,
    seeded_until: float,
    rng: random.Random,
) -> dict[str, float]:
    """Replace the catalog, timetables and friendships. Returns seconds per step."""
    say(f"  seeding {sizes.describe()}")
    started = time.perf_counter()
    query(conn, "DELETE FROM bench_seed WHERE key LIKE %s", ("courses%",))
    query(conn, f"TRUNCATE {', '.join(COURSE_TABLES)} CASCADE")
    conn.commit()
    school_id = str(query(conn, "SELECT id FROM schools ORDER BY created_at, id LIMIT 1")[0][0])
    users = [
        (str(u), created.timestamp())
        for u, created in query(
            conn,
            "SELECT id, created_at FROM users WHERE deleted_at IS NULL ORDER BY created_at, id",
        )
    ]
    ts = TimestampText()
    bits = rng.getrandbits
    until = seeded_until - 60  # strictly older than anything a run writes
    catalog_t = until - 120 * 86400  # the catalog was published four months ago

    # Professors, each at home in a department.
    professor_names = _professor_names(rng, sizes.professors)
    professors = [
        (uuid7_text(catalog_t + i / 1000, bits), name, rng.randrange(len(DEPARTMENTS)))
        for i, name in enumerate(professor_names)
    ]
    by_home: list[list[int]] = [[] for _ in DEPARTMENTS]
    for i, (_, _, dept) in enumerate(professors):
        by_home[dept].append(i)
    stream = CopyStream(url, "professors", "id, school_id, name, created_at")
    for pid, name, _ in professors:
        stream.add(f"{pid}\t{school_id}\t{name}\t{ts(catalog_t)}")
    stream.close()

    # Courses (sections) and their slots.
    entries = _course_names(rng, max(1, sizes.courses // SECTIONS_PER_COURSE))
    sections = _sections(rng, len(entries), sizes.courses)
    numbers: dict[tuple[int, int], int] = {}
    courses: list[_Course] = []
    course_rows = CopyStream(
        url,
        "courses",
        "id, school_id, semester, code, name, professor_id, professor_name, credits, created_at",
        consumers=2,  # the generated search_terms column is the slow part
    )
    slot_rows = CopyStream(url, "course_slots", "id, course_id, weekday, starts_at, ends_at, room")
    n = 0
    for (dept, name), count in zip(entries, sections, strict=True):
        code_prefix, building = DEPARTMENTS[dept][0], DEPARTMENTS[dept][1]
        level = rng.randint(1, 4)  # year of study: CSE2031 is a second-year course
        numbers[dept, level] = k = numbers.get((dept, level), 0) + 1
        number = f"{level}{k:03d}"
        for section in range(1, count + 1):
            t = catalog_t + n / 1000
            n += 1
            cid = uuid7_text(t, bits)
            slots, credits = random_schedule(rng)
            if rng.random() < 0.04:  # to be announced
                prof_id, prof_name = NULL, ""
            else:
                home = by_home[dept] if rng.random() < 0.9 and by_home[dept] else None
                p = rng.choice(home) if home else rng.randrange(len(professors))
                prof_id, prof_name = professors[p][0], professors[p][1]
            course_rows.add(
                f"{cid}\t{school_id}\t{SEMESTER}\t{code_prefix}{number}-{section:02d}\t"
                f"{name}\t{prof_id}\t{prof_name}\t{credits}\t{ts(t)}"
            )
            room = f"{building} {rng.randrange(1, 6)}{rng.randrange(1, 30):02d}"
            for weekday, start, end in slots:
                slot_rows.add(
                    f"{uuid7_text(t, bits)}\t{cid}\t{weekday}\t{_hhmm(start)}\t{_hhmm(end)}\t{room}"
                )
            courses.append(_Course(cid, dept, slots, credits))
    course_rows.close()
    slot_rows.close()
    t_catalog = time.perf_counter() - started

    # Timetables: a primary one for everyone, a second plan for some.
    by_dept: list[list[int]] = [[] for _ in DEPARTMENTS]
    for i, c in enumerate(courses):
        by_dept[c.dept].append(i)
    timetables = CopyStream(
        url, "timetables", "id, user_id, semester, name, is_public, is_primary, created_at"
    )
    members = CopyStream(url, "timetable_courses", "timetable_id, course_id, added_at")
    n_timetables = n_members = 0
    for user_id, joined in users:
        dept = rng.randrange(len(DEPARTMENTS))
        plans = [(True, rng.randint(5, 7))]
        if rng.random() < 0.3:
            plans.append((False, rng.randint(3, 6)))
        start = max(joined, until - 90 * 86400)
        for primary, k in plans:
            t = rng.uniform(start, until - 86400)
            start = t
            tid = uuid7_text(t, bits)
            public = rng.random() < (PUBLIC_SHARE if primary else 0.3)
            name = rng.choice(("2학기 시간표", "시간표 1", "내 시간표", "Fall 2026"))
            if not primary:
                name = rng.choice(("Plan B", "시간표 2", "예비 시간표"))
            timetables.add(
                f"{tid}\t{user_id}\t{SEMESTER}\t{name}\t{'t' if public else 'f'}\t"
                f"{'t' if primary else 'f'}\t{ts(t)}"
            )
            n_timetables += 1
            for i in _pick_courses(rng, courses, by_dept, dept, k):
                members.add(f"{tid}\t{courses[i].id}\t{ts(rng.uniform(t, until))}")
                n_members += 1
    timetables.close()
    members.close()

    # Friendships, both directions, and the users' friend counters.
    pairs: set[tuple[int, int]] = set()
    target = len(users) * sizes.friends // 2
    while len(pairs) < min(target, len(users) * (len(users) - 1) // 2):
        a, b = rng.randrange(len(users)), rng.randrange(len(users))
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    friends = CopyStream(url, "friendships", "user_id, friend_id, created_at")
    for a, b in sorted(pairs):
        t = ts(rng.uniform(max(users[a][1], users[b][1]), until))
        friends.add(f"{users[a][0]}\t{users[b][0]}\t{t}")
        friends.add(f"{users[b][0]}\t{users[a][0]}\t{t}")
    friends.close()
    query(
        conn,
        "UPDATE users SET friend_count = f.n "
        "FROM (SELECT user_id, count(*) AS n FROM friendships GROUP BY user_id) f "
        "WHERE users.id = f.user_id AND users.friend_count <> f.n",
    )
    query(
        conn,
        "UPDATE users SET friend_count = 0 WHERE friend_count <> 0 "
        "AND NOT EXISTS (SELECT 1 FROM friendships WHERE user_id = users.id)",
    )
    conn.commit()
    t_load = time.perf_counter() - started

    run_parallel(url, [f"VACUUM (ANALYZE) {t}" for t in (*COURSE_TABLES, "users")])
    t_total = time.perf_counter() - started
    counts = {
        t: query(conn, f"SELECT count(*) FROM {t}")[0][0]
        for t in ("professors", "courses", "course_slots", "timetables", "timetable_courses")
    }
    counts["friendships"] = query(conn, "SELECT count(*) FROM friendships")[0][0] // 2
    expected = {
        "professors": len(professors),
        "courses": sizes.courses,
        "course_slots": sum(len(c.slots) for c in courses),
        "timetables": n_timetables,
        "timetable_courses": n_members,
        "friendships": len(pairs),
    }
    if counts != expected:
        raise RuntimeError(f"course data is inconsistent: {counts} != {expected}")
    say(
        "  loaded " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
        + f" in {t_total:.1f} s (catalog {t_catalog:.1f} s)"
    )  # fmt: skip
    return {
        "total": round(t_total, 1),
        "catalog": round(t_catalog, 1),
        "timetables_and_friends": round(t_load - t_catalog, 1),
        "vacuum": round(t_total - t_load, 1),
    }
