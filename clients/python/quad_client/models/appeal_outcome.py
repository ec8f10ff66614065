from enum import StrEnum


class AppealOutcome(StrEnum):
    OVERTURNED = "overturned"
    UPHELD = "upheld"

    def __str__(self) -> str:
        return str(self.value)
