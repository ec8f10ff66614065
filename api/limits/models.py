from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base


class LimitCount(Base):
    """How much of one budget one subject (a user, an email, or a client address) has
    spent in the current window, which ends at `expires_at`.

    Upserted by the request that spends it (api/limits/service.py); a row past
    `expires_at` counts as empty, starts anew when spent again, and is pruned a few at a
    time by later requests. In the database so every API instance spends the same budget.
    """

    __tablename__ = "limit_counts"
    __table_args__ = (Index("ix_limit_counts_expires_at", "expires_at"),)

    policy: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject: Mapped[str] = mapped_column(String(340), primary_key=True)
    hits: Mapped[int]
    expires_at: Mapped[datetime]
