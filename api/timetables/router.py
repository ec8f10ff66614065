from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.auth.access import in_write_session
from api.auth.dependencies import CurrentViewer
from api.core.db import in_read_session
from api.core.schemas import NO_CONTENT, json_response
from api.courses.models import SEMESTER_PATTERN
from api.timetables import service
from api.timetables.schemas import TimetableIn, TimetableOut, TimetableSummary, TimetableUpdate

router = APIRouter(tags=["timetables"])


@router.get(
    "/users/me/timetables",
    response_model=list[TimetableSummary],
    operation_id="timetables.list_mine",
)
async def my_timetables(
    viewer: CurrentViewer,
    semester: Annotated[str | None, Query(pattern=SEMESTER_PATTERN)] = None,
) -> list[TimetableSummary]:
    return await in_read_session(service.list_mine, viewer, semester)


@router.post(
    "/timetables",
    status_code=status.HTTP_201_CREATED,
    response_model=TimetableOut,
    operation_id="timetables.create",
)
async def create_timetable(body: TimetableIn, viewer: CurrentViewer) -> TimetableOut:
    """The first timetable of a semester becomes its primary one."""
    return await in_write_session(service.create_timetable, viewer, body)


@router.get(
    "/timetables/{timetable_id}", response_model=TimetableOut, operation_id="timetables.get"
)
async def get_timetable(timetable_id: UUID, viewer: CurrentViewer) -> Response:
    """Yours, or a friend's primary timetable when it is public; otherwise 404."""
    return json_response(await in_read_session(service.get_timetable, viewer, timetable_id))


@router.patch(
    "/timetables/{timetable_id}", response_model=TimetableOut, operation_id="timetables.update"
)
async def update_timetable(
    timetable_id: UUID, body: TimetableUpdate, viewer: CurrentViewer
) -> TimetableOut:
    return await in_write_session(service.update_timetable, viewer, timetable_id, body)


@router.delete("/timetables/{timetable_id}", **NO_CONTENT, operation_id="timetables.delete")
async def delete_timetable(timetable_id: UUID, viewer: CurrentViewer) -> None:
    await in_write_session(service.delete_timetable, viewer, timetable_id)


@router.put(
    "/timetables/{timetable_id}/courses/{course_id}",
    response_model=TimetableOut,
    operation_id="timetables.add_course",
)
async def add_course(timetable_id: UUID, course_id: UUID, viewer: CurrentViewer) -> Response:
    """409 naming the clashing course when meetings overlap; adding twice is a no-op."""
    view = await in_write_session(service.add_course, viewer, timetable_id, course_id)
    return json_response(view)


@router.delete(
    "/timetables/{timetable_id}/courses/{course_id}",
    **NO_CONTENT,
    operation_id="timetables.remove_course",
)
async def remove_course(timetable_id: UUID, course_id: UUID, viewer: CurrentViewer) -> None:
    await in_write_session(service.remove_course, viewer, timetable_id, course_id)


@router.get(
    "/users/{user_id}/timetable", response_model=TimetableOut, operation_id="timetables.get_public"
)
async def friends_timetable(
    user_id: UUID,
    viewer: CurrentViewer,
    semester: Annotated[str, Query(pattern=SEMESTER_PATTERN)],
) -> Response:
    """A friend's primary timetable for the semester, when they made it public."""
    return json_response(await in_read_session(service.get_primary, viewer, user_id, semester))
