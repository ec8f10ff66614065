from api.core.schemas import InputModel, OutputModel
from api.reports.models import ReportReason


class ReportIn(InputModel):
    reason: ReportReason


class ReportState(OutputModel):
    reported: bool = True
