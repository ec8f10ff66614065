"""The budgets' problem: 429 with Retry-After and the RateLimit fields."""

from __future__ import annotations

from api.core.errors import TooManyRequests


class RateLimited(TooManyRequests):
    """Over a budget: nothing was done or written. `RateLimit-Policy` and `RateLimit` as
    draft-ietf-httpapi-ratelimit-headers-12 (November 2026) defines them: Structured Field
    lists of quoted policy names with parameters, q (quota) and w (window, seconds) for the
    policy, r (remaining) and t (seconds until it resets) for the current state."""

    slug, title = "rate-limited", "Too many requests; try again later"

    def __init__(self, policy: str, retry_after: int, states: list[tuple[str, int, int, int, int]]):
        """`states`: (name, quota, window, remaining, reset) of each of the action's budgets."""
        super().__init__(
            f"Over the {policy} budget. Try again in {retry_after} seconds.", retry_after
        )
        self.headers["RateLimit-Policy"] = ", ".join(
            f'"{name}";q={quota};w={window}' for name, quota, window, _, _ in states
        )
        self.headers["RateLimit"] = ", ".join(
            f'"{name}";r={remaining};t={reset}' for name, _, _, remaining, reset in states
        )
