"""Public ids are UUIDv7: time-ordered (index-friendly) and not guessable."""

from uuid import UUID

from uuid_utils.compat import uuid7


def new_id() -> UUID:
    return uuid7()
