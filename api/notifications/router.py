from uuid import UUID

from fastapi import APIRouter

from api.auth.dependencies import ActiveViewer, CurrentViewer, DbSession
from api.core.pagination import DEFAULT_LIMIT, CursorParam, LimitParam, Page
from api.notifications import service
from api.notifications.schemas import NotificationOut, ReadAllOut

router = APIRouter(prefix="/v1/notifications", tags=["notifications"])


@router.get("", response_model=Page[NotificationOut])
def list_notifications(
    viewer: CurrentViewer,
    session: DbSession,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[NotificationOut]:
    """Unread first, then newest first."""
    return service.list_notifications(session, viewer, cursor, limit)


@router.post("/{notification_id}/read", response_model=NotificationOut)
def mark_read(notification_id: UUID, viewer: ActiveViewer, session: DbSession) -> NotificationOut:
    return service.mark_read(session, viewer, notification_id)


@router.post("/read-all", response_model=ReadAllOut)
def mark_all_read(viewer: ActiveViewer, session: DbSession) -> ReadAllOut:
    return service.mark_all_read(session, viewer)
