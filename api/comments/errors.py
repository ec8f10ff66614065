"""The problems only comments raise (api/core/errors.py has the shared ones)."""

from __future__ import annotations

from api.core.errors import Conflict


class CommentHidden(Conflict):
    slug, title = "comment-hidden", "The comment is hidden"

    def __init__(self) -> None:
        super().__init__("A hidden comment can be deleted by its author, not changed.")
