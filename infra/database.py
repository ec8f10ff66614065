"""The database adapter: one SQLAlchemy engine per process, chosen from settings.

In this order:
1. `CLOUD_SQL_INSTANCE` set: the Cloud SQL Python Connector with pg8000, IAM database
   authentication and the lazy refresh strategy (Cloud Run throttles CPU between requests,
   so background refreshes would stall). One Connector per process.
2. `DATABASE_URL` set: any PostgreSQL reachable by URL.
3. Neither: an embedded PostgreSQL from PyPI (pgserver) with its data in `DATA_DIR/pg`.

The pool is explicit: `DB_POOL_SIZE` connections kept open (as many requests are let in
at once: api/main.py), `DB_MAX_OVERFLOW` more for what briefly needs one beside them,
recycled after `DB_POOL_RECYCLE` seconds. A connection that sat idle in the pool
for more than `DB_POOL_PING_AFTER_SECONDS` is pinged before use and replaced if dead (one
round trip); one back from a request a moment ago is not: under load that ping was a
quarter of a one-statement read's round trips. If the server drops connections anyway
(restart, failover), the requests using them fail once and SQLAlchemy then replaces every
connection of the pool that is older than the failure.

When the database cannot be reached (refused or dead socket, no connection within the pool
timeout, a server shutting down or starting up), `is_unavailable` says so, so the API can
answer 503 instead of 500; `note_unavailable` and `note_answered` log such an outage once
when it starts and once when the database answers again, not once per failed request.
Opening a connection is bounded by `DB_CONNECT_TIMEOUT_SECONDS`.
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


def embedded_server() -> Any:
    """The embedded PostgreSQL this process started or attached to (pgserver), if any."""
    return _embedded


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
        try:
            return _connector.connect(
                settings.cloud_sql_instance,
                "pg8000",
                user=settings.db_user,
                db=settings.db_name,
                timeout=settings.db_connect_timeout_seconds,
            )
        except OSError as error:
            # The connector's own network failures (refused, reset, TLS, its timeout) as
            # pg8000 reports a socket it could not open, so they read as the database
            # being unreachable.
            raise pg8000.exceptions.InterfaceError("communication error") from error

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
        # pg8000's `timeout` bounds the connect and the start-up exchange; it would stay on
        # the socket for every later read too, so _on_connect lifts it again (a report's
        # query may rightly run for minutes with its statement timeout off).
        url = resolve_url(settings)
        connect_args: dict[str, Any] = {"timeout": settings.db_connect_timeout_seconds}
        if "unix_sock" in make_url(url).query:
            # PostgreSQL never speaks TLS on a Unix socket, but pg8000 would build a TLS
            # context to ask (loading the CA bundle: most of a new connection's CPU).
            connect_args["ssl_context"] = False
        engine = create_engine(url, connect_args=connect_args, **pool_args)

        @event.listens_for(engine, "do_connect")
        def _connect(dialect, _record, cargs, cparams):
            try:
                return dialect.loaded_dbapi.connect(*cargs, **cparams)
            except OSError as error:
                # pg8000 lets a timeout or reset in its start-up exchange escape bare, which
                # SQLAlchemy would pass on unwrapped: report it as pg8000 reports a socket
                # it could not open.
                raise pg8000.exceptions.InterfaceError("communication error") from error

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
        usock = getattr(dbapi_conn, "_usock", None)
        if usock is not None and not settings.cloud_sql_instance:
            usock.settimeout(None)
        note_answered()

    _install_pool_hooks(engine, settings)
    return engine


class _ClosingADeadConnection(logging.Filter):
    """Drops the pool's report, with a stack, of a failure to close a connection whose
    socket is dead: pg8000 says goodbye on the socket before closing it, which fails when
    the server is gone (the socket is closed all the same). Nothing to act on, and one per
    pooled connection in every outage."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (
            str(record.msg).startswith(("Exception closing connection", "Exception terminating"))
            and isinstance(error, pg8000.exceptions.InterfaceError)
            and str(error) in ("network error", "connection is closed")
        )


_closing_a_dead_connection = _ClosingADeadConnection()


def _install_pool_hooks(engine: Engine, settings: Settings) -> None:
    if isinstance(engine.pool.logger, logging.Logger):
        engine.pool.logger.addFilter(_closing_a_dead_connection)
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

    @event.listens_for(engine, "handle_error")
    def _report_a_dead_socket_as_pg8000_does(context):
        # pg8000 lets a reset met on the first read of a reply escape as the bare OSError
        # (ConnectionResetError); it is the same dead socket as its "network error".
        error = context.original_exception
        if isinstance(error, OSError) and context.sqlalchemy_exception is None:
            orig = pg8000.exceptions.InterfaceError("network error")
            orig.__cause__ = error
            return exc.InterfaceError(
                context.statement,
                context.parameters,
                orig,
                connection_invalidated=context.is_disconnect,
            )
        return None

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


