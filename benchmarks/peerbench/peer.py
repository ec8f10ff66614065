"""The peer, nsidnev/fastapi-realworld-example-app, as it runs here: its own virtualenv
(uv, Python 3.11, from PyPI), its alembic migrations, two optional indexes, its access
tokens, and its server (uvicorn, 2 workers, httptools and uvloop).

The peer's lock (poetry.lock, August 2022) targets Python 3.9; what it needs on 3.11 is
listed in ADAPTATIONS: version pins, and one run-time patch that only tells asyncpg where
PostgreSQL's socket is (peer_site/sitecustomize.py). No file of the peer is changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from apibench.serve import Server
from bench_common import ROOT, connect, free_port, query, say

PYTHON_VERSION = "3.11"
# The peer's runtime dependencies: its poetry.lock's versions, but where noted.
PINS = (
    "aiosql==6.2",
    "alembic==1.8.1",
    "anyio==3.7.1",
    "asyncpg==0.27.0",
    "bcrypt==3.2.0",
    "cffi==1.16.0",
    "click==8.1.7",
    "databases==0.6.1",
    "dnspython==2.6.1",
    "email-validator==1.1.3",
    "fastapi==0.79.1",
    "greenlet==3.0.3",
    "h11==0.14.0",
    "httptools==0.6.1",
    "idna==3.7",
    "loguru==0.6.0",
    "mako==1.3.5",
    "markupsafe==2.1.5",
    "passlib==1.7.4",
    "psycopg2-binary==2.9.9",
    "pycparser==2.21",
    "pydantic==1.10.13",
    "pyjwt==2.4.0",
    "pypika==0.48.9",
    "python-dotenv==0.19.2",
    "python-slugify==6.1.2",
    "six==1.16.0",
    "sniffio==1.3.1",
    "setuptools==69.5.1",
    "sqlalchemy==1.4.52",
    "starlette==0.19.1",
    "text-unidecode==1.3",
    "typing-extensions==4.12.2",
    "unidecode==1.3.4",
    "uvicorn==0.18.2",
    "uvloop==0.19.0",
)
# What running the peer on Python 3.11 takes (README.md's section lists the same).
ADAPTATIONS = (
    "asyncpg 0.26.0 -> 0.27.0: the first release with wheels for Python 3.11",
    "pydantic 1.9.2 -> 1.10.13: 1.9 has no 3.11 wheels (built from source it is pure "
    "Python, about twice as slow); 1.10 is the same API and still what fastapi 0.79 allows",
    "sqlalchemy 1.4.31 -> 1.4.52, greenlet 1.1.2 -> 3.0.3, psycopg2-binary 2.9.3 -> 2.9.9, "
    "markupsafe 2.0.1 -> 2.1.5, cffi 1.15.0 -> 1.16.0: the first (or a later) patch "
    "release with 3.11 wheels; used by the migrations only (and cffi by bcrypt)",
    "typing-extensions 3.10 -> 4.12.2: pydantic 1.10 needs >= 4.2",
    "uvloop 0.19.0 and httptools 0.6.1 added (the lock has uvicorn without [standard]): "
    "both servers run with httptools and uvloop",
    "setuptools 69.5.1 added: aiosql 6.2 imports pkg_resources, which a uv virtualenv "
    "does not have (and setuptools >= 81 no longer ships)",
    "anyio 3.7.1 pinned below 4 (starlette 0.19 predates anyio 4)",
    "bcrypt kept at 3.2.0: passlib 1.7.4 breaks on bcrypt >= 4.1 (no __about__) and 5 "
    "(its self-test hashes a password over 72 bytes)",
    "one run-time patch (benchmarks/peerbench/peer_site/sitecustomize.py): asyncpg's pool "
    "gets PostgreSQL's Unix socket folder as its host; the peer's DATABASE_URL, a pydantic "
    "PostgresDsn, must name a host (localhost) and passes the folder as ?host= for libpq",
    "uvicorn --no-access-log: the peer logs every request through loguru to stderr; Quad "
    "writes no access line either",
)
# The peer's statements filter favorites and comments by article, and neither table has
# an index that starts with article_id: each article shown counts its favorites by a scan
# of every favorite, and a post's comments are a scan of every comment.
INDEXES = {  # name: (table, column)
    "bench_favorites_article_id": ("favorites", "article_id"),
    "bench_commentaries_article_id": ("commentaries", "article_id"),
}
SECRET_KEY = "peer-bench-secret-of-at-least-32-bytes"
TOKEN_PREFIX = "Token"  # the peer's JWT_TOKEN_PREFIX


def uv() -> str:
    found = ROOT / ".tools" / "bin" / "uv"
    if found.exists():
        return str(found)
    if shutil.which("uv"):
        return "uv"
    raise SystemExit("uv is not installed: run `make install` (it puts uv in .tools/bin)")


def install(checkout: Path, venv: Path) -> Path:
    """The peer's virtualenv (created once, reused while the pins are the same); returns
    its python."""
    python = venv / "bin" / "python"
    stamp = venv / "bench-pins.txt"
    wanted = "\n".join(PINS) + "\n"
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    if not (checkout / "app" / "main.py").exists():
        raise SystemExit(f"{checkout} is not a checkout of fastapi-realworld-example-app")
    started = time.perf_counter()
    subprocess.run(
        [uv(), "venv", "-q", "--clear", "--python", PYTHON_VERSION, str(venv)], check=True
    )
    subprocess.run([uv(), "pip", "install", "-q", "--python", str(python), *PINS], check=True)
    stamp.write_text(wanted)
    say(f"  the peer's virtualenv in {venv} ({time.perf_counter() - started:.1f} s)")
    return python


SITE = Path(__file__).resolve().parent / "peer_site"  # its sitecustomize.py: the patch


def database_url(socket_dir: str, database: str) -> str:
    return f"postgresql://postgres@localhost/{database}?host={quote(socket_dir, safe='/')}"


def peer_env(checkout: Path, url: str, socket_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(
        {
            "APP_ENV": "prod",
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "PEER_PG_SOCKET_DIR": socket_dir,
            # Its default pool (10 per worker), as published.
            "PYTHONPATH": f"{SITE}{os.pathsep}{checkout}",
        }
    )
    return env


def migrate(python: Path, checkout: Path, env: dict[str, str]) -> None:
    started = time.perf_counter()
    result = subprocess.run(
        [str(python), "-m", "alembic", "upgrade", "head"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the peer's migrations failed:\n{result.stdout}\n{result.stderr}")
    say(f"  the peer's migrations applied ({time.perf_counter() - started:.1f} s)")


def set_indexes(url: str, added: bool) -> None:
    """Add the two indexes, or drop them (a database an earlier run added them to)."""
    conn = connect(url, autocommit=True)
    try:
        for name, (table, column) in INDEXES.items():
            if added:
                query(conn, f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")
            else:
                query(conn, f"DROP INDEX IF EXISTS {name}")
            query(conn, f"ANALYZE {table}")
    finally:
        conn.close()


def mint_tokens(usernames: list[str]) -> dict[str, str]:
    """The peer's access tokens (app/services/jwt.py's): HS256 over its SECRET_KEY."""
    import jwt

    exp = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=7)
    return {
        u: f"{TOKEN_PREFIX} "
        + jwt.encode({"username": u, "exp": exp, "sub": "access"}, SECRET_KEY, "HS256")
        for u in usernames
    }


class PeerServer(Server):
    """`uvicorn app.main:app --workers N --http httptools --loop uvloop` in the peer's
    checkout, in its own process group; ready when /api/tags answers 200 (the peer has no
    health route)."""

    name = "the peer's server"
    ready_path = "/api/tags"

    def __init__(
        self, python: Path, checkout: Path, env: dict[str, str], workers: int, log_path: Path
    ) -> None:
        super().__init__({**env, "PORT": str(free_port())}, workers, log_path)
        self.python = python
        self.cwd = checkout

    def command(self) -> list[str]:
        return [
            str(self.python), "-m", "uvicorn", "app.main:app",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(self.workers), "--http", "httptools", "--loop", "uvloop",
            "--no-access-log",
        ]  # fmt: skip
