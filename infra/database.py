"""The database adapter: one SQLAlchemy engine per process, chosen from settings.

In this order:
1. `CLOUD_SQL_INSTANCE` set: the Cloud SQL Python Connector with pg8000, IAM database
   authentication and the lazy refresh strategy (Cloud Run throttles CPU between requests,
   so background refreshes would stall). One Connector per process.
2. `DATABASE_URL` set: any PostgreSQL reachable by URL.
3. Neither: an embedded PostgreSQL from PyPI (pgserver) with its data in `DATA_DIR/pg`.

The pool is explicit: `DB_POOL_SIZE` connections kept open, `DB_MAX_OVERFLOW` more under
bursts, recycled after `DB_POOL_RECYCLE` seconds. A connection that sat idle in the pool
for more than `DB_POOL_PING_AFTER_SECONDS` is pinged before use and replaced if dead (one
round trip); one back from a request a moment ago is not: under load that ping was a
quarter of a one-statement read's round trips. If the server drops connections anyway
(restart, failover), the requests using them fail once and SQLAlchemy then replaces every
connection of the pool that is older than the failure.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pg8000.exceptions
from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from infra import pg8000_tuning
from infra.settings import Settings, get_settings

log = logging.getLogger(__name__)
# pgserver asks platformdirs for a runtime dir; most containers have no XDG_RUNTIME_DIR.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

_lock = threading.Lock()
_engine: Engine | None = None
_sessionmaker: sessionmaker[Session] | None = None
_connector: Any = None
_embedded: Any = None


def embedded_server_url(settings: Settings) -> str:
    """Start (or attach to) the embedded PostgreSQL and return its SQLAlchemy URL.

    pgserver keeps one server per data folder and shares it between processes; the
    server is stopped when the last process that attached to it exits.
    """
    global _embedded
    try:
        import pgserver
    except ImportError as exc:  # the API image ships without the local group
        raise RuntimeError(
            "No database configured (CLOUD_SQL_INSTANCE or DATABASE_URL) and the embedded "
            "PostgreSQL (pgserver, dependency group 'local') is not installed"
        ) from exc
    pgdata = (settings.data_dir / "pg").resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if _embedded is None:
        _embedded = pgserver.get_server(pgdata, cleanup_mode="stop")
        atexit.register(_embedded.cleanup)
        _ensure_database(str(pgdata), settings.db_name)
    return pg8000_socket_url(str(pgdata), settings.db_name)


def _ensure_database(socket_dir: str, name: str) -> None:
    import pg8000.native

    conn = pg8000.native.Connection(
        "postgres", unix_sock=f"{socket_dir}/.s.PGSQL.5432", database="postgres"
    )
    try:
        if not conn.run("SELECT 1 FROM pg_database WHERE datname = :n", n=name):
            conn.run(f"CREATE DATABASE {pg8000.native.identifier(name)}")
    finally:
        conn.close()


def pg8000_socket_url(socket_dir: str, database: str, user: str = "postgres") -> str:
    return URL.create(
        "postgresql+pg8000",
        username=user,
        database=database,
        query={"unix_sock": f"{socket_dir}/.s.PGSQL.5432"},
    ).render_as_string(hide_password=False)


def resolve_url(settings: Settings) -> str:
    """The SQLAlchemy URL for the non-connector paths (pg8000 driver enforced)."""
    if settings.database_url:
        url = make_url(settings.database_url)
        if url.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
            url = url.set(drivername="postgresql+pg8000")
        return url.render_as_string(hide_password=False)
    return embedded_server_url(settings)


def _cloud_sql_creator(settings: Settings):
    global _connector
    from google.cloud.sql.connector import Connector, IPTypes

    if _connector is None:
        _connector = Connector(
            refresh_strategy="lazy",
            enable_iam_auth=settings.db_iam_auth,
            ip_type=IPTypes[settings.db_ip_type.upper()],
        )
        atexit.register(_connector.close)

    def creator():
        return _connector.connect(
            settings.cloud_sql_instance, "pg8000", user=settings.db_user, db=settings.db_name
        )

    return creator


# `select(...).prefix_with(CUSTOM_PLAN)`: planned anew for its values on every execution
# (run unnamed, never prepared). For statements where one plan cannot serve every value:
# a generic plan of a search would pick one way to find matches for every word.
CUSTOM_PLAN = pg8000_tuning.CUSTOM_PLAN_MARK


def create_db_engine(settings: Settings | None = None) -> Engine:
    settings = settings or get_settings()
    pool_args: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
        "pool_recycle": settings.db_pool_recycle,
        # Pinging every checkout is SQLAlchemy's pool_pre_ping; otherwise _install_pool_hooks
        # pings only connections that were idle.
        "pool_pre_ping": settings.db_pool_pre_ping and settings.db_pool_ping_after_seconds == 0,
    }
    if settings.cloud_sql_instance:
        engine = create_engine(
            "postgresql+pg8000://", creator=_cloud_sql_creator(settings), **pool_args
        )
    else:
        engine = create_engine(resolve_url(settings), **pool_args)

    timeout_ms = settings.db_statement_timeout_ms
    tuned = settings.db_driver_tuning
    if tuned:
        pg8000_tuning.install_paramstyle_cache()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # a runaway query must not hold a connection forever
        if tuned:
            pg8000_tuning.tune_connection(dbapi_conn)
        cur = dbapi_conn.cursor()
        cur.execute(f"SET statement_timeout = {int(timeout_ms)}")
        # Statements are prepared once per connection (pg8000_tuning), so PostgreSQL may
        # keep a generic plan of one: after five executions, when its estimated cost is no
        # higher than the custom plans'. Planning was half of a timetable view's database
        # time. Statements whose plan must follow their values carry CUSTOM_PLAN.
        cur.execute("SET plan_cache_mode = auto")
        cur.execute("SET TIME ZONE 'UTC'")
        cur.close()
        dbapi_conn.commit()

    _install_pool_hooks(engine, settings)
    return engine


def _install_pool_hooks(engine: Engine, settings: Settings) -> None:
    ping_after = settings.db_pool_ping_after_seconds
    ping_idle = settings.db_pool_pre_ping and ping_after > 0

    @event.listens_for(engine, "handle_error")
    def _never_pool_a_connection_out_of_step(context):
        # Only an error the server itself reported leaves the connection in step: pg8000
        # reads the whole reply, up to ReadyForQuery, before raising it. Anything else
        # raised while a statement was in flight (a parameter that fails to convert after
        # part of the statement was sent, a result that fails to parse, a bare socket error)
        # may leave replies unread, and the next statement on that connection would read
        # the reply of this one: another user's rows. Such a connection is discarded.
        if context.is_disconnect or is_server_reported(context.original_exception):
            return
        context.is_disconnect = True
        # A dead socket may mean a restarted server: then every pooled connection is stale.
        # A client-side failure concerns this connection alone.
        context.invalidate_pool_on_disconnect = isinstance(context.original_exception, OSError)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, record, _proxy):
        # Every checkout starts transactional, whatever a read scope left behind.
        dbapi_conn.autocommit = False
        idle_since = record.info.pop("idle_since", None)
        if ping_idle and idle_since is not None and time.monotonic() - idle_since > ping_after:
            try:
                _ping(engine, dbapi_conn)
            except Exception as error:
                # The pool discards this connection and checks out another.
                raise exc.DisconnectionError(f"pooled connection is dead: {error}") from error


def is_server_reported(error: BaseException) -> bool:
    """True for an error PostgreSQL sent as an ErrorResponse (pg8000 puts its fields, a
    dict, in args[0]), after which the connection is in step with its server."""
    return (
        isinstance(error, pg8000.exceptions.Error)
        and bool(error.args)
        and isinstance(error.args[0], dict)
    )


def _ping(engine: Engine, dbapi_conn) -> None:
    # In autocommit, so the ping does not open a transaction (pg8000 would send BEGIN first).
    dbapi_conn.autocommit = True
    try:
        engine.dialect.do_ping(dbapi_conn)
    finally:
        dbapi_conn.autocommit = False


def get_engine() -> Engine:
    global _engine, _sessionmaker
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = create_db_engine()
                _sessionmaker = sessionmaker(_engine, expire_on_commit=False)
    return _engine


def dispose_engine() -> None:
    global _engine, _sessionmaker
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine = None
        _sessionmaker = None


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once this session's transaction has committed (never on rollback).

    Callbacks run in order after `session_scope` commits; one that fails is logged and
    does not undo the commit (whatever it was for must be recoverable, like the outbox).
    """
    session.info.setdefault("after_commit", []).append(callback)


