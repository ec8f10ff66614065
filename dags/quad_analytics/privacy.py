"""Pseudonyms: users appear in the warehouse only as keyed hashes of their id, and each
pseudonym only where it cannot be followed from what the app shows to what it does not
(the rule and its threat model: dags/README.md, Privacy).

- user_key = hex(HMAC-SHA256(key, user id as lower-case hyphenated UUID text)): the same
  for a user forever, and set only on what the app shows with its author (signups,
  named posts and comments), so whoever links it to a person learns nothing the app does
  not show them already.
- week_key = hex(HMAC-SHA256(key, "week" | Monday of the ISO week | user id)): the same
  for a user within one week and unrelated to their key of any other week and to their
  user_key. It is set only on active_user_days rows, which carry nothing else about what
  the user did, and it lets weekly cohorts and daily active users be counted.

Without the key (Secret Manager in the cloud, generated under DATA_DIR locally) nobody
can link a pseudonym to a user id, or confirm a guess.

Event ids hash the event's type and source row the same way (domain-separated from the
pseudonyms), so they are stable across reloads and reveal no user id (a like's source
row is its post and user).
"""

from __future__ import annotations

import hmac
from datetime import date, timedelta
from functools import lru_cache


def week_start(day: date) -> date:
    """Monday of the ISO week, as DATE_TRUNC(day, ISOWEEK)."""
    return day - timedelta(days=day.weekday())


class Pseudonymizer:
    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("The pseudonym key must be at least 32 bytes")
        self._key = key
        # Users act many times a day: hash each one once per run.
        self.user_key = lru_cache(maxsize=262_144)(self._user_key)

    def _user_key(self, user_id: str) -> str:
        return hmac.digest(self._key, user_id.encode(), "sha256").hex()

    def week_key(self, day: date, user_id: str) -> str:
        """The user's pseudonym in the ISO week holding `day`."""
        message = f"week\x00{week_start(day).isoformat()}\x00{user_id}".encode()
        return hmac.digest(self._key, message, "sha256").hex()

    def event_id(self, event_type: str, source_key: str) -> str:
        message = f"event\x00{event_type}\x00{source_key}".encode()
        return hmac.digest(self._key, message, "sha256").hex()[:32]
