"""Budgets per user and per client address, shared by every API instance (PostgreSQL).

Each budget is a fixed window counter in `limit_counts`, spent by one statement: an
upsert per subject (the user, the address) that starts the window anew once it has
ended, returns the counts, and prunes a few expired rows on the way. Two kinds:

- write budgets (post, comment, ...) are spent by `in_limited_write_session`
  (api/auth/access.py) as the last statement of the write's own transaction: a write
  that fails or is refused rolls its spending back with it, and the counter rows stay
  locked only until the commit, so writes from one busy address (a campus NAT) queue on
  them for a moment rather than for whole transactions. (Not folded into the writer
  check, which must come first: the write's work assumes an account that exists.)
- attempt budgets (signup, login, verification, resend, password reset and change, email
  change and its codes) count every attempt, including the ones that then fail:
  `spend_attempt` commits the count on its own, before the attempt's work (and before any
  password hashing).

An attempt over budget is refused with 429 (`RateLimited`) and counts nothing more: its
spending rolls back with the refusal, and the subjects already at their quota stay there.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from uuid import UUID

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from api.limits.errors import RateLimited
from infra.settings import Settings, get_settings

# Expired rows deleted by each spending statement: more than the two it can add, so the
# table shrinks back however fast it grew.
PRUNE_BATCH = 4


class Limit(StrEnum):
    """An action with budgets; its settings are LIMIT_<NAME>_PER_USER, _PER_ADDRESS and
    _WINDOW_SECONDS (infra/settings.py)."""

    signup = "signup"
    login = "login"
    verify = "verify"
    resend = "resend"
    password_reset = "password_reset"
    password_change = "password_change"
    email_change = "email_change"
    email_change_confirm = "email_change_confirm"
    post = "post"
    comment = "comment"
    report = "report"
    board = "board"
    upload = "upload"
    friend_request = "friend_request"
    follow = "follow"


@dataclass(frozen=True)
class Budget:
    name: str  # the policy's name in the RateLimit fields, e.g. "comment-user"
    quota: int
    window: int


def budgets(limit: Limit, settings: Settings) -> tuple[Budget | None, Budget]:
    """The action's per-user budget (None for signup and login, which have no user yet:
    login failures per email are api/auth/throttle.py's) and per-address budget."""
    window = getattr(settings, f"limit_{limit}_window_seconds")
    per_user = getattr(settings, f"limit_{limit}_per_user", None)
    per_address = getattr(settings, f"limit_{limit}_per_address")
    name = limit.replace("_", "-")
    user = Budget(f"{name}-user", per_user, window) if per_user is not None else None
    return user, Budget(f"{name}-address", per_address, window)


def spend(
    session: Session,
    limit: Limit,
    *,
    address: str,
    user: UUID | str | None = None,
) -> None:
    """Spend one of `limit` for `user` (if the action has a per-user budget) and the client
    `address` (`api.core.client.ClientKey`), in the session's transaction: one statement.
    Raises `RateLimited` over budget; the caller's transaction must then roll back (every
    unit of work does on an exception)."""
    user_budget, address_budget = budgets(limit, get_settings())
    subjects = [(f"a:{address}", address_budget)]
    if user_budget is not None:
        if user is None:
            raise TypeError(f"the {limit} budget is per user: give `user`")
        subjects.insert(0, (f"u:{user}", user_budget))
    params: dict[str, object] = {"policy": str(limit), "window": address_budget.window}
    for i, (subject, _) in enumerate(subjects):
        params[f"s{i}"] = subject
    rows = session.execute(_statement(len(subjects)), params).all()
    spent = {row.subject: (row.hits, row.reset) for row in rows}
    states, over = [], []
    for subject, budget in subjects:
        hits, reset = spent[subject]
        reset = max(1, reset)
        # This attempt is not counted when refused: hits - 1 were spent before it.
        states.append(
            (budget.name, budget.quota, budget.window, max(0, budget.quota - hits + 1), reset)
        )
        if hits > budget.quota:
            over.append((reset, budget.name))
    if over:
        retry_after, name = max(over)
        raise RateLimited(name, retry_after, states)


def spend_attempt(
    session: Session, limit: Limit, *, address: str, user: UUID | str | None = None
) -> None:
    """`spend`, committed at once: an attempt counts whatever then happens to it. Call it
    first in the attempt's unit of work (it commits whatever the session holds)."""
    spend(session, limit, address=address, user=user)
    session.commit()


@cache
def _statement(subjects: int) -> TextClause:
    """The spending statement for that many subjects. The upsert locks its rows in the
    order given, the user's before the address's, and is the only part that waits: the
    prune takes only rows nobody holds (SKIP LOCKED), and PostgreSQL runs a WITH
    statement the query does not read after the query, so it locks nothing before the
    upsert has its rows. Two spenders therefore never wait on each other in a cycle."""
    names = ", ".join(f":s{i}" for i in range(subjects))
    values = ", ".join(
        f"(:policy, :s{i}, 1, now() + :window * interval '1 second')" for i in range(subjects)
    )
    return text(
        f"""WITH pruned AS (
    DELETE FROM limit_counts WHERE (policy, subject) IN (
        SELECT policy, subject FROM limit_counts
        WHERE expires_at <= now() AND NOT (policy = :policy AND subject IN ({names}))
        LIMIT {PRUNE_BATCH} FOR UPDATE SKIP LOCKED)
), spent AS (
    INSERT INTO limit_counts AS c (policy, subject, hits, expires_at) VALUES {values}
    ON CONFLICT (policy, subject) DO UPDATE SET
        hits = CASE WHEN c.expires_at <= now() THEN 1 ELSE c.hits + 1 END,
        expires_at = CASE WHEN c.expires_at <= now() THEN excluded.expires_at
                          ELSE c.expires_at END
    RETURNING c.subject, c.hits, c.expires_at
)
SELECT subject, hits, ceil(extract(epoch FROM expires_at - now()))::int AS reset
FROM spent"""
    )