def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop("after_commit", [])
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("after-commit callback failed")


@contextmanager
def autocommit_connection() -> Iterator[Connection]:
    """A pooled connection outside any transaction: each statement commits on its own,
    with no BEGIN and no COMMIT round trip around it. For reads, and for a write that is one
    statement with nothing to be atomic with."""
    with get_engine().connect() as connection:
        dbapi_conn = connection.connection.dbapi_connection
        dbapi_conn.autocommit = True
        try:
            yield connection
        finally:
            # Also reset on every checkout; this keeps a connection that goes back to the
            # pool from being handed on in autocommit in between.
            dbapi_conn.autocommit = False


@contextmanager
def read_scope() -> Iterator[Session]:
    """A session for reads only, in autocommit (`autocommit_connection`).

    At READ COMMITTED each statement sees its own snapshot inside a transaction too, so a
    read loses nothing by running outside one; a one-statement read saves two of its three
    round trips. Never write in it: each statement would commit on its own.
    """
    with autocommit_connection() as connection, Session(bind=connection) as session:
        session.info["read_only"] = True
        yield session


@event.listens_for(Session, "before_flush")
def _no_writes_in_read_scope(session: Session, _flush_context, _instances) -> None:
    if session.info.get("read_only"):
        raise RuntimeError("read_scope is for reads; use session_scope to write")


@contextmanager
def session_scope() -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error.

    Code inside may commit early to keep something whatever happens next (a failed login
    is counted even though the request fails); a new transaction then begins on its own.
    """
    get_engine()
    assert _sessionmaker is not None
    with _sessionmaker() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.info.pop("after_commit", None)
            session.rollback()
            raise
        _run_after_commit(session)
