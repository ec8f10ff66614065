from enum import StrEnum


class NameRule(StrEnum):
    ANONYMOUS = "anonymous"
    EITHER = "either"
    NAMED = "named"

    def __str__(self) -> str:
        return str(self.value)
