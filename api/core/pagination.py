"""Opaque keyset cursors: `(created_at, id)` of the last row, base64url-encoded.

Keyset pagination has no gaps or duplicates when rows are inserted while a client pages,
and a deep page costs the same as the first.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Integer, bindparam, literal, tuple_
from sqlalchemy.orm import Session

from api.core.db import AnySelect, run_prepared
from api.core.errors import InvalidCursor
from api.core.schemas import is_storable_text

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 50

# Our cursors are well under this; a longer one is not ours.
MAX_CURSOR_LENGTH = 200

CursorParam = Annotated[
    str | None,
    Query(max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the previous page"),
]
LimitParam = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` to get the next page; null on the last page"
    )


def encode_key(*values: bool | datetime | str | UUID) -> str:
    """An opaque cursor holding a row's sort key (any mix of bool, datetime, str, UUID)."""
    parts = [
        v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, UUID) else v
        for v in values
    ]
    raw = json.dumps(parts, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_key(cursor: str, *types: type) -> tuple[Any, ...]:
    """The sort key a cursor holds, each part checked against `types`; 422 for anything
    that is not one of ours.

    A cursor comes from the client, so every part is checked to be a value the driver can
    send as it is: a timestamp that does not convert to UTC, a string PostgreSQL cannot
    hold, or a part of the wrong type must fail here, not half-way through a statement.
    """
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidCursor()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        parts = json.loads(base64.b64decode(padded, altchars=b"-_", validate=True))
        if not isinstance(parts, list) or len(parts) != len(types):
            raise InvalidCursor()
        return tuple(_key_part(part, type_) for part, type_ in zip(parts, types, strict=True))
    except (ValueError, TypeError, OverflowError, RecursionError, binascii.Error) as exc:
        # ValueError covers malformed JSON, UTF-8, dates and UUIDs.
        raise InvalidCursor() from exc


def _key_part(part: Any, type_: type) -> Any:
    if type_ is bool:
        if not isinstance(part, bool):
            raise InvalidCursor()
        return part
    if not isinstance(part, str) or not is_storable_text(part):
        raise InvalidCursor()
    if type_ is datetime:
        value = datetime.fromisoformat(part)
        if value.tzinfo is None:
            raise InvalidCursor()
        # The driver sends timestamps in UTC: one whose offset takes it past year 1 or
        # 9999 must be refused here (OverflowError), not in the middle of a statement.
        return value.astimezone(UTC)
    if type_ is UUID:
        return UUID(part)
    if type_ is str:
        return part
    raise TypeError(f"no cursor part of type {type_!r}")


def encode_cursor(sort_value: datetime | str, row_id: UUID) -> str:
    return encode_key(sort_value, row_id)


def decode_cursor(
    cursor: str | None, sort_type: type[datetime] | type[str] = datetime
) -> tuple[Any, UUID] | None:
    """The (sort value, id) a cursor holds; 422 for anything that is not one of ours."""
    if cursor is None:
        return None
    sort_value, row_id = decode_key(cursor, sort_type, UUID)
    return sort_value, row_id


def page_limit(limit: int) -> ColumnElement[int]:
    """LIMIT for a page: its `limit` rows and one more (is there a next page?), written into
    the SQL. PostgreSQL costs a LIMIT it cannot see as a tenth of the rows, so a generic
    plan of the page would never be chosen (plan_cache_mode in infra.database) and every
    page would be planned anew."""
    return literal(limit + 1, Integer, literal_execute=True)


def keyset_page(
    session: Session,
    stmt: AnySelect,
    sort_col: Any,
    id_col: Any,
    cursor: str | None,
    limit: int,
    newest_first: bool = True,
    sort_type: type[datetime] | type[str] = datetime,
    cursor_of: Callable[[Any], tuple[Any, UUID]] | None = None,
) -> tuple[Sequence[Any], str | None]:
    """Run `stmt` for one page ordered by (sort_col, id_col); one SQL statement.

    `newest_first` orders descending; otherwise ascending (e.g. by course code).
    `cursor_of` reads (sort, id) from a row whose columns already include them; without
    it both are selected again (a hot page saves parsing 20 timestamps and ids twice).
    """
    if cursor_of is None:
        stmt = stmt.add_columns(sort_col.label("cursor_sort"), id_col.label("cursor_id"))
        cursor_of = _added_cursor_columns
    statements = keyset_statements(stmt, sort_col, id_col, newest_first, sort_type)
    # Through the session: these statements may select entities.
    rows = session.execute(*_bound(statements, {}, cursor, limit)).all()
    return _cut(rows, limit, cursor_of)


def _added_cursor_columns(row: Any) -> tuple[Any, UUID]:
    return row.cursor_sort, row.cursor_id


@dataclass(frozen=True, slots=True)
class KeysetStatements:
    """A page's statement built once (cache it), for the first page and for a page after
    a cursor; what varies is bound when it runs (`run_keyset`). Building a statement and
    its cache key anew costs a hot read more CPU than running it through the driver."""

    first: AnySelect
    after: AnySelect
    sort_type: type[datetime] | type[str] = datetime


def keyset_statements(
    stmt: AnySelect,
    sort_col: Any,
    id_col: Any,
    newest_first: bool = True,
    sort_type: type[datetime] | type[str] = datetime,
) -> KeysetStatements:
    """`keyset_page`'s statements for `stmt` ordered by (sort_col, id_col), with the
    cursor's key as the parameters `after_sort` and `after_id` and the LIMIT as
    `page_limit` (written into the SQL when it runs, as `page_limit()` explains)."""
    key = tuple_(sort_col, id_col)
    cursor = tuple_(
        bindparam("after_sort", type_=sort_col.type), bindparam("after_id", type_=id_col.type)
    )
    order = (sort_col.desc(), id_col.desc()) if newest_first else (sort_col, id_col)
    limit = bindparam("page_limit", type_=Integer, literal_execute=True)
    after = stmt.where(key < cursor if newest_first else key > cursor)
    return KeysetStatements(
        stmt.order_by(*order).limit(limit), after.order_by(*order).limit(limit), sort_type
    )


def run_keyset(
    session: Session,
    statements: KeysetStatements,
    params: Mapping[str, Any],
    cursor: str | None,
    limit: int,
    cursor_of: Callable[[Any], tuple[Any, UUID]],
) -> tuple[Sequence[Any], str | None]:
    """One page of prepared `statements` with `params`: `keyset_page` without building
    anything; `cursor_of` reads (sort, id) from a row. Rows are values (`run_prepared`)."""
    rows = run_prepared(session, *_bound(statements, params, cursor, limit)).all()
    return _cut(rows, limit, cursor_of)


def _bound(
    statements: KeysetStatements, params: Mapping[str, Any], cursor: str | None, limit: int
) -> tuple[AnySelect, dict[str, Any]]:
    """The statement for this page and its values: the cursor's key and the LIMIT."""
    after = decode_cursor(cursor, statements.sort_type)
    values = {**params, "page_limit": limit + 1}
    if after is None:
        return statements.first, values
    values["after_sort"], values["after_id"] = after
    return statements.after, values


def _cut(
    rows: Sequence[Any], limit: int, cursor_of: Callable[[Any], tuple[Any, UUID]]
) -> tuple[Sequence[Any], str | None]:
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], encode_cursor(*cursor_of(rows[limit - 1]))
