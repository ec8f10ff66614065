"""The problems only boards raise (api/core/errors.py has the shared ones)."""

from __future__ import annotations

from api.core.errors import Conflict, Forbidden, InvalidInput


class BoardReadOnly(Forbidden):
    slug, title = "board-read-only", "Only the board's moderators write here"

    def __init__(self) -> None:
        super().__init__("This board is read-only for members: its moderators write here.")


class AnonymousOnly(InvalidInput):
    slug, title = "board-anonymous-only", "This board takes anonymous writing only"

    def __init__(self) -> None:
        super().__init__("Write anonymously on this board.", field="anonymous")


class NamedOnly(InvalidInput):
    slug, title = "board-named-only", "This board takes named writing only"

    def __init__(self) -> None:
        super().__init__("Write under your nickname on this board.", field="anonymous")


class BoardNotEmpty(Conflict):
    slug, title = "board-not-empty", "The board has posts"

    def __init__(self) -> None:
        super().__init__("Only an empty board can be deleted.")


class BoardCreationClosed(Forbidden):
    slug, title = "board-creation-closed", "Members cannot create boards in this school"

    def __init__(self) -> None:
        super().__init__("This school's boards are created by its operators.")
