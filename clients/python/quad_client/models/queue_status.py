from enum import StrEnum


class QueueStatus(StrEnum):
    ACTIONED = "actioned"
    DISMISSED = "dismissed"
    OPEN = "open"

    def __str__(self) -> str:
        return str(self.value)
