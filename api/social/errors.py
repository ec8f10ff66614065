"""The problems only the social domain raises (api/core/errors.py has the shared ones)."""

from __future__ import annotations

from api.core.errors import Conflict, InvalidInput


class CannotBlockSelf(InvalidInput):
    slug, title = "cannot-block-self", "You cannot block yourself"

    def __init__(self) -> None:
        super().__init__("That is you: you cannot block yourself.")


class TooManyBlocks(Conflict):
    slug, title = "too-many-blocks", "You have blocked as many as you can"

    def __init__(self, most: int) -> None:
        super().__init__(f"You can keep at most {most} blocks: remove one first.")


class YouBlocked(Conflict):
    """Only the blocker ever gets this: it tells them of their own block."""

    slug, title = "you-blocked-this-user", "You blocked this user"

    def __init__(self) -> None:
        super().__init__("You blocked this user: unblock them first.")
