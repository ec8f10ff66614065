from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from api.auth.access import in_write_session
from api.auth.dependencies import CurrentViewer
from api.core.db import in_read_session
from api.core.pagination import DEFAULT_LIMIT, CursorParam, LimitParam, Page
from api.core.schemas import NO_CONTENT, json_response
from api.courses import service
from api.courses.models import SEMESTER_PATTERN
from api.courses.schemas import CourseOut, ProfessorOut, ReviewIn, ReviewOut

router = APIRouter(tags=["courses"])

Semester = Annotated[str, Query(pattern=SEMESTER_PATTERN, description="e.g. 2026-2")]


@router.get(
    "/schools/{school_id}/courses", response_model=Page[CourseOut], operation_id="courses.search"
)
async def search_courses(
    school_id: UUID,
    semester: Semester,
    viewer: CurrentViewer,
    q: Annotated[
        str | None,
        Query(min_length=2, max_length=100, description="Words in the code, name or professor"),
    ] = None,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """The school's catalog for a semester, by course code; `q` narrows it down
    (case-insensitive, also inside words)."""
    page = await in_read_session(service.search_catalog, school_id, semester, q, cursor, limit)
    return json_response(page)


@router.get("/courses/{course_id}", response_model=CourseOut, operation_id="courses.get")
async def get_course(course_id: UUID, viewer: CurrentViewer) -> CourseOut:
    return await in_read_session(service.get_course, course_id)


@router.get(
    "/professors/{professor_id}", response_model=ProfessorOut, operation_id="courses.get_professor"
)
async def get_professor(
    professor_id: UUID,
    viewer: CurrentViewer,
    semester: Annotated[str | None, Query(pattern=SEMESTER_PATTERN)] = None,
) -> ProfessorOut:
    """A professor and the courses they teach (in one semester, or all)."""
    return await in_read_session(service.get_professor, professor_id, semester)


@router.put(
    "/courses/{course_id}/review", response_model=ReviewOut, operation_id="courses.set_review"
)
async def put_review(course_id: UUID, body: ReviewIn, viewer: CurrentViewer) -> ReviewOut:
    """Create or replace your review (one per course). Members of the school only."""
    return await in_write_session(service.put_review, viewer, course_id, body)


@router.delete("/courses/{course_id}/review", **NO_CONTENT, operation_id="courses.delete_review")
async def delete_review(course_id: UUID, viewer: CurrentViewer) -> None:
    await in_write_session(service.delete_review, viewer, course_id)


@router.get(
    "/courses/{course_id}/reviews",
    response_model=Page[ReviewOut],
    operation_id="courses.list_reviews",
)
async def list_reviews(
    course_id: UUID,
    viewer: CurrentViewer,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[ReviewOut]:
    """Newest first. Members of the course's school only."""
    return await in_read_session(service.list_reviews, viewer, course_id, cursor, limit)
