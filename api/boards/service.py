"""Boards belong to a school; only that school's members see them (others get 404).

A board has rules (api/boards/models.py): who may write on it and under which name, and
an owner, who edits its description and rules and may delete it while it is empty. The
decisions "does this viewer moderate this board", "may this viewer write here" and "may
this viewer manage this board" are made here alone (`moderates`, `may_write`,
`may_manage`). A board is moderated by its owner and by its school's staff: the school's
moderators and the platform's administrators (`is_staff`, read from the roles table at
each decision, never from the token, so a revoked role stops at once).
"""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.boards.errors import (
    AnonymousOnly,
    BoardCreationClosed,
    BoardReadOnly,
    NamedOnly,
)
from api.boards.models import Board, NameRule, WriteRule
from api.boards.schemas import BoardIn, BoardOut, BoardUpdate
from api.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from api.core.viewer import Viewer
from api.schools.models import School
from api.users.models import Role


class Rules(Protocol):
    """A board's rules: a Board, or a row that selected these columns with a write."""

    @property
    def school_id(self) -> UUID: ...
    @property
    def owner_id(self) -> UUID | None: ...
    @property
    def write_rule(self) -> str: ...
    @property
    def name_rule(self) -> str: ...


def require_member(viewer: Viewer, school_id: UUID) -> None:
    if viewer.school_id != school_id:
        # 404, not 403: a non-member must not learn what exists inside another school.
        raise NotFound()


# --- the rules: the one place that decides ------------------------------------------


def owns(viewer: Viewer, board: Rules) -> bool:
    return board.owner_id is not None and board.owner_id == viewer.id


def is_staff(session: Session, viewer: Viewer, school_id: UUID) -> bool:
    """Whether the viewer moderates the whole school: its moderator, or a platform
    administrator. One indexed read of the roles table."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    Role.user_id == viewer.id,
                    or_(Role.school_id == school_id, Role.school_id.is_(None)),
                )
            )
        )
    )


def moderates(viewer: Viewer, board: Rules, *, staff: bool = False) -> bool:
    """Whether the viewer moderates the board: its owner, or (`staff`, from `is_staff`)
    a moderator of its school or an administrator. What a board owner may do to content
    is narrower than what staff may (api/moderation/service.py)."""
    return staff or owns(viewer, board)


def may_write(viewer: Viewer, board: Rules, *, staff: bool = False) -> bool:
    """Whether a member of the board's school may write posts and comments on it (the
    caller has checked membership). On a `moderators` board only its moderators write."""
    return board.write_rule == WriteRule.members or moderates(viewer, board, staff=staff)


def may_manage(viewer: Viewer, board: Rules, *, staff: bool = False) -> bool:
    """Whether the viewer may edit the board's description and rules, or delete it: its
    owner, and its school's staff."""
    return staff or owns(viewer, board)


def require_may_write(
    viewer: Viewer, board: Rules, *, anonymous: bool, session: Session | None = None
) -> None:
    """403 unless the viewer may write on the board; 422 if `anonymous` breaks its name
    rule. Run before the write is committed: a refused write leaves nothing behind. The
    roles table is read (with `session`) only when the board's rule alone refuses."""
    if not may_write(viewer, board) and not (
        session is not None
        and may_write(viewer, board, staff=is_staff(session, viewer, board.school_id))
    ):
        raise BoardReadOnly()
    if board.name_rule == NameRule.anonymous and not anonymous:
        raise AnonymousOnly()
    if board.name_rule == NameRule.named and anonymous:
        raise NamedOnly()


# --- reading -------------------------------------------------------------------------


def _out(board: Board, viewer: Viewer | None, *, staff: bool = False) -> BoardOut:
    return BoardOut(
        id=board.id,
        school_id=board.school_id,
        name=board.name,
        description=board.description,
        write_rule=WriteRule(board.write_rule),
        name_rule=NameRule(board.name_rule),
        is_owner=viewer is not None and may_manage(viewer, board),
        can_write=viewer is not None and may_write(viewer, board, staff=staff),
        created_at=board.created_at,
    )


def list_boards(session: Session, viewer: Viewer, school_id: UUID) -> list[BoardOut]:
    require_member(viewer, school_id)
    rows = session.scalars(
        select(Board).where(Board.school_id == school_id).order_by(Board.created_at, Board.id)
    ).all()
    staff = any(b.write_rule != WriteRule.members for b in rows) and is_staff(
        session, viewer, school_id
    )
    return [_out(b, viewer, staff=staff) for b in rows]


def get_board(session: Session, viewer: Viewer, board_id: UUID, *, lock: bool = False) -> Board:
    """The board, with its rules, if it is in the viewer's school; else 404."""
    board = session.get(Board, board_id, with_for_update=lock)
    if board is None or board.school_id != viewer.school_id:
        raise NotFound("No such board.")
    return board


def board_out(session: Session, viewer: Viewer, board_id: UUID) -> BoardOut:
    board = get_board(session, viewer, board_id)
    staff = board.write_rule != WriteRule.members and is_staff(session, viewer, board.school_id)
    return _out(board, viewer, staff=staff)


# --- writing -------------------------------------------------------------------------


def create_board(
    session: Session, viewer: Viewer | None, school_id: UUID, data: BoardIn
) -> BoardOut:
    """A member creates a board, and owns it, if their school lets members create boards;
    `viewer=None` is an operator (CLI, demo data): always allowed, and no owner."""
    if viewer is not None:
        require_member(viewer, school_id)
        allowed = session.scalar(select(School.members_create_boards).where(School.id == school_id))
        if not allowed:
            raise BoardCreationClosed()
    board = Board(
        school_id=school_id,
        name=data.name,
        description=data.description,
        write_rule=data.write_rule,
        name_rule=data.name_rule,
        created_by=viewer.id if viewer else None,
        owner_id=viewer.id if viewer else None,
    )
    session.add(board)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict("A board with this name already exists.", field="name") from exc
    return _out(board, viewer)


def _managed(session: Session, viewer: Viewer, board_id: UUID) -> Board:
    """The board, locked, if the viewer may manage it: 404 outside their school, 403 for
    another member (as a post answers those who did not write it)."""
    board = get_board(session, viewer, board_id, lock=True)
    if not may_manage(viewer, board) and not may_manage(
        viewer, board, staff=is_staff(session, viewer, board.school_id)
    ):
        raise Forbidden("Only the board's owner or the school's moderators can change it.")
    return board


def update_board(session: Session, viewer: Viewer, board_id: UUID, data: BoardUpdate) -> BoardOut:
    """New rules apply to what is written from now on; posts already there stay."""
    board = _managed(session, viewer, board_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if not changes:
        raise InvalidInput("Nothing to change: send a description, write_rule or name_rule.")
    for field, value in changes.items():
        setattr(board, field, value)
    session.flush()
    return _out(board, viewer)


def managed_board(session: Session, viewer: Viewer, board_id: UUID) -> Board:
    """The board, locked (`FOR UPDATE`), if the viewer may manage it."""
    return _managed(session, viewer, board_id)


def delete_locked_board(session: Session, board: Board) -> None:
    """Delete a board `managed_board` locked, once its posts' domain found it empty
    (`posts.service.delete_empty_board`)."""
    session.execute(delete(Board).where(Board.id == board.id))
