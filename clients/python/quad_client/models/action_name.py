from enum import StrEnum


class ActionName(StrEnum):
    DISMISS = "dismiss"
    HIDE = "hide"
    LOCK = "lock"
    REMOVE = "remove"
    RESTORE = "restore"
    SUSPEND_AUTHOR = "suspend_author"
    UNLOCK = "unlock"
    UNSUSPEND_AUTHOR = "unsuspend_author"

    def __str__(self) -> str:
        return str(self.value)
