from uuid import UUID

from fastapi import APIRouter

from api.auth.access import in_limited_write_session
from api.auth.dependencies import CurrentViewer
from api.core.client import ClientKey
from api.limits.service import Limit
from api.reports import service
from api.reports.models import TargetType
from api.reports.schemas import ReportIn, ReportState

router = APIRouter(tags=["reports"])


@router.put(
    "/posts/{post_id}/report", response_model=ReportState, operation_id="reports.report_post"
)
async def report_post(
    post_id: UUID, body: ReportIn, viewer: CurrentViewer, client: ClientKey
) -> ReportState:
    """One report per user per post; repeating is a no-op. Reports cannot be withdrawn."""
    await in_limited_write_session(
        Limit.report,
        client,
        service.report,
        viewer,
        TargetType.post,
        post_id,
        body.reason,
        body.note,
    )
    return ReportState()


@router.put(
    "/comments/{comment_id}/report",
    response_model=ReportState,
    operation_id="reports.report_comment",
)
async def report_comment(
    comment_id: UUID, body: ReportIn, viewer: CurrentViewer, client: ClientKey
) -> ReportState:
    await in_limited_write_session(
        Limit.report,
        client,
        service.report,
        viewer,
        TargetType.comment,
        comment_id,
        body.reason,
        body.note,
    )
    return ReportState()
