"""Statements per request, counted alike for both servers by PostgreSQL itself: its
statement log (log_statement = all, for a moment, through ALTER SYSTEM and a reload, so
the servers' pooled connections pick it up), read back per database. pgserver's build has
no pg_stat_statements. A line is a statement PostgreSQL executed: BEGIN, COMMIT, a pool's
ping or reset included (asyncpg resets a connection on release: one multi-statement line).
"""

from __future__ import annotations

import http.client
import re
import time
from pathlib import Path

from apibench.workload import Request
from bench_common import connect, query

PREFIX = "%m [%p] db=%d "
LINE = re.compile(r"^\S+ \S+ \S+ \[\d+\] db=(\S*) LOG:  (?:statement|execute [^:]+): ")


def send(port: int, request: Request) -> int:
    """One request as wrk sends it (benchmarks/wrk/requests.lua): the extra header fields
    after, and over, the Bearer token."""
    method, path, token, body, *fields = request
    headers = {"Authorization": f"Bearer {token}"}
    if body:
        headers["Content-Type"] = "application/json"
    headers.update(field.split(": ", 1) for field in fields)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body.encode() or None, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def count_lines(text: str, database: str) -> int:
    return sum(1 for line in text.splitlines() if (m := LINE.match(line)) and m[1] == database)


class StatementLog:
    """`with StatementLog(admin_url, pg_log) as log:` turns statement logging on;
    `log.count(port, database, requests)` sends each request and returns the statements
    per request PostgreSQL logged for `database` meanwhile."""

    def __init__(self, admin_url: str, pg_log: Path) -> None:
        self.admin_url, self.pg_log = admin_url, pg_log

    def _set(self, on: bool) -> None:
        conn = connect(self.admin_url, autocommit=True)
        try:
            if on:
                query(conn, "ALTER SYSTEM SET log_statement = 'all'")
                query(conn, f"ALTER SYSTEM SET log_line_prefix = '{PREFIX}'")
            else:
                query(conn, "ALTER SYSTEM RESET log_statement")
                query(conn, "ALTER SYSTEM RESET log_line_prefix")
            query(conn, "SELECT pg_reload_conf()")
        finally:
            conn.close()
        time.sleep(0.3)  # the backends read the new settings before their next statement

    def __enter__(self) -> StatementLog:
        self._set(True)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._set(False)

    def count(self, port: int, database: str, requests: list[Request]) -> tuple[float, list[int]]:
        """Statements per request, and the statuses the requests got."""
        start = self.pg_log.stat().st_size
        statuses = [send(port, r) for r in requests]
        time.sleep(0.2)  # the log is written by each backend; let the last lines land
        with self.pg_log.open("rb") as f:
            f.seek(start)
            text = f.read().decode("utf-8", "replace")
        return count_lines(text, database) / max(len(requests), 1), statuses
