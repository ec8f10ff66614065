"""Pseudonyms: users appear in the warehouse only as a keyed hash of their id.

user_key = hex(HMAC-SHA256(key, user id as lower-case hyphenated UUID text)). Without the
key (Secret Manager in the cloud, generated under DATA_DIR locally) nobody can link a
pseudonym to a user, or confirm a guess; with the same key the same user always gets the
same pseudonym, so analysts can count and follow users over time.

Event ids hash the event's type and source row the same way (domain-separated from user
keys), so they are stable across reloads and reveal no user id (a like's source row is
its post and user).
"""

from __future__ import annotations

import hmac
from functools import lru_cache


class Pseudonymizer:
    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("The pseudonym key must be at least 32 bytes")
        self._key = key
        # Users act many times a day: hash each one once per run.
        self.user_key = lru_cache(maxsize=262_144)(self._user_key)

    def _user_key(self, user_id: str) -> str:
        return hmac.digest(self._key, user_id.encode(), "sha256").hex()

    def event_id(self, event_type: str, source_key: str) -> str:
        message = f"event\x00{event_type}\x00{source_key}".encode()
        return hmac.digest(self._key, message, "sha256").hex()[:32]
