"""The problems of retried writes (api/idempotency/service.py)."""

from __future__ import annotations

from api.core.errors import Conflict, InvalidInput


class IdempotencyKeyReused(InvalidInput):
    slug, title = "idempotency-key-reused", "The Idempotency-Key was used for another request"


class IdempotencyKeyInFlight(Conflict):
    slug, title = "idempotency-key-in-flight", "A request with this Idempotency-Key is in progress"
