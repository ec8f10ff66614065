"""Source data for the DAG tests, written with plain SQL at chosen times.

The API's services cannot run in the DAG environment, and the tests need exact
timestamps anyway (which day an event falls on is the point), so each method inserts
the rows the API would write, counters included, and returns the new id.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, text

SECRET_TEXT = "SECRET-TEXT"  # in every title, body and review: none may reach the warehouse


class Source:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.emails: list[str] = []
        self.texts: list[str] = []
        self.users: dict[UUID, UUID] = {}  # user -> school
        self.anonymous_content: list[tuple[str, UUID, UUID]] = []  # (kind, id, author)
        self.timetable_owners: dict[UUID, UUID] = {}
        self._n = 0

    def _run(self, sql: str, **params: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(sql), params)

    def _text(self, kind: str) -> str:
        self._n += 1
        value = f"{SECRET_TEXT} {kind} {self._n}"
        self.texts.append(value)
        return value

    def school(self, name: str, domain: str, at: datetime) -> UUID:
        sid = uuid.uuid4()
        self._run(
            "INSERT INTO schools (id, name, email_domain, created_at) VALUES (:i, :n, :d, :at)",
            i=sid,
            n=name,
            d=domain,
            at=at,
        )
        return sid

    def board(self, school: UUID, name: str, at: datetime) -> UUID:
        bid = uuid.uuid4()
        self._run(
            "INSERT INTO boards (id, school_id, name, description, created_at) "
            "VALUES (:i, :s, :n, :d, :at)",
            i=bid,
            s=school,
            n=name,
            d=self._text("board description"),
            at=at,
        )
        return bid

    def user(self, school: UUID, nickname: str, at: datetime) -> UUID:
        uid = uuid.uuid4()
        email = f"{nickname}@example.edu"
        self.emails.append(email)
        self._run(
            "INSERT INTO users (id, email, password_hash, nickname, school_id, created_at) "
            "VALUES (:i, :e, :p, :n, :s, :at)",
            i=uid,
            e=email,
            p="$argon2id$v=19$m=65536,t=3,p=4$fake$hash",
            n=nickname,
            s=school,
            at=at,
        )
        self.users[uid] = school
        return uid

    def post(
        self,
        board: UUID,
        author: UUID,
        at: datetime,
        anonymous: bool = False,
        question: bool = False,
    ) -> UUID:
        pid = uuid.uuid4()
        self._run(
            "INSERT INTO posts (id, board_id, school_id, author_id, title, body, anonymous, "
            "question, created_at) SELECT :i, b.id, b.school_id, :a, :t, :body, :anon, :q, :at "
            "FROM boards b WHERE b.id = :b",
            i=pid,
            b=board,
            a=author,
            t=self._text("title"),
            body=self._text("body"),
            anon=anonymous,
            q=question,
            at=at,
        )
        if anonymous:
            self.anonymous_content.append(("post", pid, author))
        return pid

    def comment(
        self,
        post: UUID,
        author: UUID,
        at: datetime,
        anonymous: bool = False,
        parent: UUID | None = None,
    ) -> UUID:
        cid = uuid.uuid4()
        self._run(
            "INSERT INTO comments (id, post_id, parent_id, author_id, body, anonymous, created_at) "
            "VALUES (:i, :p, :parent, :a, :body, :anon, :at)",
            i=cid,
            p=post,
            parent=parent,
            a=author,
            body=self._text("comment"),
            anon=anonymous,
            at=at,
        )
        self._run("UPDATE posts SET comment_count = comment_count + 1 WHERE id = :p", p=post)
        if anonymous:
            self.anonymous_content.append(("comment", cid, author))
        return cid

    def like_post(self, post: UUID, user: UUID, at: datetime) -> None:
        self._run(
            "INSERT INTO post_likes (post_id, user_id, created_at) VALUES (:p, :u, :at)",
            p=post,
            u=user,
            at=at,
        )
        self._run("UPDATE posts SET like_count = like_count + 1 WHERE id = :p", p=post)

    def like_comment(self, comment: UUID, user: UUID, at: datetime) -> None:
        self._run(
            "INSERT INTO comment_likes (comment_id, user_id, created_at) VALUES (:c, :u, :at)",
            c=comment,
            u=user,
            at=at,
        )

    def scrap(self, post: UUID, user: UUID, at: datetime) -> None:
        self._run(
            "INSERT INTO scraps (post_id, user_id, created_at) VALUES (:p, :u, :at)",
            p=post,
            u=user,
            at=at,
        )

    def report(
        self, target_type: str, target: UUID, reporter: UUID, at: datetime, reason: str = "spam"
    ) -> UUID:
        rid = uuid.uuid4()
        self._run(
            "INSERT INTO reports (id, target_type, target_id, reporter_id, reason, created_at) "
            "VALUES (:i, :tt, :t, :r, :reason, :at)",
            i=rid,
            tt=target_type,
            t=target,
            r=reporter,
            reason=reason,
            at=at,
        )
        return rid

    def hide(self, target_type: str, target: UUID, at: datetime) -> UUID:
        """What the moderation function does at the report threshold."""
        mid = uuid.uuid4()
        table = "posts" if target_type == "post" else "comments"
        self._run(f"UPDATE {table} SET hidden_at = :at WHERE id = :t", at=at, t=target)
        self._run(
            "INSERT INTO moderation_actions (id, target_type, target_id, action, decided_by, "
            "reason, created_at) VALUES (:i, :tt, :t, 'hidden', 'system:report-threshold', "
            "'reported by 5 distinct users (threshold 5)', :at)",
            i=mid,
            tt=target_type,
            t=target,
            at=at,
        )
        return mid

    def course(self, school: UUID, code: str, at: datetime, semester: str = "2026-2") -> UUID:
        cid = uuid.uuid4()
        self._run(
            "INSERT INTO courses (id, school_id, semester, code, name, professor_name, credits, "
            "created_at) VALUES (:i, :s, :sem, :code, :name, 'Prof. Kim', 3, :at)",
            i=cid,
            s=school,
            sem=semester,
            code=code,
            name=f"Course {code}",
            at=at,
        )
        return cid

    def review(self, course: UUID, user: UUID, rating: int, at: datetime) -> UUID:
        rid = uuid.uuid4()
        self._run(
            "INSERT INTO course_reviews (id, course_id, user_id, rating, text, semester_taken, "
            "created_at) VALUES (:i, :c, :u, :r, :t, '2026-1', :at)",
            i=rid,
            c=course,
            u=user,
            r=rating,
            t=self._text("review"),
            at=at,
        )
        # As the API keeps them: exact totals on the course.
        self._run(
            "UPDATE courses SET review_count = review_count + 1, rating_sum = rating_sum + :r "
            "WHERE id = :c",
            r=rating,
            c=course,
        )
        return rid

    def timetable(self, user: UUID, at: datetime, semester: str = "2026-2") -> UUID:
        tid = uuid.uuid4()
        self._run(
            "INSERT INTO timetables (id, user_id, semester, name, is_public, is_primary, "
            "created_at) VALUES (:i, :u, :sem, :n, false, false, :at)",
            i=tid,
            u=user,
            sem=semester,
            n=self._text("timetable"),
            at=at,
        )
        self.timetable_owners[tid] = user
        return tid

    def add_course(self, timetable: UUID, course: UUID, at: datetime) -> None:
        self._run(
            "INSERT INTO timetable_courses (timetable_id, course_id, added_at) "
            "VALUES (:t, :c, :at)",
            t=timetable,
            c=course,
            at=at,
        )

    def remove_course(self, timetable: UUID, course: UUID, at: datetime) -> None:
        """As the API removes a course: the row goes and the removal is logged."""
        with self.engine.begin() as conn:
            conn.execute(
                text("DELETE FROM timetable_courses WHERE timetable_id = :t AND course_id = :c"),
                {"t": timetable, "c": course},
            )
            self._log_removals(conn, timetable, [course], at)

    def delete_timetable(self, timetable: UUID, at: datetime) -> None:
        """As the API deletes a timetable: each of its courses is logged as removed."""
        with self.engine.begin() as conn:
            courses = conn.execute(
                text("DELETE FROM timetable_courses WHERE timetable_id = :t RETURNING course_id"),
                {"t": timetable},
            ).scalars()
            self._log_removals(conn, timetable, list(courses), at)
            conn.execute(text("DELETE FROM timetables WHERE id = :t"), {"t": timetable})

    def _log_removals(self, conn, timetable: UUID, courses: list[UUID], at: datetime) -> None:
        for course in courses:
            conn.execute(
                text(
                    "INSERT INTO timetable_course_removals "
                    "(id, timetable_id, course_id, user_id, removed_at) "
                    "VALUES (:i, :t, :c, :u, :at)"
                ),
                {
                    "i": uuid.uuid4(),
                    "t": timetable,
                    "c": course,
                    "u": self.timetable_owners[timetable],
                    "at": at,
                },
            )

    def execute(self, sql: str, **params: Any) -> None:
        self._run(sql, **params)
