"""Supervision of the embedded PostgreSQL (pgserver) that `quad serve` runs locally.

pgserver starts a postmaster with `pg_ctl` and stops it when the last process attached to
its data folder exits. Nothing restarts a postmaster that died, and one started anew after
that (by anyone) is not the one pgserver would stop, so it outlived `make run`.
`supervise` fixes both for the serving process: a thread checks the postmaster every
second and restarts a dead one on the same data folder (a few attempts with growing
waits, each logged), and on exit the postmaster serving the folder then is stopped,
whoever started it, unless another live process still uses it.
"""

from __future__ import annotations

import atexit
import logging
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import psutil

log = logging.getLogger(__name__)


def _recorded_pid(pgdata: Path) -> int | None:
    try:
        return int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def postmaster_pid(pgdata: Path) -> int | None:
    """The pid of the postmaster serving `pgdata`, or None when none runs. A postmaster
    killed but not yet reaped (a zombie), or its pid now used by another program, is not
    running."""
    pid = _recorded_pid(pgdata)
    if pid is None:
        return None
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE or process.name() != "postgres":
            return None
    except psutil.Error:
        return None
    return pid


def _wait_until_reaped(pgdata: Path, timeout: float) -> None:
    """A killed postmaster stays a zombie until its parent reaps it, and neither pgserver
    nor PostgreSQL starts a new one while its pid exists."""
    pid = _recorded_pid(pgdata)
    if pid is None:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                return
        except psutil.Error:
            return
        time.sleep(0.05)


def stop_postmaster(server: Any) -> None:
    """Stop the postmaster serving `server`'s data folder now, whoever started it."""
    # pgserver makes one function per PostgreSQL program at import time.
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

    pid = postmaster_pid(server.pgdata)
    if pid is None:
        return
    try:
        # fast: roll back open transactions and disconnect, rather than wait for clients.
        pg_ctl(
            ["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user, timeout=30
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        log.warning("pg_ctl could not stop the embedded PostgreSQL (pid %d); killing it", pid)
        try:
            process = psutil.Process(pid)
            process.terminate()
            process.wait(5)
        except psutil.TimeoutExpired:
            process.kill()
        except psutil.Error:
            pass


def start_again(
    server: Any,
    *,
    attempts: int = 6,
    first_wait: float = 1.0,
    stopping: threading.Event | None = None,
) -> bool:
    """Start the dead postmaster of `server` (a pgserver PostgresServer) again on its data
    folder: up to `attempts` tries, waiting `first_wait` seconds after the first failure and
    twice as long after each next one, each failure logged. False if it gave up (or
    `stopping` was set)."""
    from pgserver.postgres_server import PostgresServer

    pgdata = Path(server.pgdata)
    stopping = stopping or threading.Event()
    log.warning("the embedded PostgreSQL (%s) is not running; restarting it", pgdata)
    _wait_until_reaped(pgdata, timeout=5.0)
    wait = first_wait
    for attempt in range(1, attempts + 1):
        try:
            # pgserver's own lock, which its start-up and clean-up hold too.
            with PostgresServer._lock:
                server.ensure_postgres_running()
            pid = postmaster_pid(pgdata)
            if pid is None:
                # e.g. the dead postmaster still not reaped, or its backends still holding
                # the shared memory: PostgreSQL refuses to start until then.
                raise RuntimeError("no postmaster running after the start")
        except Exception as error:
            log.warning(
                "restarting the embedded PostgreSQL failed (attempt %d of %d): %s",
                attempt,
                attempts,
                str(error).splitlines()[0] if str(error) else type(error).__name__,
            )
            if attempt == attempts or stopping.wait(wait):
                break
            wait *= 2
            continue
        log.warning("the embedded PostgreSQL is running again (pid %d)", pid)
        return True
    if not stopping.is_set():
        log.error(
            "gave up restarting the embedded PostgreSQL after %d attempts; see %s and "
            "restart quad serve",
            attempts,
            pgdata / "log",
        )
    return False


class Supervisor:
    """Keeps the embedded PostgreSQL of `server` (a pgserver PostgresServer) running while
    this process serves, and stops it when this process exits."""

    def __init__(self, server: Any, *, interval: float = 1.0) -> None:
        self.server = server
        self.pgdata = Path(server.pgdata)
        self.interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._watch, name="embedded-postgres-supervisor", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def _watch(self) -> None:
        while not self._stopping.wait(self.interval):
            if postmaster_pid(self.pgdata) is None and not start_again(
                self.server, stopping=self._stopping
            ):
                return

    def stop(self) -> None:
        """Stop watching, then stop the postmaster, unless another live process that
        attached to it (e.g. a `quad` command in another terminal) still uses it."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()
        others = [
            pid
            for pid in self.server.global_process_id_list.get()
            if pid != os.getpid() and psutil.pid_exists(pid)
        ]
        if others:
            log.info("leaving the embedded PostgreSQL running for processes %s", others)
            return
        stop_postmaster(self.server)
        # pgserver's own clean-up (at exit, after this) would stop it again and fail.
        self.server.cleanup_mode = None


def supervise(server: Any) -> Supervisor:
    """Watch `server` from now on, and stop it when this process exits."""
    supervisor = Supervisor(server)
    supervisor.start()
    # Registered after pgserver's own clean-up, so it runs before it.
    atexit.register(supervisor.stop)
    return supervisor
