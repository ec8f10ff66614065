"""Who is calling, as every domain sees it (the auth domain makes one from a token)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is calling: taken from the access token alone, so reads need no user query."""

    id: UUID
    school_id: UUID
    # False until the account verified its email: then it may only read itself, verify
    # and leave (api/auth/dependencies.py, api/auth/access.py).
    verified: bool = True
    # The session (refresh-token family) the token was minted for; None for tokens minted
    # before sessions were named, which the write check then treats as not revoked.
    session_id: UUID | None = None