# --- the database unreachable -----------------------------------------------------------

# SQLSTATEs with which PostgreSQL refuses to serve now, whatever the statement: shutting
# down, crashed, starting up or in recovery, no connection slot left (and class 08,
# connection exceptions).
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
STATEMENT_TIMEOUT = "57014"
FOREIGN_KEY_VIOLATION = "23503"
# How pg8000 reports a socket it could not open, or one that died under it.
_NETWORK_ERRORS = ("network error", "communication error", "Can't create a connection")


def sqlstate(error: BaseException | None) -> str | None:
    """The SQLSTATE of an error PostgreSQL reported (a DBAPIError or pg8000's own)."""
    orig = getattr(error, "orig", error)
    return orig.args[0].get("C") if orig is not None and is_server_reported(orig) else None


def is_unavailable(error: BaseException) -> bool:
    """True when `error` says the database cannot serve now, not that a statement is wrong:
    no connection within the pool timeout, a refused, reset or dead socket, a server that
    is shutting down, starting up or out of connection slots."""
    if isinstance(error, exc.TimeoutError | exc.DisconnectionError):
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    code = sqlstate(error)
    if code is not None:
        return code.startswith("08") or code in _UNAVAILABLE_SQLSTATES
    orig = error.orig
    return isinstance(orig, pg8000.exceptions.InterfaceError) and (
        str(orig).startswith(_NETWORK_ERRORS) or str(orig) == "connection is closed"
    )


def is_statement_timeout(error: BaseException) -> bool:
    return isinstance(error, exc.DBAPIError) and sqlstate(error) == STATEMENT_TIMEOUT


def is_foreign_key_violation(error: BaseException) -> bool:
    """A row named a parent that is gone (pg8000 reports it as ProgrammingError, not
    IntegrityError: it maps only unique violations to that)."""
    return isinstance(error, exc.DBAPIError) and sqlstate(error) == FOREIGN_KEY_VIOLATION


class _Outage:
    """One log line when the database stops answering and one when it answers again,
    whatever number of requests fail in between (a stack trace per request was megabytes
    of log a minute). Per process.

    It is over at the first success after `quiet` seconds without a failure: requests in
    flight when the database came back, or a pool that times out on and off under load,
    keep it open instead of logging a pair of lines per failure.
    """

    def __init__(self, quiet: float = 2.0) -> None:
        self.quiet = quiet
        self._lock = threading.Lock()
        self.since: float | None = None
        self.last_failure = 0.0
        self.refused = 0

    def failed(self, error: BaseException, refused: bool) -> None:
        now = time.monotonic()
        with self._lock:
            first = self.since is None
            if first:
                self.since, self.refused = now, 0
            self.last_failure = now
            self.refused += refused
        if not first:
            return
        log.warning(
            "database unavailable: answering 503 until it answers again",
            extra={"fields": {"error": _first_line(error)}},
        )

    def answered(self) -> None:
        if self.since is None:  # no outage: the one check on every success
            return
        now = time.monotonic()
        with self._lock:
            if self.since is None or now - self.last_failure < self.quiet:
                return
            seconds, refused = self.last_failure - self.since, self.refused
            self.since = None
        log.warning(
            "database answering again after %.1f s unavailable; %d requests refused meanwhile",
            seconds,
            refused,
            extra={"fields": {"unavailable_seconds": round(seconds, 1), "refused": refused}},
        )


def _first_line(error: BaseException) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:300]


_outage = _Outage()


def note_unavailable(error: BaseException, refused: bool = True) -> None:
    """Count a request refused because the database is unavailable (`refused`), or some
    other work that failed for it (logged once per outage)."""
    _outage.failed(error, refused)


def note_answered() -> None:
    """The database did its work: ends an outage, if one is going on."""
    _outage.answered()


def database_answers() -> bool:
    """Readiness: a pooled connection runs `SELECT 1`."""
    try:
        with get_engine().connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as error:
        if is_unavailable(error):
            note_unavailable(error)
        return False
    note_answered()
    return True


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
        except Exception as error:
            if is_unavailable(error):
                # Part of an outage, logged as such; and recoverable, as these must be.
                note_unavailable(error, refused=False)
            else:
                log.exception("after-commit callback failed")


@contextmanager
def autocommit_connection() -> Iterator[Connection]:
    """A pooled connection outside any transaction: each statement commits on its own,
    with no BEGIN and no COMMIT round trip around it. For reads, and for a write that is one
    statement with nothing to be atomic with."""
    with get_engine().connect() as connection:
        dbapi_conn = connection.connection.dbapi_connection
        assert dbapi_conn is not None  # a checked-out connection always has one
        dbapi_conn.autocommit = True
        try:
            yield connection
        finally:
            # Also reset on every checkout; this keeps a connection that goes back to the
            # pool from being handed on in autocommit in between.
            dbapi_conn.autocommit = False
    note_answered()


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
        note_answered()
        _run_after_commit(session)
