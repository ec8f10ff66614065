"""Slow and oversized bodies against a real server (`quad serve`, one worker, so the
in-flight limit is one process's), with raw sockets: the clients an attacker writes."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import running_server

BODY_TIMEOUT = 2.0
MARGIN = 1.5
SLOW_CLIENTS = 16  # more than the in-flight limit (pool size + overflow)
LOGIN = b'{"email": "nobody@example.com", "password": "correct horse battery staple"}'


@pytest.fixture(scope="module")
def server(database_url) -> Iterator[tuple[int, str]]:
    env = {"REQUEST_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT)}
    with running_server(workers=1, env=env) as (proc, base):
        yield proc.pid, base  # one worker: uvicorn serves in this very process


def _connect(base: str) -> socket.socket:
    url = urlsplit(base)
    return socket.create_connection((url.hostname, url.port), timeout=5)


def _head(path: str, *headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: quad", "Content-Type: application/json", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _read_response(sock: socket.socket, deadline: float) -> tuple[int, dict, bool]:
    """Status and problem body of the response on `sock`, and whether the server then
    closed the connection."""
    data = b""
    closed = False
    while time.monotonic() < deadline:
        if b"\r\n\r\n" in data:
            head, _, rest = data.partition(b"\r\n\r\n")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.lower().split(b"\r\n")
                if line.startswith(b"content-length:")
            )
            if len(rest) >= length:
                break
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            chunk = b""
        if not chunk:
            closed = True
            break
        data += chunk
    if not data:
        return 0, {}, closed
    head, _, rest = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if not closed:
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            closed = sock.recv(1) == b""
        except ConnectionResetError:
            closed = True
        except TimeoutError:
            closed = False
    return status, json.loads(rest) if rest else {}, closed


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_slow_bodies_get_408_while_reads_keep_answering(server, figures):
    _pid, base = server
    results: list[tuple[int, dict, float]] = []
    lock = threading.Lock()
    connected = threading.Barrier(SLOW_CLIENTS + 1)

    def trickle() -> None:
        sock = _connect(base)
        try:
            sock.sendall(_head("/v1/auth/login", f"Content-Length: {len(LOGIN)}"))
            started = time.monotonic()
            connected.wait()
            sent = 0
            status, problem = 0, {}
            # A byte every half second: 75 bytes would take over half a minute.
            while time.monotonic() - started < BODY_TIMEOUT + MARGIN and sent < len(LOGIN):
                if select.select([sock], [], [], 0.5)[0]:
                    status, problem, _closed = _read_response(sock, started + 10)
                    break
                try:
                    sock.sendall(LOGIN[sent : sent + 1])
                except OSError:
                    break
                sent += 1
            with lock:
                results.append((status, problem, time.monotonic() - started))
        finally:
            sock.close()

    threads = [threading.Thread(target=trickle) for _ in range(SLOW_CLIENTS)]
    for t in threads:
        t.start()
    connected.wait(timeout=5)
    time.sleep(0.2)  # every slow request is in the server, waiting for its body

    latencies: list[float] = []
    statuses: list[int] = []
    with httpx.Client(base_url=base, timeout=3) as c:
        until = time.monotonic() + BODY_TIMEOUT + MARGIN
        while time.monotonic() < until:
            for path in ("/readyz", "/v1/schools"):
                started = time.monotonic()
                try:
                    statuses.append(c.get(path).status_code)
                except httpx.TimeoutException:
                    statuses.append(0)
                latencies.append(time.monotonic() - started)
        # A body that arrives at once is still read and answered (no such account).
        after = c.post(
            "/v1/auth/login", content=LOGIN, headers={"content-type": "application/json"}
        )
    for t in threads:
        t.join(timeout=10)

    worst = max(latencies)
    slow_statuses = sorted({status for status, _p, _t in results})
    slowest_408 = max((took for _s, _p, took in results), default=0.0)
    figures.set("slow clients", len(results))
    figures.set("slow clients' answers", slow_statuses)
    figures.set("last slow answer s", round(slowest_408, 2))
    figures.add("reads meanwhile", len(statuses))
    figures.add("reads 5xx or timed out", sum(s >= 500 or s == 0 for s in statuses))
    figures.max("worst read latency s", round(worst, 3))
    assert statuses and set(statuses) == {200}
    # Reads never waited for the slow bodies (a bound far above a read, far below the
    # body timeout they once waited out).
    assert worst < BODY_TIMEOUT
    assert after.status_code == 401
    assert len(results) == SLOW_CLIENTS
    for status, problem, took in results:
        assert status == 408 and problem["type"] == "urn:quad:problem:request-timeout"
        assert BODY_TIMEOUT - 0.2 < took < BODY_TIMEOUT + MARGIN


def test_a_300_mb_declared_body_gets_413_before_it_is_sent(server, figures):
    _pid, base = server
    sock = _connect(base)
    try:
        started = time.monotonic()
        sock.sendall(_head("/v1/auth/login", "Content-Length: 300000000") + b'{"email": ')
        status, problem, closed = _read_response(sock, started + BODY_TIMEOUT / 2)
        took = time.monotonic() - started
    finally:
        sock.close()
    figures.set("300 MB declared: answer after s", round(took, 3))
    assert status == 413 and problem["type"] == "urn:quad:problem:payload-too-large"
    assert closed  # the rest of the body is never read
    assert took < BODY_TIMEOUT / 2  # answered at once, not after waiting for the body


def test_a_chunked_body_is_cut_off_at_the_limit_and_the_worker_stays_small(server, figures):
    pid, base = server
    rss_before = _rss_bytes(pid)
    chunk = b"%x\r\n%s\r\n" % (64 * 1024, b" " * 64 * 1024)
    most = 32 * 1024 * 1024
    sock = _connect(base)
    sent = 0
    status, problem = 0, {}
    try:
        sock.sendall(_head("/v1/auth/login", "Transfer-Encoding: chunked"))
        started = time.monotonic()
        while sent < most and time.monotonic() - started < 5:
            readable, writable, _ = select.select([sock], [sock], [], 1)
            if readable:
                status, problem, _closed = _read_response(sock, started + 5)
                break
            if writable:
                try:
                    sent += sock.send(chunk)
                except OSError:  # closed by the server after its answer
                    status, problem, _closed = _read_response(sock, started + 5)
                    break
    finally:
        sock.close()
    grown = _rss_bytes(pid) - rss_before
    figures.set("chunked: KiB sent before 413", sent // 1024)
    figures.set("chunked: worker RSS growth MiB", round(grown / 2**20, 1))
    assert status == 413 and problem["type"] == "urn:quad:problem:payload-too-large"
    assert sent < most
    assert grown < 16 * 1024 * 1024
