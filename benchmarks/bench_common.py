"""What the benchmark scripts share: the embedded PostgreSQL, raw pg8000 connections,
fast COPY loading, CPU accounting per process, and the report's formatting.

    api_bench.py      the API under load (its parts in apibench/)
    events_bench.py   the event handlers, the outbox relay and image processing
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import queue
import resource
import socket
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_DIR = ROOT / "benchmarks"
DB_NAME = "quad_bench"
NULL = "\\N"  # COPY's text format for NULL
HEADER = "\033[1m{}\033[0m" if sys.stdout.isatty() else "{}"


def say(message: str = "") -> None:
    print(message, flush=True)


# --- everything a benchmark starts is stopped again -----------------------------------


class Cleanup:
    """A stack of undo actions, run once on normal exit, error, Ctrl-C or SIGTERM."""

    def __init__(self) -> None:
        self._actions: list[tuple[str, Callable[[], None]]] = []

    def push(self, what: str, action: Callable[[], None]) -> None:
        self._actions.append((what, action))

    def remove(self, what: str) -> None:
        self._actions = [(w, a) for w, a in self._actions if w != what]

    def run(self) -> None:
        while self._actions:
            what, action = self._actions.pop()
            try:
                action()
            except Exception as exc:
                say(f"  (could not stop {what}: {exc})")


def interrupt(_signum: int, _frame: Any) -> None:
    """A signal handler: stop as Ctrl-C does, so every `finally` and Cleanup runs."""
    raise KeyboardInterrupt


# --- database --------------------------------------------------------------------------


def lock_data_dir(data_dir: Path) -> Any:
    """Hold the data folder for this run: benchmarks sharing a seeded database undo each
    other's writes at start and exit, so a second run waits here instead of colliding.
    The lock goes with the process (keep the returned file open)."""
    import fcntl

    data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(data_dir / "bench.lock", "w")  # noqa: SIM115 (held for the whole run)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        say(f"  another benchmark is using {data_dir}; waiting for it to finish")
        fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def start_embedded(data_dir: Path, cleanup: Cleanup, database: str = DB_NAME) -> str:
    """Start (or attach to) a pgserver in DATA_DIR/pg; return its pg8000 URL."""
    with warnings.catch_warnings():  # platformdirs: no XDG_RUNTIME_DIR in containers
        warnings.simplefilter("ignore")
        import pgserver

    from infra.database import pg8000_socket_url

    # pgserver runs postgres as its own OS user when we are root: the folders must let it in.
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o755)
    pgdata = (data_dir / "pg").resolve()
    # pgserver stops the server when its last user exits, counting users in this file; a
    # benchmark killed outright leaves its pid there and the server would never stop.
    handles = pgdata / ".handle_pids.json"
    with contextlib.suppress(OSError, ValueError):
        import psutil

        pids = json.loads(handles.read_text())
        handles.write_text(json.dumps([pid for pid in pids if psutil.pid_exists(pid)]))
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    cleanup.push("PostgreSQL", server.cleanup)
    conn = connect(pg8000_socket_url(str(pgdata), "postgres"), autocommit=True)
    try:
        cur = conn.cursor()
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
        if not cur.fetchall():
            cur.execute(f"CREATE DATABASE {database}")
    finally:
        conn.close()
    return pg8000_socket_url(str(pgdata), database)


def normalise_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        u = u.set(drivername="postgresql+pg8000")
    return u.render_as_string(hide_password=False)


def connect(url: str, autocommit: bool = False) -> Any:
    """A raw pg8000 DB-API connection for the given SQLAlchemy URL."""
    import pg8000.dbapi
    from sqlalchemy.engine import make_url

    u = make_url(url)
    kwargs: dict[str, Any] = {"user": u.username or "postgres", "database": u.database}
    if u.password:
        kwargs["password"] = u.password
    if "unix_sock" in u.query:
        kwargs["unix_sock"] = u.query["unix_sock"]
    else:
        kwargs["host"] = u.host or "localhost"
        kwargs["port"] = u.port or 5432
    conn = pg8000.dbapi.connect(**kwargs)
    conn.autocommit = autocommit
    return conn


def query(conn: Any, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
    cur = conn.cursor()
    cur.execute(sql, tuple(params))
    rows = cur.fetchall() if cur.description else []
    return [tuple(r) for r in rows]


def run_parallel(url: str, statements: list[str], setup: str | None = None) -> None:
    """Run statements on two connections (one per core), each in autocommit."""

    def work(items: queue.Queue[str]) -> None:
        conn = connect(url, autocommit=True)
        try:
            cur = conn.cursor()
            if setup:
                cur.execute(setup)
            while True:
                try:
                    statement = items.get_nowait()
                except queue.Empty:
                    return
                cur.execute(statement)
        finally:
            conn.close()

    items: queue.Queue[str] = queue.Queue()
    for statement in statements:
        items.put(statement)
    with ThreadPoolExecutor(max_workers=min(2, max(1, len(statements)))) as pool:
        for future in [pool.submit(work, items) for _ in range(min(2, len(statements)))]:
            future.result()


# --- bulk loading ----------------------------------------------------------------------


class TimestampText:
    """Fast `timestamptz` text for COPY (datetime.isoformat is the slow part of a row)."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}

    def __call__(self, t: float) -> str:
        day = int(t // 86400)
        date = self._days.get(day)
        if date is None:
            date = self._days[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
        us = int((t - day * 86400) * 1_000_000)
        s, us = divmod(us, 1_000_000)
        h, s = divmod(s, 3600)
        m, s = divmod(s, 60)
        return f"{date} {h:02d}:{m:02d}:{s:02d}.{us:06d}+00"


def uuid7_text(t: float, getrandbits: Callable[[int], int]) -> str:
    """A UUIDv7 whose timestamp is `t` (the row's created_at), as 32 hex digits."""
    value = (int(t * 1000) << 80) | (7 << 76) | (getrandbits(12) << 64) | (2 << 62)
    return f"{value | getrandbits(62):032x}"


class CopyStream:
    """Rows for one `COPY ... FROM STDIN`, sent by `consumers` threads, one connection each.

    The generator (this thread) and PostgreSQL (other processes) overlap: the queue holds
    a few chunks, and socket writes release the GIL.
    """

    CHUNK_ROWS = 2000

    def __init__(self, url: str, table: str, columns: str, consumers: int = 1) -> None:
        self.table = table
        self.sql = f"COPY {table} ({columns}) FROM STDIN"
        self.url = url
        self.rows = 0
        self._lines: list[str] = []
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=16 * consumers)
        self._errors: list[BaseException] = []
        self._threads = [
            threading.Thread(target=self._send, name=f"copy-{table}", daemon=True)
            for _ in range(consumers)
        ]
        for thread in self._threads:
            thread.start()

    def add(self, line: str) -> None:
        self._lines.append(line)
        if len(self._lines) >= self.CHUNK_ROWS:
            self._flush()

    def close(self) -> None:
        self._flush()
        for _ in self._threads:
            self._put(None)
        for thread in self._threads:
            thread.join()
        if self._errors:
            raise RuntimeError(f"COPY into {self.table} failed: {self._errors[0]}")

    def _flush(self) -> None:
        if self._lines:
            self.rows += len(self._lines)
            data = ("\n".join(self._lines) + "\n").encode()
            self._lines = []
            self._put(data)

    def _put(self, item: bytes | None) -> None:
        while True:
            if self._errors:
                raise RuntimeError(f"COPY into {self.table} failed: {self._errors[0]}")
            with contextlib.suppress(queue.Full):
                self._queue.put(item, timeout=0.5)
                return

    def _chunks(self) -> Iterator[bytes]:
        while (item := self._queue.get()) is not None:
            yield item

    def _send(self) -> None:
        try:
            conn = connect(self.url, autocommit=True)
            try:
                cur = conn.cursor()
                cur.execute("SET synchronous_commit = off")
                # The generator emits consistent rows; skip a foreign-key check per row.
                cur.execute("SET session_replication_role = replica")
                cur.execute(self.sql, stream=self._chunks())
            finally:
                conn.close()
        except BaseException as exc:
            self._errors.append(exc)
            with contextlib.suppress(queue.Empty):  # unblock the generator
                while True:
                    self._queue.get_nowait()


# --- measuring -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CpuMeter:
    """CPU used during an interval, per part: the API server, PostgreSQL, the load generator
    and everything else on the machine. Dividing by req/s gives the CPU one request costs in
    each part; 'others' shows load from outside the benchmark that would skew the figures."""

    def __init__(self, roots: dict[str, int], workers: int) -> None:
        self.roots = roots  # part name -> root pid ("server", "postgres")
        self.workers = workers

    @staticmethod
    def _busy() -> float:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")

    def _sample(self) -> dict[str, dict[int, float]]:
        import psutil

        parts: dict[str, dict[int, float]] = {}
        for part, root in self.roots.items():
            seen = parts.setdefault(part, {})
            try:
                parent = psutil.Process(root)
                tree = [parent, *parent.children(recursive=True)]
            except psutil.Error:
                continue
            for proc in tree:
                # Own time only: a parent's children_* time arrives when a child is reaped and
                # may have been spent long before (a pooled backend that ran slow queries).
                with contextlib.suppress(psutil.Error):
                    t = proc.cpu_times()
                    seen[proc.pid] = t.user + t.system
        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # reaped: wrk, the Python client
        parts["benchmark"] = {0: me.ru_utime + me.ru_stime}
        parts["loadgen"] = {0: kids.ru_utime + kids.ru_stime}
        return parts

    @staticmethod
    def _total(sample: dict[str, dict[int, float]]) -> float:
        return sum(sum(part.values()) for part in sample.values())

    def wait_idle(self, limit: float = 60.0) -> None:
        """Wait until the server and PostgreSQL are idle: requests a load generator gave up
        on (a slow page) must not eat into the next measurement."""
        deadline = time.monotonic() + limit
        before = self._total(self._sample())
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = self._total(self._sample())
            if now - before < 0.05:  # under 0.1 cores over half a second
                return
            before = now

    def wait_quiet(self, limit: float, threshold: float = 0.1, window: float = 2.0) -> float:
        """Wait (up to `limit` seconds) until other processes use under `threshold` cores
        for `window` seconds: on a shared machine, start measuring in a quiet moment.
        Returns the seconds waited."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            self.start()
            time.sleep(window)
            if self.stop()["others"] < threshold:
                break
        return time.monotonic() - started

    def start(self) -> None:
        self._t0, self._busy0, self._sample0 = time.monotonic(), self._busy(), self._sample()

    def stop(self) -> dict[str, float]:
        """Cores used, averaged over the interval: "busy" (the whole machine), "server",
        "postgres", "loadgen" (the child that ended in the interval) and "others"."""
        seconds = time.monotonic() - self._t0
        busy = (self._busy() - self._busy0) / seconds
        now = self._sample()
        cores = {
            part: sum(v - self._sample0.get(part, {}).get(pid, 0.0) for pid, v in pids.items())
            / seconds
            for part, pids in now.items()
        }
        cores["others"] = max(0.0, busy - sum(cores.values()))
        cores["busy"] = busy
        # uvicorn's workers share one listening socket: how evenly did they share the work?
        root = self.roots.get("server")
        workers = [
            (v - self._sample0.get("server", {}).get(pid, 0.0)) / seconds
            for pid, v in now.get("server", {}).items()
            if pid != root
        ]
        workers = sorted(workers, reverse=True)[: self.workers]  # not the resource tracker
        if workers:
            cores["worker_max"], cores["worker_min"] = workers[0], workers[-1]
        return cores


# --- report ----------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}"


def reference_loop_ms(rounds: int = 5) -> float:
    """How fast this machine runs Python just now: the best of `rounds` timings of a fixed
    pure-Python loop, in ms (lower is faster). A shared VM's speed drifts, here by a third
    between runs minutes apart with nothing else running; req/s of two runs compare only
    when this figure does."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i & 7
        best = min(best, time.perf_counter() - started)
    return best * 1000


def text_table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)
