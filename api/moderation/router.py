from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response
from fastapi import status as http

from api.auth.access import in_account_session, in_write_session
from api.auth.dependencies import CurrentViewer
from api.core.db import in_read_session
from api.core.pagination import DEFAULT_LIMIT, CursorParam, LimitParam, Page
from api.core.schemas import NO_CONTENT, json_response
from api.moderation import service
from api.moderation.schemas import (
    ActionIn,
    ActionResult,
    AppealDecisionIn,
    AppealEntry,
    AppealIn,
    AppealOut,
    AppealState,
    AuditEntry,
    LogEntry,
    ModeratorOut,
    MyDecision,
    QueueEntry,
    QueueStatus,
)

router = APIRouter(prefix="/moderation", tags=["moderation"])

SchoolParam = Annotated[UUID, Query(description="The school")]


@router.get(
    "/schools/{school_id}/moderators",
    response_model=list[ModeratorOut],
    operation_id="moderation.list_moderators",
)
async def list_moderators(school_id: UUID, viewer: CurrentViewer) -> list[ModeratorOut]:
    """The school's moderators, for its moderators and the administrators."""
    return await in_read_session(service.list_moderators, viewer, school_id)


@router.put(
    "/schools/{school_id}/moderators/{user_id}",
    **NO_CONTENT,
    operation_id="moderation.grant_moderator",
)
async def grant_moderator(school_id: UUID, user_id: UUID, viewer: CurrentViewer) -> None:
    """An administrator makes a member of the school its moderator (a no-op if they are
    one); 422 `…:not-a-member` for an account of another school."""
    await in_write_session(service.grant_moderator, viewer, school_id, user_id)


@router.delete(
    "/schools/{school_id}/moderators/{user_id}",
    **NO_CONTENT,
    operation_id="moderation.revoke_moderator",
)
async def revoke_moderator(school_id: UUID, user_id: UUID, viewer: CurrentViewer) -> None:
    """An administrator ends the role; it stops at once (roles are read at each request)."""
    await in_write_session(service.revoke_moderator, viewer, school_id, user_id)


@router.post("/actions", response_model=ActionResult, operation_id="moderation.act")
async def act(body: ActionIn, viewer: CurrentViewer) -> ActionResult:
    """One decision on a post or comment, or on its author (`suspend_author`,
    `unsuspend_author`), logged with its reason. A decision that holds already changes
    and logs nothing (`changed: false`). Board owners may hide, restore, dismiss, lock and
    unlock on their board (403 `…:board-owner-cannot` otherwise); the school's other
    members 403 `…:moderator-only`; anyone else 404."""
    return await in_write_session(service.act, viewer, body)


@router.get("/log", response_model=Page[LogEntry], operation_id="moderation.list_log")
async def moderation_log(
    school_id: SchoolParam,
    viewer: CurrentViewer,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """The school's decisions, newest first, for its moderators. It never names whose
    content a decision was about."""
    page = await in_read_session(service.school_log, viewer, school_id, cursor, limit)
    return json_response(page)


@router.get("/audit", response_model=Page[AuditEntry], operation_id="moderation.list_audit")
async def audit(
    viewer: CurrentViewer,
    school_id: Annotated[UUID | None, Query()] = None,
    subject_id: Annotated[UUID | None, Query(description="The content's author")] = None,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """Every decision with the accounts it names, newest first: administrators only."""
    page = await in_read_session(service.audit, viewer, school_id, subject_id, cursor, limit)
    return json_response(page)


@router.get("/reports", response_model=Page[QueueEntry], operation_id="moderation.list_reports")
async def report_queue(
    school_id: SchoolParam,
    viewer: CurrentViewer,
    status: QueueStatus = QueueStatus.open,
    board_id: Annotated[UUID | None, Query()] = None,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """The queue: one entry per reported post or comment, first reported first, with its
    content (hidden too), reports by reason, the reporters' notes and the author's history
    as counts. `open`: reported since the last decision by a person."""
    page = await in_read_session(service.queue, viewer, school_id, status, board_id, cursor, limit)
    return json_response(page)


@router.post(
    "/actions/{action_id}/appeal",
    status_code=http.HTTP_201_CREATED,
    response_model=AppealOut,
    operation_id="moderation.appeal",
)
async def appeal(action_id: UUID, body: AppealIn, viewer: CurrentViewer) -> AppealOut:
    """The author of the content appeals a hide, removal, lock or suspension, once (409
    `…:already-appealed`); the appeal waits for the school's moderators. A suspended
    account may appeal (its only write)."""
    return await in_account_session(service.appeal, viewer, action_id, body)


@router.get("/mine", response_model=Page[MyDecision], operation_id="moderation.list_mine")
async def my_decisions(
    viewer: CurrentViewer, cursor: CursorParam = None, limit: LimitParam = DEFAULT_LIMIT
) -> Response:
    """Decisions on the caller's own content, newest first, with their appeals (the ids
    to appeal with)."""
    return json_response(await in_read_session(service.my_decisions, viewer, cursor, limit))


@router.get("/appeals", response_model=Page[AppealEntry], operation_id="moderation.list_appeals")
async def list_appeals(
    school_id: SchoolParam,
    viewer: CurrentViewer,
    state: AppealState = AppealState.open,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """The school's appeals, oldest first, for its moderators."""
    page = await in_read_session(service.list_appeals, viewer, school_id, state, cursor, limit)
    return json_response(page)


@router.post(
    "/appeals/{appeal_id}/decision",
    response_model=AppealEntry,
    operation_id="moderation.decide_appeal",
)
async def decide_appeal(
    appeal_id: UUID, body: AppealDecisionIn, viewer: CurrentViewer
) -> AppealEntry:
    """Uphold or overturn (undo: restore, unlock, unsuspend; a removal stays), once (409
    `…:appeal-decided`)."""
    return await in_write_session(service.decide_appeal, viewer, appeal_id, body)
