from enum import StrEnum


class ReportReason(StrEnum):
    ABUSE = "abuse"
    HATE = "hate"
    ILLEGAL = "illegal"
    MISINFORMATION = "misinformation"
    OTHER = "other"
    PRIVACY = "privacy"
    SEXUAL = "sexual"
    SPAM = "spam"

    def __str__(self) -> str:
        return str(self.value)
