from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.core.errors import Conflict, InvalidToken, NotFound
from api.core.viewer import Viewer
from api.schools.models import School
from api.users.models import User
from api.users.schemas import MeOut, MeUpdate, ProfileOut, SchoolRef


def me_out(session: Session, user: User) -> MeOut:
    school = session.get(School, user.school_id)
    assert school is not None and user.email is not None and user.nickname is not None
    return MeOut(
        id=user.id,
        email=user.email,
        nickname=user.nickname,
        school=SchoolRef(id=school.id, name=school.name),
        department_id=user.department_id,
        created_at=user.created_at,
        email_verified=user.email_verified_at is not None,
        language=user.language,
    )


def _active_user(session: Session, user_id: UUID) -> User:
    user = session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise NotFound("No such user.")
    return user


def get_me(session: Session, viewer: Viewer) -> MeOut:
    user = session.get(User, viewer.id)
    if user is None or user.deleted_at is not None:
        # The token outlived the account it names.
        raise InvalidToken("The account no longer exists.")
    return me_out(session, user)


def update_me(session: Session, viewer: Viewer, data: MeUpdate) -> MeOut:
    user = _active_user(session, viewer.id)
    user.nickname = data.nickname
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict("This nickname is taken.", field="nickname") from exc
    return me_out(session, user)


def get_profile(session: Session, user_id: UUID) -> ProfileOut:
    row = session.execute(
        select(User, School.name.label("school_name"))
        .join(School, School.id == User.school_id)
        .where(User.id == user_id, User.deleted_at.is_(None))
    ).one_or_none()
    if row is None:
        raise NotFound("No such user.")
    user = row.User
    return ProfileOut(
        id=user.id,
        nickname=user.nickname,
        joined_at=user.created_at,
        school=SchoolRef(id=user.school_id, name=row.school_name),
        follower_count=user.follower_count,
        following_count=user.following_count,
        friend_count=user.friend_count,
    )
