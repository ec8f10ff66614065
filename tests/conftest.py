"""Test fixtures: a real PostgreSQL (embedded pgserver, or TEST_DATABASE_URL), migrated
once per run, emptied after every test.

Helpers build the world through the same services the API uses; `api_user` makes a user
that can call the API (its token is minted directly, since signup's argon2 hashing is
deliberately slow and most tests are not about signup).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from uuid import UUID

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent


def _start_embedded() -> tuple[str, object, str]:
    import pgserver

    from infra.database import pg8000_socket_url

    # pgserver runs postgres as its own OS user when we are root: the folder must be
    # reachable by it, which pytest's 0700 tmp dirs are not.
    root = tempfile.mkdtemp(prefix="quad-test-")
    os.chmod(root, 0o755)
    pgdata = Path(root) / "pg"
    if os.geteuid() == 0:
        # As root, pgserver adds its OS user on first use: pytest-xdist workers starting
        # together on a fresh machine raced to `useradd` and all but one failed.
        with open(Path(tempfile.gettempdir()) / "quad-test-pgserver-user.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            pgserver.utils.ensure_user_exists("pgserver")
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    # A throwaway cluster: nothing need survive the machine crashing, so no fsync (a
    # killed postgres still loses no committed write: the OS has it). Its shutdown
    # checkpoint otherwise took a minute at the end of a run.
    server.psql("ALTER SYSTEM SET fsync = off;")
    server.psql("ALTER SYSTEM SET full_page_writes = off;")
    server.psql("SELECT pg_reload_conf();")
    server.psql("CREATE DATABASE quad_test;")
    return pg8000_socket_url(str(pgdata), "quad_test"), server, root


def _unlimited_budgets() -> dict[str, str]:
    """Every LIMIT_*_PER_USER / _PER_ADDRESS far beyond what a test spends: most tests
    write quickly from one address and are not about budgets (tests/api/test_limits.py
    sets the ones it tests, and the servers it starts inherit these)."""
    from infra.settings import Settings

    return {
        name.upper(): "1000000"
        for name in Settings.model_fields
        if name.startswith("limit_") and name.endswith(("_per_user", "_per_address"))
    }


UNLIMITED_BUDGETS = _unlimited_budgets()


def _worker_database(given: str) -> str:
    """TEST_DATABASE_URL's database for a single process; under pytest-xdist each worker
    gets a database of its own beside it (`<name>_gw0`, ...), made empty at the start,
    since every test empties the tables it ran against."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return given
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(given)
    name = f"{url.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    given = os.environ.get("TEST_DATABASE_URL")
    data_dir = tempfile.mkdtemp(prefix="quad-test-data-")
    os.environ["DATA_DIR"] = data_dir
    server = root = None
    if given:
        url = _worker_database(given)
    else:
        # Under pytest-xdist every worker starts its own (a few seconds each).
        url, server, root = _start_embedded()
    os.environ["DATABASE_URL"] = url
    os.environ.pop("CLOUD_SQL_INSTANCE", None)
    os.environ.update(UNLIMITED_BUDGETS)
    from infra import database
    from infra.settings import get_settings

    get_settings.cache_clear()
    database.dispose_engine()
    _migrate()
    yield url
    database.dispose_engine()
    if server is not None:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(data_dir, ignore_errors=True)


def _migrate() -> None:
    from alembic import command

    from api.cli import _alembic_config

    command.upgrade(_alembic_config(), "head")


@pytest.fixture(scope="session")
def engine(database_url):
    from infra.database import get_engine

    return get_engine()


@pytest.fixture(autouse=True)
def _clean_database(request) -> Iterator[None]:
    yield
    if "database_url" not in request.fixturenames:
        return
    from api.models import Base
    from infra.database import get_engine

    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with get_engine().begin() as conn:
        # The moderation log refuses TRUNCATE (migration 0015) to all but this.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture
def fresh_adapters(database_url) -> Iterator[None]:
    """The event bus and object storage the settings give (in-process bus, local folder),
    made anew for the test and dropped after it."""
    from infra import events, storage

    events.set_bus(None)
    storage.set_storage(None)
    yield
    events.set_bus(None)
    storage.set_storage(None)


@pytest.fixture
def settings(database_url):
    from infra.settings import get_settings

    return get_settings()


@pytest.fixture
def override_settings(database_url) -> Iterator:
    """`override_settings(LOGIN_MAX_FAILURES=3, ...)`: those env vars for this test, and
    the settings read anew; both undone afterwards."""
    from infra.settings import get_settings

    with pytest.MonkeyPatch.context() as mp:

        def override(**values):
            for name, value in values.items():
                mp.setenv(name, str(value))
            get_settings.cache_clear()
            return get_settings()

        yield override
    get_settings.cache_clear()


@pytest.fixture
def client(database_url) -> Iterator[httpx.Client]:
    from fastapi.testclient import TestClient

    from api.main import create_app

    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def db(database_url):
    """A session for arranging and checking state; committed on exit."""
    from infra.database import session_scope

    with session_scope() as session:
        yield session


# --- building the world --------------------------------------------------------------

PASSWORD = "correct-horse-battery"
# Older than REPORT_MIN_ACCOUNT_AGE_HOURS's default, so these accounts' reports count.
TRUSTED_ACCOUNT_AGE = timedelta(days=30)


