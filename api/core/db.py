"""The declarative base, how endpoints run their unit of work, and small column helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any, Concatenate, ParamSpec, TypeAlias, TypeVar, cast
from uuid import UUID

from sqlalchemy import CursorResult, DateTime, Executable, MetaData, Select, Table, func
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from starlette.concurrency import run_in_threadpool

from api.core.ids import new_id
from infra import database

P = ParamSpec("P")
T = TypeVar("T")

# A SELECT of any columns (SQLAlchemy types a SELECT by each of its columns).
AnySelect: TypeAlias = Select[*tuple[Any, ...]]

# Stable constraint names, so Alembic migrations can refer to them.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
        datetime: DateTime(timezone=True),
        UUID: PG_UUID(as_uuid=True),
    }


def table_of(model: type[Base]) -> Table:
    """A mapped class's Table (typed as any FROM clause by SQLAlchemy; declarative classes
    always have a Table)."""
    return cast(Table, model.__table__)


def utcnow() -> datetime:
    return datetime.now(UTC)


def id_column() -> Mapped[UUID]:
    return mapped_column(primary_key=True, default=new_id)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(default=utcnow, server_default=func.now())


async def in_session(
    work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """`work(session, *args, **kwargs)` as one unit of work (`session_scope`: committed
    on success, rolled back on any error) on one worker thread.

    Every endpoint that touches the database runs its service this way (or with
    `in_read_session`): one threadpool hop a request, where a sync endpoint with a session
    dependency cost three (open, endpoint, commit).
    """
    return await run_in_threadpool(partial(_call_in_session, work, *args, **kwargs))


async def in_read_session(
    work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """`in_session` for work that only reads: no transaction around it (`read_scope`)."""
    return await run_in_threadpool(partial(_call_in_read_session, work, *args, **kwargs))


def _call_in_session(
    work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    with database.session_scope() as session:
        return work(session, *args, **kwargs)


def _call_in_read_session(
    work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    with database.read_scope() as session:
        return work(session, *args, **kwargs)


def run_prepared(
    session: Session, statement: Executable, params: Mapping[str, Any]
) -> CursorResult[Any]:
    """A statement built once, run on the session's connection in its transaction, as Core
    runs it. `Session.execute` copies an ORM-enabled statement (one naming a mapped class)
    and handles it anew every time (its cache key, for an INSERT the ORM's bulk path),
    which cost a hot write more than the statement itself. Rows come back as values, never
    entities, and pending ORM changes are not flushed before it."""
    return session.connection().execute(statement, params)


def violated_constraint(exc: IntegrityError) -> str | None:
    """The name of the constraint or unique index a write broke (pg8000 reports it as 'n')."""
    details = exc.orig.args[0] if exc.orig is not None and exc.orig.args else None
    return details.get("n") if isinstance(details, dict) else None
