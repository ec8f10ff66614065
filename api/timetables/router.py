from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.auth.dependencies import ActiveViewer, CurrentViewer, DbSession
from api.core.db import in_read_session, in_session
from api.core.schemas import json_response
from api.courses.models import SEMESTER_PATTERN
from api.timetables import service
from api.timetables.schemas import TimetableIn, TimetableOut, TimetableSummary, TimetableUpdate

router = APIRouter(tags=["timetables"])


@router.get("/v1/users/me/timetables", response_model=list[TimetableSummary])
def my_timetables(
    viewer: CurrentViewer,
    session: DbSession,
    semester: Annotated[str | None, Query(pattern=SEMESTER_PATTERN)] = None,
) -> list[TimetableSummary]:
    return service.list_mine(session, viewer, semester)


@router.post("/v1/timetables", status_code=status.HTTP_201_CREATED, response_model=TimetableOut)
def create_timetable(body: TimetableIn, viewer: ActiveViewer, session: DbSession) -> TimetableOut:
    """The first timetable of a semester becomes its primary one."""
    return service.create_timetable(session, viewer, body)


@router.get("/v1/timetables/{timetable_id}", response_model=TimetableOut)
async def get_timetable(timetable_id: UUID, viewer: CurrentViewer) -> Response:
    """Yours, or a friend's primary timetable when it is public; otherwise 404."""
    return json_response(await in_read_session(service.get_timetable, viewer, timetable_id))


@router.patch("/v1/timetables/{timetable_id}", response_model=TimetableOut)
def update_timetable(
    timetable_id: UUID, body: TimetableUpdate, viewer: ActiveViewer, session: DbSession
) -> TimetableOut:
    return service.update_timetable(session, viewer, timetable_id, body)


@router.delete("/v1/timetables/{timetable_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_timetable(timetable_id: UUID, viewer: ActiveViewer, session: DbSession) -> None:
    service.delete_timetable(session, viewer, timetable_id)


@router.put("/v1/timetables/{timetable_id}/courses/{course_id}", response_model=TimetableOut)
async def add_course(timetable_id: UUID, course_id: UUID, viewer: CurrentViewer) -> Response:
    """409 naming the clashing course when meetings overlap; adding twice is a no-op.
    (The service checks the account as `ActiveViewer` does, in its first statement.)"""
    return json_response(await in_session(service.add_course, viewer, timetable_id, course_id))


@router.delete(
    "/v1/timetables/{timetable_id}/courses/{course_id}", status_code=status.HTTP_204_NO_CONTENT
)
def remove_course(
    timetable_id: UUID, course_id: UUID, viewer: ActiveViewer, session: DbSession
) -> None:
    service.remove_course(session, viewer, timetable_id, course_id)


@router.get("/v1/users/{user_id}/timetable", response_model=TimetableOut)
async def friends_timetable(
    user_id: UUID,
    viewer: CurrentViewer,
    semester: Annotated[str, Query(pattern=SEMESTER_PATTERN)],
) -> Response:
    """A friend's primary timetable for the semester, when they made it public."""
    return json_response(await in_read_session(service.get_primary, viewer, user_id, semester))
