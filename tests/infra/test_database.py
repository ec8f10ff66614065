"""The database adapter picks its backend in a fixed order: the Cloud SQL connector when an
instance is named, else DATABASE_URL, else an embedded PostgreSQL; with an explicit pool.

The real Cloud SQL service is unreachable here, so the connector is replaced by a fake that
records how it is built and called, and hands out connections to the test database.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import pg8000.dbapi
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from infra import database
from infra.settings import Settings

INSTANCE = "quad-prod:asia-northeast3:quad-pg"
IAM_USER = "quad-api@quad-prod.iam"


def settings(**values) -> Settings:
    """Settings from explicit values only: env vars set by the test session do not leak in."""
    base = {
        "cloud_sql_instance": None,
        "database_url": None,
        "jwt_secret": "test-secret-" + "x" * 32,
    }
    return Settings(**{**base, **values})


@pytest.fixture
def fresh_globals(monkeypatch):
    """A process with no connector or embedded server yet; restored afterwards."""
    monkeypatch.setattr(database, "_connector", None)
    monkeypatch.setattr(database, "_embedded", None)
    registered: list = []
    monkeypatch.setattr(atexit, "register", lambda fn, *a, **k: registered.append(fn))
    return registered


class FakeConnector:
    """Stands in for google.cloud.sql.connector.Connector and records its use."""

    instances: ClassVar[list[FakeConnector]] = []
    connect_to: ClassVar[dict] = {}

    def __init__(self, **kwargs) -> None:
        self.kwargs = kwargs
        self.connects: list[tuple[tuple, dict]] = []
        self.closed = False
        FakeConnector.instances.append(self)

    def connect(self, *args, **kwargs):
        self.connects.append((args, kwargs))
        if not FakeConnector.connect_to:
            return object()
        return pg8000.dbapi.connect(**FakeConnector.connect_to)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_connector(monkeypatch, fresh_globals):
    import google.cloud.sql.connector as connector_module

    FakeConnector.instances = []
    FakeConnector.connect_to = {}
    monkeypatch.setattr(connector_module, "Connector", FakeConnector)
    return FakeConnector


def pg8000_args(url: str) -> dict:
    """Connection arguments of the test database for a directly created pg8000 connection."""
    u = make_url(url)
    args: dict = {"user": u.username or "postgres", "database": u.database}
    if u.password:
        args["password"] = u.password
    if "unix_sock" in u.query:
        args["unix_sock"] = u.query["unix_sock"]
    else:
        args["host"] = u.host or "localhost"
        args["port"] = u.port or 5432
    return args


# --- Cloud SQL connector -------------------------------------------------------------


def test_cloud_sql_connector_arguments(fake_connector, fresh_globals):
    from google.cloud.sql.connector import IPTypes

    s = settings(cloud_sql_instance=INSTANCE, db_user=IAM_USER, db_name="quad")
    creator = database._cloud_sql_creator(s)
    conn = creator()

    [connector] = fake_connector.instances
    assert connector.kwargs == {
        "refresh_strategy": "lazy",
        "enable_iam_auth": True,
        "ip_type": IPTypes.PRIVATE,
    }
    # Its connect is bounded by DB_CONNECT_TIMEOUT_SECONDS (the connector's own default: 30 s).
    assert connector.connects == [
        ((INSTANCE, "pg8000"), {"user": IAM_USER, "db": "quad", "timeout": 5.0})
    ]
    assert conn is not None
    # The connector is closed when the process exits.
    assert connector.close in fresh_globals


def test_one_connector_per_process(fake_connector):
    s = settings(cloud_sql_instance=INSTANCE, db_user=IAM_USER)
    first = database._cloud_sql_creator(s)
    for _ in range(3):
        first()
    second = database._cloud_sql_creator(s)  # e.g. a second engine in the same process
    second()
    assert len(fake_connector.instances) == 1
    assert len(fake_connector.instances[0].connects) == 4


def test_cloud_sql_engine_connects_through_the_connector_with_the_pool(
    fake_connector, database_url
):
    fake_connector.connect_to = pg8000_args(database_url)
    s = settings(cloud_sql_instance=INSTANCE, db_user=IAM_USER, db_name="quad")
    engine = database.create_db_engine(s)
    try:
        assert engine.dialect.driver == "pg8000"
        assert engine.pool.size() == 5
        assert engine.pool._max_overflow == 2
        assert engine.pool._recycle == 1800
        # Three connections at once: three connector connects, one Connector.
        conns = [engine.connect() for _ in range(3)]
        try:
            for conn in conns:
                assert conn.execute(text("SELECT 1")).scalar() == 1
                # Every new connection is set up: a statement timeout, UTC.
                assert conn.execute(text("SHOW statement_timeout")).scalar() == "15s"
                assert conn.execute(text("SHOW TimeZone")).scalar() == "UTC"
        finally:
            for conn in conns:
                conn.close()
    finally:
        engine.dispose()
    [connector] = fake_connector.instances
    assert len(connector.connects) == 3
    assert {args for args, _ in connector.connects} == {(INSTANCE, "pg8000")}


def test_pool_settings_come_from_settings(fake_connector):
    s = settings(
        cloud_sql_instance=INSTANCE,
        db_pool_size=3,
        db_max_overflow=1,
        db_pool_recycle=600,
        db_pool_timeout=2.5,
    )
    engine = database.create_db_engine(s)
    try:
        assert engine.pool.size() == 3
        assert engine.pool._max_overflow == 1
        assert engine.pool._recycle == 600
        assert engine.pool._timeout == 2.5
    finally:
        engine.dispose()


def test_public_ip_type(fake_connector):
    from google.cloud.sql.connector import IPTypes

    database._cloud_sql_creator(settings(cloud_sql_instance=INSTANCE, db_ip_type="public"))
    assert fake_connector.instances[0].kwargs["ip_type"] == IPTypes.PUBLIC


def test_connector_wins_over_database_url_from_env(fake_connector, monkeypatch):
    monkeypatch.setenv("CLOUD_SQL_INSTANCE", INSTANCE)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.example:5432/other")
    monkeypatch.setenv("DB_USER", IAM_USER)
    monkeypatch.setenv("JWT_SECRET", "x" * 40)
    s = Settings()
    assert not s.uses_embedded_database
    engine = database.create_db_engine(s)
    try:
        assert engine.url.host is None  # nothing from DATABASE_URL
        assert len(fake_connector.instances) == 1
        assert engine.pool.size() == 5
    finally:
        engine.dispose()


# --- DATABASE_URL --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@db.example:5432/quad", "postgresql+pg8000://u:p@db.example:5432/quad"),
        ("postgres://u:p@db.example/quad", "postgresql+pg8000://u:p@db.example/quad"),
        ("postgresql+pg8000://u:p@db.example/quad", "postgresql+pg8000://u:p@db.example/quad"),
        # The password survives, percent-escapes included.
        (
            "postgresql://u:p%40ss%2Fw@db.example/quad",
            "postgresql+pg8000://u:p%40ss%2Fw@db.example/quad",
        ),
    ],
)
def test_database_url_is_used_with_pg8000(fresh_globals, given, expected):
    s = settings(database_url=given)
    assert database.resolve_url(s) == expected
    engine = database.create_db_engine(s)  # no connection is made yet
    try:
        assert engine.dialect.driver == "pg8000"
        assert engine.url.password == make_url(given).password
        assert engine.pool.size() == 5
        assert engine.pool._max_overflow == 2
        assert engine.pool._recycle == 1800
    finally:
        engine.dispose()
    assert database._embedded is None  # no embedded server was started


def test_database_url_engine_reaches_the_database(fresh_globals, database_url):
    engine = database.create_db_engine(settings(database_url=database_url))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT current_database()")).scalar() == (
                make_url(database_url).database
            )
    finally:
        engine.dispose()


def test_a_connection_over_a_unix_socket_builds_no_tls_context(
    fresh_globals, database_url, monkeypatch
):
    """PostgreSQL never speaks TLS on a Unix socket; pg8000 asking anyway built a TLS
    context per connection (~17 ms of CPU loading the CA bundle)."""
    if "unix_sock" not in make_url(database_url).query:
        pytest.skip("TEST_DATABASE_URL is not a Unix socket (the embedded server's is)")
    import ssl

    def refused(*args, **kwargs):
        raise AssertionError("a TLS context was built for a Unix socket")

    monkeypatch.setattr(ssl, "create_default_context", refused)
    engine = database.create_db_engine(settings(database_url=database_url))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


# --- embedded PostgreSQL -------------------------------------------------------------


@pytest.fixture
def data_dir():
    # pgserver runs postgres as its own OS user when we are root: the folder must be
    # reachable by it, which pytest's 0700 tmp dirs are not.
    root = tempfile.mkdtemp(prefix="quad-embedded-")
    os.chmod(root, 0o755)
    yield Path(root) / "data"
    shutil.rmtree(root, ignore_errors=True)


def test_embedded_server_when_nothing_is_configured(fresh_globals, data_dir):
    s = settings(data_dir=data_dir, db_name="quad_embedded")
    assert s.uses_embedded_database
    engine = None
    try:
        url = database.resolve_url(s)
        assert database._embedded is not None
        assert (data_dir / "pg" / "PG_VERSION").exists()  # data lives in DATA_DIR/pg
        assert make_url(url).drivername == "postgresql+pg8000"
        engine = create_engine(url)
        with engine.connect() as conn:
            # The database of DB_NAME was created on first start.
            assert conn.execute(text("SELECT current_database()")).scalar() == "quad_embedded"
        # A second call attaches to the same server.
        server = database._embedded
        assert database.resolve_url(s) == url
        assert database._embedded is server
        # It is stopped when the process exits.
        assert server.cleanup in fresh_globals
    finally:
        if engine is not None:
            engine.dispose()
        if database._embedded is not None:
            database._embedded.cleanup()


# --- the pool's ping and the read scope --------------------------------------------


@pytest.fixture
def one_connection_engine(monkeypatch, database_url):
    """The process's engine replaced by one with a single pooled connection."""

    def use(**values):
        engine = database.create_db_engine(
            settings(database_url=database_url, db_pool_size=1, db_max_overflow=0, **values)
        )
        monkeypatch.setattr(database, "_engine", engine)
        monkeypatch.setattr(database, "_sessionmaker", sessionmaker(engine))
        engines.append(engine)
        return engine

    engines: list = []
    yield use
    for engine in engines:
        engine.dispose()


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def _terminate(database_url, pid: int) -> None:
    killer = create_engine(database_url)
    try:
        with killer.begin() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
    finally:
        killer.dispose()


