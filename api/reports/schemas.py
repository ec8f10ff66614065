from pydantic import ConfigDict, Field

from api.core.schemas import InputModel, OutputModel
from api.reports.models import ReportReason


class ReportIn(InputModel):
    reason: ReportReason
    # What the reporter wants the moderators to know (the queue shows it).
    note: str | None = Field(None, max_length=500)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"reason": "spam", "note": "같은 과외 홍보글을 오늘만 다섯 번째 올리고 있어요."},
                {
                    "reason": "privacy",
                    "note": "The post shows another student's phone number and student ID.",
                },
                {"reason": "abuse"},
            ]
        }
    )


class ReportState(OutputModel):
    reported: bool = True