@dataclass
class ApiUser:
    id: UUID
    school_id: UUID
    nickname: str
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(scope="session")
def password_hash_value() -> str:
    from api.auth.passwords import hash_password

    return hash_password(PASSWORD)


@pytest.fixture
def world(database_url, password_hash_value):
    return World(password_hash_value)


class World:
    """Makes schools, boards and users straight through the services."""

    def __init__(self, password_hash_value: str) -> None:
        self._hash = password_hash_value
        self._n = 0

    def school(
        self,
        name: str | None = None,
        departments: tuple[str, ...] = (),
        domains: tuple[str, ...] = ("example.edu",),
    ) -> UUID:
        """A school whose signups take addresses at `domains` (the users below have
        example.edu addresses)."""
        from api.schools import domains as school_domains
        from api.schools import service
        from infra.database import session_scope

        self._n += 1
        with session_scope() as s:
            school = service.create_school(s, name or f"School {self._n}", None, list(departments))
            for domain in domains:
                school_domains.add_domain(s, school, domain)
            return school.id

    def board(self, school_id: UUID, name: str | None = None, **rules: str) -> UUID:
        """An operator's board (no owner); `rules`: write_rule, name_rule."""
        from api.boards import service
        from api.boards.schemas import BoardIn
        from infra.database import session_scope

        self._n += 1
        data = BoardIn(name=name or f"B{self._n}", **rules)
        with session_scope() as s:
            return service.create_board(s, None, school_id, data).id

    def user(
        self, school_id: UUID, nickname: str | None = None, *, trusted: bool = False
    ) -> ApiUser:
        """A member who has verified their email; `trusted`: an account whose reports
        count toward hiding (old enough)."""
        from api.auth.tokens import issue_access_token
        from api.core.db import utcnow
        from api.users.models import User
        from infra.database import session_scope

        self._n += 1
        nickname = nickname or f"user{self._n}"
        email = f"{nickname}@example.edu".lower()
        with session_scope() as s:
            user = User(
                email=email,
                email_key=email,
                email_verified_at=utcnow(),
                password_hash=self._hash,
                nickname=nickname,
                school_id=school_id,
            )
            if trusted:
                user.created_at = datetime.now(UTC) - TRUSTED_ACCOUNT_AGE
            s.add(user)
            s.flush()
            user_id = user.id
        token = issue_access_token(user_id, school_id, verified=True)
        return ApiUser(user_id, school_id, nickname, email, token)

    def users(self, school_id: UUID, count: int, *, trusted: bool = False) -> list[ApiUser]:
        return [self.user(school_id, trusted=trusted) for _ in range(count)]


@pytest.fixture
def campus(world):
    """One school with a board and three members, plus another school with one member."""

    @dataclass
    class Campus:
        school: UUID
        board: UUID
        alice: ApiUser
        bob: ApiUser
        carol: ApiUser
        other_school: UUID
        other_board: UUID
        outsider: ApiUser

    school = world.school("Hanbit University")
    other = world.school("Riverside College")
    return Campus(
        school=school,
        board=world.board(school, "자유게시판"),
        alice=world.user(school, "alice"),
        bob=world.user(school, "bob"),
        carol=world.user(school, "carol"),
        other_school=other,
        other_board=world.board(other, "Free"),
        outsider=world.user(other, "outsider"),
    )


@pytest.fixture
def count_statements(engine):
    """Counts SQL statements sent while the returned counter's context is open."""

    class Counter:
        def __init__(self) -> None:
            self.count = 0
            self.statements: list[str] = []

        def __enter__(self):
            self.count = 0
            self.statements = []
            # On the Engine class: the app may have made a new engine since the fixture ran.
            event.listen(Engine, "before_cursor_execute", self._on)
            return self

        def __exit__(self, *exc):
            event.remove(Engine, "before_cursor_execute", self._on)

        def _on(self, conn, cursor, statement, *args):
            if statement.strip().upper() not in ("SELECT 1",):  # pool pre-ping
                self.count += 1
                self.statements.append(statement)

    return Counter()


# --- a real server on a loopback port ------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(
    workers: int = 2, env: dict[str, str | None] | None = None, stdout: IO | int | None = None
) -> Iterator[tuple[subprocess.Popen, str]]:
    """`quad serve` on a free 127.0.0.1 port against the test database, with `env` added
    to its environment (a None value removes the variable); stopped after. Its log lines
    (stdout) go to `stdout` if given."""
    port = free_port()
    merged = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--workers", str(workers)],
        cwd=ROOT,
        env={name: value for name, value in merged.items() if value is not None},
        stdout=subprocess.DEVNULL if stdout is None else stdout,
        stderr=subprocess.PIPE,
        # Its own process group: a server that never got ready is killed with its workers,
        # which would otherwise hold its stderr open (and the read below) for ever.
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                if proc.poll() is None:  # else reading its stderr would wait for ever
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                raise RuntimeError(f"server did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def live_server(database_url) -> Iterator[str]:
    """A real two-worker server, started once per test module (tokens minted by `world`
    are valid there: same DATA_DIR secret, same database)."""
    with running_server() as (_proc, base):
        yield base
