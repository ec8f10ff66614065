"""Boards belong to a school; only that school's members see them (others get 404)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.boards.models import Board
from api.boards.schemas import BoardIn, BoardOut
from api.core.errors import Conflict, NotFound
from api.core.viewer import Viewer


def require_member(viewer: Viewer, school_id: UUID) -> None:
    if viewer.school_id != school_id:
        # 404, not 403: a non-member must not learn what exists inside another school.
        raise NotFound()


def list_boards(session: Session, viewer: Viewer, school_id: UUID) -> list[BoardOut]:
    require_member(viewer, school_id)
    rows = session.scalars(
        select(Board).where(Board.school_id == school_id).order_by(Board.created_at, Board.id)
    ).all()
    return [BoardOut.model_validate(b) for b in rows]


def get_board(session: Session, viewer: Viewer, board_id: UUID) -> Board:
    board = session.get(Board, board_id)
    if board is None or board.school_id != viewer.school_id:
        raise NotFound("No such board.")
    return board


def create_board(
    session: Session, viewer: Viewer | None, school_id: UUID, data: BoardIn
) -> BoardOut:
    """Any member may create a board; `viewer=None` is an operator (CLI, demo data)."""
    if viewer is not None:
        require_member(viewer, school_id)
    board = Board(
        school_id=school_id,
        name=data.name,
        description=data.description,
        created_by=viewer.id if viewer else None,
    )
    session.add(board)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict("A board with this name already exists.", field="name") from exc
    return BoardOut.model_validate(board)


def board_out(session: Session, viewer: Viewer, board_id: UUID) -> BoardOut:
    return BoardOut.model_validate(get_board(session, viewer, board_id))
