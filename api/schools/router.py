from uuid import UUID

from fastapi import APIRouter

from api.auth.dependencies import DbSession
from api.schools import service
from api.schools.schemas import SchoolDetail, SchoolOut

router = APIRouter(prefix="/v1/schools", tags=["schools"])


@router.get("", response_model=list[SchoolOut])
def list_schools(session: DbSession) -> list[SchoolOut]:
    """Public: the signup form needs it."""
    return service.list_schools(session)


@router.get("/{school_id}", response_model=SchoolDetail)
def get_school(school_id: UUID, session: DbSession) -> SchoolDetail:
    return service.get_school(session, school_id)
