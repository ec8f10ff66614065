from pydantic import Field

from api.core.schemas import InputModel, OutputModel
from api.reports.models import ReportReason


class ReportIn(InputModel):
    reason: ReportReason
    # What the reporter wants the moderators to know (the queue shows it).
    note: str | None = Field(None, max_length=500)


class ReportState(OutputModel):
    reported: bool = True
