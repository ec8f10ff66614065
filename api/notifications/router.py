from uuid import UUID

from fastapi import APIRouter

from api.auth.access import in_write_session
from api.auth.dependencies import CurrentViewer
from api.core.db import in_read_session
from api.core.pagination import DEFAULT_LIMIT, CursorParam, LimitParam, Page
from api.notifications import service
from api.notifications.schemas import NotificationOut, ReadAllOut

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get("", response_model=Page[NotificationOut], operation_id="notifications.list")
async def list_notifications(
    viewer: CurrentViewer,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[NotificationOut]:
    """Unread first, then newest first."""
    return await in_read_session(service.list_notifications, viewer, cursor, limit)


@router.post(
    "/{notification_id}/read",
    response_model=NotificationOut,
    operation_id="notifications.mark_read",
)
async def mark_read(notification_id: UUID, viewer: CurrentViewer) -> NotificationOut:
    return await in_write_session(service.mark_read, viewer, notification_id)


@router.post("/read-all", response_model=ReadAllOut, operation_id="notifications.mark_all_read")
async def mark_all_read(viewer: CurrentViewer) -> ReadAllOut:
    return await in_write_session(service.mark_all_read, viewer)
