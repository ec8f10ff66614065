from uuid import UUID

from fastapi import APIRouter, Response, status

from api.auth.access import in_idempotent_write_session, in_write_session
from api.auth.dependencies import CurrentViewer
from api.boards import service
from api.boards.schemas import BoardIn, BoardOut, BoardUpdate
from api.core.client import ClientKey
from api.core.db import in_read_session
from api.core.schemas import NO_CONTENT
from api.idempotency.dependencies import IdempotencyKeyHeader
from api.limits.service import Limit
from api.posts import service as posts_service

router = APIRouter(tags=["boards"])


@router.get(
    "/schools/{school_id}/boards", response_model=list[BoardOut], operation_id="boards.list"
)
async def list_boards(school_id: UUID, viewer: CurrentViewer) -> list[BoardOut]:
    return await in_read_session(service.list_boards, viewer, school_id)


@router.post(
    "/schools/{school_id}/boards",
    status_code=status.HTTP_201_CREATED,
    response_model=BoardOut,
    operation_id="boards.create",
)
async def create_board(
    school_id: UUID,
    body: BoardIn,
    viewer: CurrentViewer,
    client: ClientKey,
    idempotency: IdempotencyKeyHeader,
) -> Response:
    """The caller owns the new board. 403 `…:board-creation-closed` where the school lets
    only its operators create boards."""
    return await in_idempotent_write_session(
        Limit.board,
        client,
        idempotency,
        status.HTTP_201_CREATED,
        service.create_board,
        viewer,
        school_id,
        body,
    )


@router.get("/boards/{board_id}", response_model=BoardOut, operation_id="boards.get")
async def get_board(board_id: UUID, viewer: CurrentViewer) -> BoardOut:
    return await in_read_session(service.board_out, viewer, board_id)


@router.patch("/boards/{board_id}", response_model=BoardOut, operation_id="boards.update")
async def update_board(board_id: UUID, body: BoardUpdate, viewer: CurrentViewer) -> BoardOut:
    """The owner changes the description and rules; new rules apply to new writing."""
    return await in_write_session(service.update_board, viewer, board_id, body)


@router.delete("/boards/{board_id}", **NO_CONTENT, operation_id="boards.delete")
async def delete_board(board_id: UUID, viewer: CurrentViewer) -> None:
    """The owner deletes an empty board; 409 `…:board-not-empty` if it has posts."""
    await in_write_session(posts_service.delete_empty_board, viewer, board_id)
