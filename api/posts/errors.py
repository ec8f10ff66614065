"""The problems only posts raise (api/core/errors.py has the shared ones)."""

from __future__ import annotations

from api.core.errors import Conflict


class PostHidden(Conflict):
    slug, title = "post-hidden", "The post is hidden"

    def __init__(self) -> None:
        super().__init__("A hidden post can be deleted by its author, not changed or added to.")


class PostLocked(Conflict):
    slug, title = "post-locked", "The post is locked"

    def __init__(self) -> None:
        super().__init__("A moderator locked this post: it takes no new comments.")
