from enum import StrEnum


class WriteRule(StrEnum):
    MEMBERS = "members"
    MODERATORS = "moderators"

    def __str__(self) -> str:
        return str(self.value)