def test_a_connection_that_died_while_idle_is_replaced_before_use(
    one_connection_engine, database_url
):
    engine = one_connection_engine(db_pool_ping_after_seconds=0.05)
    first = _backend_pid(engine)
    _terminate(database_url, first)
    time.sleep(0.1)
    assert _backend_pid(engine) not in (first, None)  # no error reached the caller


def test_a_connection_back_a_moment_ago_is_not_pinged_and_recovers_after_one_failure(
    one_connection_engine, database_url
):
    # The trade-off DB_POOL_PING_AFTER_SECONDS makes: no ping under load, so a connection
    # killed between two requests fails the next one; the pool then replaces it.
    engine = one_connection_engine(db_pool_ping_after_seconds=60)
    first = _backend_pid(engine)
    _terminate(database_url, first)
    # pg8000 reports the dead socket as InterfaceError, or lets the bare ConnectionResetError
    # escape when the reset arrives while it reads; the engine reports both as InterfaceError,
    # and as the database being unavailable (a 503, not a bug).
    with pytest.raises(DBAPIError) as raised:
        _backend_pid(engine)
    assert database.is_unavailable(raised.value)
    assert _backend_pid(engine) not in (first, None)


def _transaction_started_at(session: Session) -> datetime:
    return session.execute(text("SELECT now()")).scalar()


