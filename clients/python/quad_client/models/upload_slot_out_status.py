from enum import StrEnum


class UploadSlotOutStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    REJECTED = "rejected"

    def __str__(self) -> str:
        return str(self.value)
