"""The API server, started as `make run` starts it (`python -m api.cli serve --workers N`,
HOST=127.0.0.1 and a free PORT), timed from process start to the first `/readyz` 200, and
stopped with its whole process group.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench_common import ROOT, CpuMeter, connect, free_port, query, say

# Every LIMIT_<ACTION>_PER_USER / _PER_ADDRESS of infra/settings.py (unknown ones are ignored).
BUDGETED = (
    "SIGNUP",
    "LOGIN",
    "VERIFY",
    "RESEND",
    "PASSWORD_RESET",
    "POST",
    "COMMENT",
    "REPORT",
    "BOARD",
    "UPLOAD",
    "FRIEND_REQUEST",
    "FOLLOW",
)


def server_env(args: argparse.Namespace, url: str, data_dir: Path) -> dict[str, str]:
    """The server's environment: this database and data folder (the tokens the benchmark
    mints are signed with its key), a free port, and the --set settings. The settings and
    DATABASE_URL also go into this process's environment, for the in-process SQL figures."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(data_dir),
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
    }
    env.pop("CLOUD_SQL_INSTANCE", None)
    # The budgets (api/limits/) stay on, so their check is measured, but far beyond what
    # one load generator at one address spends (--set can lower them).
    for action in BUDGETED:
        for scope in ("PER_USER", "PER_ADDRESS"):
            env.setdefault(f"LIMIT_{action}_{scope}", "100000000")
    for setting in args.settings:
        name, _, value = setting.partition("=")
        env[name.strip().upper()] = value
        os.environ[name.strip().upper()] = value
        say(f"  API setting {name.strip().upper()}={value}")
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DATA_DIR")})
    os.environ.pop("CLOUD_SQL_INSTANCE", None)
    if env.get("PYTHONDONTWRITEBYTECODE") and not args.no_bytecode_cache:
        # Without a bytecode cache every start compiles every module from source (seconds).
        # A deployed image has its .pyc files; give the server a cache of its own.
        env.pop("PYTHONDONTWRITEBYTECODE")
        env["PYTHONPYCACHEPREFIX"] = str(data_dir / "pycache")
        subprocess.run([sys.executable, "-c", "import api.main"], cwd=ROOT, env=env, check=True)
        say(
            "  PYTHONDONTWRITEBYTECODE is set here: the server gets a bytecode cache in "
            f"{data_dir / 'pycache'} (--no-bytecode-cache to measure without)"
        )
    return env


def readyz_status(port: int, path: str = "/readyz") -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


class Server:
    """`python -m api.cli serve --workers N`, in its own process group (a subclass serves
    another app: its `command`, `cwd` and `ready_path`)."""

    name = "the API server"
    ready_path = "/readyz"
    cwd = ROOT

    def __init__(self, env: dict[str, str], workers: int, log_path: Path) -> None:
        self.env = env
        self.workers = workers
        self.log_path = log_path
        self.port = int(env["PORT"])
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "api.cli", "serve", "--workers", str(self.workers)]

    def start(self) -> float:
        """Start the server; return seconds from process start to the first /readyz 200."""
        log = self.log_path.open("ab")
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            self.command(),
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}")
            if readyz_status(self.port, self.ready_path) == 200:
                return time.perf_counter() - started
            if time.perf_counter() - started > 60:
                raise RuntimeError(f"no {self.ready_path} 200 after 60 s; see {self.log_path}")
            time.sleep(0.005)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None


def process_roots(url: str, server: Server) -> dict[str, int]:
    """The API server and, when it runs on this machine, the PostgreSQL postmaster."""
    import psutil

    roots = {"server": server.proc.pid} if server.proc else {}
    with contextlib.suppress(Exception):
        conn = connect(url)
        try:  # ask while the backend lives: its parent is the postmaster
            roots["postgres"] = psutil.Process(query(conn, "SELECT pg_backend_pid()")[0][0]).ppid()
        finally:
            conn.close()
    if "postgres" not in roots:
        say("  (PostgreSQL is not on this machine: its CPU is counted under 'others')")
    return roots


def time_starts(server: Server, runs: int) -> list[float]:
    """Start the server `runs` times, stopping it in between; seconds to /readyz each time.
    The server is left running."""
    seconds: list[float] = []
    for i in range(max(1, runs)):
        # Nothing of ours runs now: what keeps the machine busy is someone else's.
        busy0, t0 = CpuMeter._busy(), time.monotonic()
        time.sleep(0.5)
        background = (CpuMeter._busy() - busy0) / (time.monotonic() - t0)
        seconds.append(server.start())
        note = f" (machine busy: {background:.2f} cores used by others)" if background > 0.2 else ""
        say(f"  start -> /readyz 200: {seconds[-1]:.2f} s{note}")
        if i < runs - 1:
            server.stop()
    time.sleep(1.0)  # let every worker finish importing before the warm-up
    return seconds
