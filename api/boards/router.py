from uuid import UUID

from fastapi import APIRouter, status

from api.auth.dependencies import ActiveViewer, CurrentViewer, DbSession
from api.boards import service
from api.boards.schemas import BoardIn, BoardOut

router = APIRouter(tags=["boards"])


@router.get("/v1/schools/{school_id}/boards", response_model=list[BoardOut])
def list_boards(school_id: UUID, viewer: CurrentViewer, session: DbSession) -> list[BoardOut]:
    return service.list_boards(session, viewer, school_id)


@router.post(
    "/v1/schools/{school_id}/boards", status_code=status.HTTP_201_CREATED, response_model=BoardOut
)
def create_board(
    school_id: UUID, body: BoardIn, viewer: ActiveViewer, session: DbSession
) -> BoardOut:
    return service.create_board(session, viewer, school_id, body)


@router.get("/v1/boards/{board_id}", response_model=BoardOut)
def get_board(board_id: UUID, viewer: CurrentViewer, session: DbSession) -> BoardOut:
    return BoardOut.model_validate(service.get_board(session, viewer, board_id))