def test_read_scope_reads_outside_a_transaction_and_leaves_none_behind(one_connection_engine):
    one_connection_engine()
    with database.read_scope() as session:
        first = _transaction_started_at(session)
        time.sleep(0.01)
        assert _transaction_started_at(session) > first  # each statement on its own
    # The same (only) connection is transactional again for the next unit of work.
    with database.session_scope() as session:
        first = _transaction_started_at(session)
        time.sleep(0.01)
        assert _transaction_started_at(session) == first
        session.execute(text("CREATE TEMP TABLE probe (n int)"))
        session.execute(text("INSERT INTO probe VALUES (1)"))
        session.rollback()
        missing = session.execute(text("SELECT to_regclass('pg_temp.probe')")).scalar()
        assert missing is None  # the rollback undid it: it was one transaction


class _ProbeBase(DeclarativeBase):
    pass


class _Probe(_ProbeBase):
    __tablename__ = "read_scope_probe"
    id: Mapped[int] = mapped_column(primary_key=True)


def test_read_scope_refuses_orm_writes(one_connection_engine):
    engine = one_connection_engine()
    _ProbeBase.metadata.create_all(engine)
    try:
        with (
            pytest.raises(RuntimeError, match="read_scope is for reads"),
            database.read_scope() as session,
        ):
            session.add(_Probe(id=1))
            session.flush()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM read_scope_probe")).scalar() == 0
    finally:
        _ProbeBase.metadata.drop_all(engine)
