from uuid import UUID

from fastapi import APIRouter, status

from api.auth.access import in_limited_write_session
from api.auth.dependencies import CurrentViewer
from api.boards import service
from api.boards.schemas import BoardIn, BoardOut
from api.core.client import ClientKey
from api.core.db import in_read_session
from api.limits.service import Limit

router = APIRouter(tags=["boards"])


@router.get("/schools/{school_id}/boards", response_model=list[BoardOut])
async def list_boards(school_id: UUID, viewer: CurrentViewer) -> list[BoardOut]:
    return await in_read_session(service.list_boards, viewer, school_id)


@router.post(
    "/schools/{school_id}/boards", status_code=status.HTTP_201_CREATED, response_model=BoardOut
)
async def create_board(
    school_id: UUID, body: BoardIn, viewer: CurrentViewer, client: ClientKey
) -> BoardOut:
    return await in_limited_write_session(
        Limit.board, client, service.create_board, viewer, school_id, body
    )


@router.get("/boards/{board_id}", response_model=BoardOut)
async def get_board(board_id: UUID, viewer: CurrentViewer) -> BoardOut:
    return await in_read_session(service.board_out, viewer, board_id)
