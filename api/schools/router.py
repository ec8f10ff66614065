from uuid import UUID

from fastapi import APIRouter

from api.core.db import in_read_session
from api.schools import service
from api.schools.schemas import SchoolDetail, SchoolOut

router = APIRouter(prefix="/schools", tags=["schools"])


@router.get("", response_model=list[SchoolOut], operation_id="schools.list")
async def list_schools() -> list[SchoolOut]:
    """Public: the signup form needs it."""
    return await in_read_session(service.list_schools)


@router.get("/{school_id}", response_model=SchoolDetail, operation_id="schools.get")
async def get_school(school_id: UUID) -> SchoolDetail:
    return await in_read_session(service.get_school, school_id)
