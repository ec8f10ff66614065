"""What the database-fault tests share: a PostgreSQL of their own (the tests kill it, so
never the session's shared one), migrated and seeded through the same code the API uses,
and a look at a server's log lines."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psutil

from tests.conftest import ROOT

PROBLEM_JSON = "application/problem+json"


def new_root() -> Path:
    # pgserver runs postgres as its own OS user when we are root: the folder must be
    # reachable by it, which pytest's 0700 tmp dirs are not.
    root = Path(tempfile.mkdtemp(prefix="quad-dbfault-"))
    os.chmod(root, 0o755)
    return root


def start_postgres(pgdata: Path, database: str = "quad") -> Any:
    """A pgserver PostgreSQL of this test's own on `pgdata`, with `database` in it."""
    import pgserver

    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    server.psql(f"CREATE DATABASE {database};")
    return server


def quad(*args: str, env: dict[str, str | None]) -> None:
    """Run a `quad` command (e.g. `migrate`) with `env` added to the environment."""
    merged = {**os.environ, **env}
    subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=ROOT,
        env={name: value for name, value in merged.items() if value is not None},
        check=True,
        capture_output=True,
        timeout=60,
    )


def kill_postmaster(pgdata: Path) -> int:
    """kill -9 the postmaster serving `pgdata`; its pid."""
    from infra.embedded_postgres import postmaster_pid

    pid = postmaster_pid(pgdata)
    assert pid is not None, "no postmaster to kill"
    os.kill(pid, signal.SIGKILL)
    return pid


def postgres_processes(pgdata: Path) -> list[psutil.Process]:
    """Processes running postgres on `pgdata` (the postmaster names it on its command line)."""
    found = []
    for process in psutil.process_iter(["name", "cmdline", "status"]):
        if process.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        if str(pgdata) in " ".join(process.info["cmdline"] or ()):
            found.append(process)
    return found


@dataclass
class Seeded:
    board: UUID
    post: UUID
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def engine_for(url: str):
    """An engine of our own on `url` (not the process's shared one)."""
    from infra import database
    from infra.settings import get_settings

    return database.create_db_engine(
        get_settings().model_copy(update={"database_url": url, "db_pool_size": 1})
    )


def seed(url: str) -> Seeded:
    """A school, a board, a member and a post of theirs, through the services."""
    from sqlalchemy.orm import Session

    from api.auth.tokens import issue_access_token
    from api.boards import service as boards
    from api.boards.schemas import BoardIn
    from api.core.db import utcnow
    from api.core.viewer import Viewer
    from api.posts import service as posts
    from api.posts.schemas import PostIn
    from api.schools import service as schools
    from api.users.models import User

    engine = engine_for(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            school = schools.create_school(session, "Fault University", None, []).id
            board = boards.create_board(session, None, school, BoardIn(name="Free")).id
            user = User(
                email="faults@example.edu",
                password_hash="x",
                nickname="faults",
                school_id=school,
                email_verified_at=utcnow(),
            )
            session.add(user)
            session.flush()
            post = posts.create_post(
                session, Viewer(user.id, school), board, PostIn(title="first", body="b")
            ).id
            session.commit()
            return Seeded(board, post, issue_access_token(user.id, school, verified=True))
    finally:
        engine.dispose()


def post_titles(url: str) -> list[str]:
    from sqlalchemy import text

    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT title FROM posts")).scalars())
    finally:
        engine.dispose()


def log_lines(path: Path) -> list[dict]:
    """The JSON log lines a server wrote so far (anything else as {"message": line})."""
    lines = []
    for raw in path.read_text().splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            lines.append({"message": raw})
    return lines


def wait_until_ready(client: httpx.Client, within: float) -> float:
    """Poll /readyz until 200; the seconds it took."""
    started = time.monotonic()
    while True:
        try:
            if client.get("/readyz").status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        assert time.monotonic() - started < within, f"not ready within {within} s"
        time.sleep(0.1)
