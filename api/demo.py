"""The demo data set `make run` loads into an empty database.

Everything goes through the domain services, so demo data obeys the same rules as real
traffic. Every demo user's password is DEMO_PASSWORD; every demo school lists its email
domain, and every demo user is verified (as if they had entered the mailed code).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.auth import service as auth_service
from api.auth.schemas import SignupIn
from api.boards import service as boards_service
from api.boards.models import NameRule, WriteRule
from api.boards.schemas import BoardIn
from api.comments import service as comments_service
from api.comments.schemas import CommentIn
from api.core.db import utcnow
from api.core.viewer import Viewer
from api.courses import importer
from api.courses import service as courses_service
from api.courses.models import Course
from api.courses.schemas import ReviewIn
from api.posts import service as posts_service
from api.posts.schemas import PostIn, PostOut
from api.reactions import service as reactions_service
from api.schools import service as schools_service
from api.schools.models import School
from api.social import service as social_service
from api.social.schemas import FriendRequestIn
from api.timetables import service as timetables_service
from api.timetables.schemas import TimetableIn, TimetableUpdate
from api.users.models import User
from infra.database import session_scope

DEMO_PASSWORD = "quad-demo-password"
DEMO_SEMESTER = "2026-2"
DEMO_CATALOG = Path(__file__).with_name("demo_catalog.csv")

SCHOOLS = [
    ("한빛대학교", "hanbit.ac.kr", ["컴퓨터공학과", "경영학과", "국어국문학과"]),
    ("Riverside College", "riverside.edu", ["Computer Science", "Economics", "Biology"]),
    ("Namsan Institute of Technology", "namsan.ac.kr", ["전자공학과", "Mechanical Engineering"]),
]
# Every school's boards, made by the operator (no owner). The secret board takes anonymous
# writing only: its name promises that.
BOARDS = [
    BoardIn(name="자유게시판", description="Free board: anything goes"),
    BoardIn(
        name="비밀게시판",
        description="Secret board: post anonymously",
        name_rule=NameRule.anonymous,
    ),
    BoardIn(name="질문게시판", description="Questions for seniors and classmates"),
    BoardIn(name="장터", description="Buy and sell textbooks and more"),
]
# Notices are read-only for members and signed: 한빛's student council owns its notice
# board and is the one who writes there (an operator-made one would have no writer yet).
NOTICES = BoardIn(
    name="공지사항",
    description="Notices from the student council",
    write_rule=WriteRule.moderators,
    name_rule=NameRule.named,
)
# (nickname, email local part, school index)
USERS = [
    ("minji", "minji", 0),
    ("junho", "junho", 0),
    ("seoyeon", "seoyeon", 0),
    ("dohyun", "dohyun", 0),
    ("yuna", "yuna", 0),
    ("jiwoo", "jiwoo", 0),
    ("haneul", "haneul", 0),
    ("sumin", "sumin", 0),
    ("taeyang", "taeyang", 0),
    ("eunbi", "eunbi", 0),
    ("chaewon", "chaewon", 0),
    ("alex", "alex", 1),
    ("sam", "sam", 1),
    ("priya", "priya", 1),
    ("hyunwoo", "hyunwoo", 2),
    ("hanbit_council", "council", 0),
]


def seed() -> bool:
    """Load the demo data unless the database already has schools. True if loaded."""
    with session_scope() as session:
        if session.scalar(select(School.id).limit(1)) is not None:
            return False
        _seed(session)
    return True


def _seed(session: Session) -> None:
    schools = [
        schools_service.create_school(session, name, domain, depts)
        for name, domain, depts in SCHOOLS
    ]
    boards = {
        school.id: [boards_service.create_board(session, None, school.id, b) for b in BOARDS]
        for school in schools
    }
    users: dict[str, Viewer] = {}
    for nickname, local, school_index in USERS:
        school = schools[school_index]
        user = auth_service.signup(
            session,
            SignupIn(
                email=f"{local}@{school.email_domain}",
                password=DEMO_PASSWORD,
                nickname=nickname,
                school_id=school.id,
                language="en" if school.name == "Riverside College" else "ko",
            ),
        )
        users[nickname] = Viewer(id=user.id, school_id=user.school_id)
    # Verified at once: nobody reads the demo users' mail.
    session.execute(update(User).values(email_verified_at=utcnow()))

    hanbit_id = schools[0].id
    hanbit = boards[hanbit_id]
    free, secret, questions, market = hanbit

    def post(author: str, board, title: str, body: str, **flags) -> PostOut:
        return posts_service.create_post(
            session, users[author], board.id, PostIn(title=title, body=body, **flags)
        )

    def comment(author: str, post_out, body: str, anonymous=False, parent=None):
        return comments_service.create_comment(
            session,
            users[author],
            post_out.id,
            CommentIn(body=body, anonymous=anonymous, parent_id=parent.id if parent else None),
        )

    welcome = post(
        "minji", free, "학교에서 제일 맛있는 학식 추천해주세요", "오늘 학생식당 메뉴 뭐였나요?"
    )
    post("junho", free, "Library open hours during finals", "The central library is open 24h.")
    post("seoyeon", market, "전공책 팝니다: 자료구조", "거의 새 책이에요. 15,000원")
    secret_post = post(
        "dohyun", secret, "요즘 너무 힘드네요", "시험 기간이라 잠을 못 자요...", anonymous=True
    )
    question = post(
        "yuna",
        questions,
        "OS 과제 질문 (fork)",
        "fork() 후에 자식 프로세스가 먼저 실행되나요?",
        question=True,
    )
    post(
        "jiwoo",
        secret,
        "Anonymous confession",
        "I still don't know where room 301 is.",
        anonymous=True,
    )

    notices = boards_service.create_board(session, users["hanbit_council"], hanbit_id, NOTICES)
    post(
        "hanbit_council",
        notices,
        "축제 기간 도서관 운영 안내",
        "축제 기간에도 중앙도서관은 평소대로 24시간 운영합니다.",
    )

    c1 = comment("junho", welcome, "2층 돈까스가 최고예요!")
    comment("minji", welcome, "감사합니다 :)", parent=c1)
    comment("seoyeon", welcome, "저는 비빔밥 추천", anonymous=True)
    a1 = comment("yuna", secret_post, "힘내세요! 다 지나갑니다.", anonymous=True)
    comment("dohyun", secret_post, "고마워요 ㅠㅠ", anonymous=True, parent=a1)
    comment("haneul", secret_post, "저도 그래요. 같이 버텨요", anonymous=True)
    comment("yuna", secret_post, "시험 끝나면 맛있는 거 먹어요", anonymous=True)
    comment("taeyang", question, "보장되지 않아요. 스케줄러가 정합니다.")

    # Enough likes to put the welcome post on the HOT list.
    for nickname in (
        "junho",
        "seoyeon",
        "dohyun",
        "yuna",
        "jiwoo",
        "haneul",
        "sumin",
        "taeyang",
        "eunbi",
        "chaewon",
    ):
        reactions_service.set_post_like(session, users[nickname], welcome.id, liked=True)
    reactions_service.set_post_like(session, users["minji"], secret_post.id, liked=True)
    reactions_service.set_comment_like(session, users["minji"], c1.id, liked=True)
    reactions_service.set_scrap(session, users["minji"], question.id, scrapped=True)

    riverside = boards[schools[1].id][0]
    welcome_rc = post("alex", riverside, "Welcome to Quad at Riverside", "Say hi below!")
    comment("sam", welcome_rc, "Hi everyone!")
    comment("priya", welcome_rc, "Hello from the biology lab", anonymous=True)
    post("hyunwoo", boards[schools[2].id][0], "남산공대 첫 글", "안녕하세요!")

    _seed_social(session, users)
    _seed_courses(session, schools[0].id, users)


def _seed_social(session: Session, users: dict[str, Viewer]) -> None:
    def befriend(a: str, b: str) -> None:
        req = social_service.send_request(session, users[a], FriendRequestIn(user_id=users[b].id))
        social_service.respond(session, users[b], req.id, accept=True)

    befriend("minji", "junho")
    befriend("minji", "seoyeon")
    befriend("minji", "alex")  # friends across schools
    social_service.send_request(session, users["yuna"], FriendRequestIn(nickname="minji"))
    for follower in ("junho", "dohyun", "yuna", "sam"):
        social_service.set_follow(session, users[follower], users["minji"].id, follow=True)
    social_service.set_follow(session, users["minji"], users["taeyang"].id, follow=True)


def _seed_courses(session: Session, school_id, users: dict[str, Viewer]) -> None:
    with DEMO_CATALOG.open(encoding="utf-8") as f:
        importer.import_catalog(session, school_id, DEMO_SEMESTER, importer.parse_catalog(f))
    course = {
        c.code: c.id
        for c in session.scalars(select(Course).where(Course.semester == DEMO_SEMESTER))
    }
    plan = timetables_service.create_timetable(
        session,
        users["minji"],
        TimetableIn(semester=DEMO_SEMESTER, name="2학기 시간표", public=True),
    )
    for code in ("CSE2010", "CSE3030", "KOR1001"):
        timetables_service.add_course(session, users["minji"], plan.id, course[code])
    backup = timetables_service.create_timetable(
        session, users["minji"], TimetableIn(semester=DEMO_SEMESTER, name="Plan B")
    )
    timetables_service.add_course(session, users["minji"], backup.id, course["CSE3080"])
    junho = timetables_service.create_timetable(
        session, users["junho"], TimetableIn(semester=DEMO_SEMESTER, name="내 시간표")
    )
    timetables_service.add_course(session, users["junho"], junho.id, course["BUS1010"])
    timetables_service.update_timetable(
        session, users["junho"], junho.id, TimetableUpdate(public=False)
    )
    reviews = [
        ("minji", "CSE2010", 5, "과제가 많지만 정말 많이 배워요."),
        ("junho", "CSE2010", 4, "시험이 어려워요."),
        ("seoyeon", "CSE2010", 4, ""),
        ("dohyun", "CSE3030", 3, "Lectures are fast; read the book first."),
        ("yuna", "BUS1010", 5, "강추!"),
    ]
    for nickname, code, rating, text in reviews:
        courses_service.put_review(
            session,
            users[nickname],
            course[code],
            ReviewIn(rating=rating, text=text, semester_taken="2026-1"),
        )
