"""The database dies under a running API: every request answers 503 problem+json with
Retry-After (none 500, none hangs), the outage is logged in a line or two instead of a
stack trace per request, and everything recovers once the database is back."""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from uuid import uuid4

import httpx

from infra.database import pg8000_socket_url
from infra.embedded_postgres import start_again
from tests.conftest import running_server
from tests.reliability.dbfaults import (
    PROBLEM_JSON,
    kill_postmaster,
    log_lines,
    new_root,
    post_titles,
    postgres_processes,
    quad,
    seed,
    start_postgres,
    wait_until_ready,
)

BOUND = 3.0  # seconds any one request may take while the database is down or restarting


def _one_of_each(client: httpx.Client, seeded) -> dict[str, tuple[httpx.Response, float]]:
    """A sync endpoint (its session a dependency), an async one (its work in the
    threadpool), a write, and readiness; each with the seconds it took."""
    calls = {
        "list schools": lambda: client.get("/v1/schools"),
        "read post": lambda: client.get(f"/v1/posts/{seeded.post}", headers=seeded.headers),
        "create post": lambda: client.post(
            f"/v1/boards/{seeded.board}/posts",
            json={"title": f"t-{uuid4()}", "body": "b"},
            headers=seeded.headers,
        ),
        "readyz": lambda: client.get("/readyz"),
    }
    answers = {}
    for name, call in calls.items():
        started = time.monotonic()
        response = call()
        answers[name] = (response, time.monotonic() - started)
    return answers


def _incident_lines(log_path) -> list[dict]:
    """The server's log records, but uvicorn's own (start-up and shutdown)."""
    return [
        line
        for line in log_lines(log_path)
        if "severity" in line and line.get("logger") != "uvicorn.error"
    ]


def test_requests_answer_503_while_the_database_is_down_and_recover(database_url):
    root = new_root()
    pgdata = root / "pg"
    server = start_postgres(pgdata)
    url = pg8000_socket_url(str(pgdata), "quad")
    log_path = root / "server.log"
    try:
        quad("migrate", env={"DATABASE_URL": url})
        seeded = seed(url)
        with (
            log_path.open("w") as log,
            running_server(workers=1, env={"DATABASE_URL": url}, stdout=log) as (_, base),
            httpx.Client(base_url=base, timeout=BOUND * 3) as client,
        ):
            before = _one_of_each(client, seeded)
            assert {name: r.status_code for name, (r, _) in before.items()} == {
                "list schools": 200,
                "read post": 200,
                "create post": 201,
                "readyz": 200,
            }

            kill_postmaster(pgdata)
            down: list[tuple[str, httpx.Response, float]] = []
            until = time.monotonic() + 2
            while time.monotonic() < until:
                down += [(n, r, s) for n, (r, s) in _one_of_each(client, seeded).items()]
            for name, response, seconds in down:
                assert response.status_code == 503, (name, response.status_code, response.text)
                assert response.headers["content-type"] == PROBLEM_JSON
                assert int(response.headers["retry-after"]) >= 0
                expected = "not-ready" if name == "readyz" else "database-unavailable"
                assert response.json()["type"] == f"urn:quad:problem:{expected}", name
                assert seconds < BOUND, (name, seconds)
            refused = len(down)

            # One line for the whole outage so far, however many requests it refused.
            lines = _incident_lines(log_path)
            assert len(lines) == 1, lines
            assert lines[0]["message"].startswith("database unavailable")
            assert "stack_trace" not in lines[0]

            start_again(server, first_wait=0.2)
            wait_until_ready(client, within=10)
            # The pool's connections died with the server; each is replaced on first use.
            until = time.monotonic() + 10
            while True:
                after = _one_of_each(client, seeded)
                codes = {name: r.status_code for name, (r, _) in after.items()}
                if codes == {name: r.status_code for name, (r, _) in before.items()}:
                    break
                assert time.monotonic() < until, codes
                assert set(codes.values()) <= {200, 201, 503}, codes
                time.sleep(0.2)

            # Once the database has answered for a moment, the outage's second line.
            until = time.monotonic() + 6
            while not any("answering again" in line["message"] for line in log_lines(log_path)):
                assert time.monotonic() < until, _incident_lines(log_path)
                _one_of_each(client, seeded)
                time.sleep(0.2)
            lines = _incident_lines(log_path)
            assert len(lines) == 2, lines
            assert "stack_trace" not in lines[1]
            assert lines[1]["refused"] >= refused
            print(f"\n{refused} requests refused while down; log: {[x['message'] for x in lines]}")
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


def test_kill_9_under_load_loses_no_committed_write(database_url):
    """`quad serve` with its embedded database (the supervisor restarts it) under four
    writers; the postmaster is killed mid-way."""
    from infra.settings import get_settings

    root = new_root()
    pgdata = root / "data" / "pg"
    env = {
        "DATABASE_URL": None,
        "DATA_DIR": str(root / "data"),
        "JWT_SECRET": get_settings().signing_key(),
    }
    log_path = root / "server.log"
    try:
        quad("migrate", env=env)  # starts the embedded database, stops it when done
        with (
            log_path.open("w") as log,
            running_server(workers=1, env=env, stdout=log) as (_, base),
        ):
            url = pg8000_socket_url(str(pgdata), "quad")
            seeded = seed(url)
            # title, status (0: no answer), when it started, seconds it took
            results: list[tuple[str, int, float, float]] = []
            stop = threading.Event()

            def write(worker: int) -> None:
                with httpx.Client(base_url=base, timeout=BOUND * 3) as client:
                    n = 0
                    while not stop.is_set():
                        n += 1
                        title = f"w{worker}-{n}-{uuid4().hex[:8]}"
                        started = time.monotonic()
                        try:
                            status = client.post(
                                f"/v1/boards/{seeded.board}/posts",
                                json={"title": title, "body": "load"},
                                headers=seeded.headers,
                            ).status_code
                        except httpx.TransportError:
                            status = 0
                        results.append((title, status, started, time.monotonic() - started))

            writers = [threading.Thread(target=write, args=(i,)) for i in range(4)]
            for writer in writers:
                writer.start()
            time.sleep(2)
            killed_at = time.monotonic()
            kill_postmaster(pgdata)
            # Load on until writes have gone through again for a couple of seconds (the
            # supervisor restarts the database within a few), at most 15 s.
            while time.monotonic() - killed_at < 15:
                time.sleep(0.5)
                refused_at = [at for _, status, at, _ in results if status == 503]
                if refused_at and any(
                    status == 201 and at > max(refused_at) + 2 for _, status, at, _ in results
                ):
                    break
            stop.set()
            for writer in writers:
                writer.join(timeout=BOUND * 3)
            assert wait_until_ready(httpx.Client(base_url=base), within=10) < 10

            rows = Counter(post_titles(url))
            statuses = Counter(status for _, status, _, _ in results)
            created = [title for title, status, _, _ in results if status == 201]
            refused = [title for title, status, _, _ in results if status == 503]
            lost = [title for title in created if rows[title] == 0]
            duplicated = [title for title, count in rows.items() if count > 1]
            refused_but_written = [title for title in refused if rows[title]]
            worst = max(seconds for _, _, _, seconds in results)
            first_refused = min(at for _, status, at, _ in results if status == 503)
            last_refused = max(at for _, status, at, _ in results if status == 503)
            supervisor = [
                f"{line['time'][11:22]} {line['message']}"
                for line in log_lines(log_path)
                if line.get("logger") == "infra.embedded_postgres"
            ]
            print(
                f"\n{len(results)} requests: {statuses[201]} x 201, {statuses[503]} x 503, "
                f"{sum(n for s, n in statuses.items() if s >= 500 and s != 503)} other 5xx, "
                f"{statuses[0]} unanswered; {len(lost)} lost writes, {len(duplicated)} "
                f"duplicated, {len(refused_but_written)} refused but committed; "
                f"worst latency {worst:.2f} s; refused for {last_refused - first_refused:.1f} s"
                f"; the supervisor: {supervisor}"
            )
            assert set(statuses) <= {201, 503}, statuses
            # The kill landed mid-load, and writes succeeded again once the supervisor had
            # restarted the database.
            assert any(status == 201 and at > last_refused for _, status, at, _ in results)
            assert not lost
            assert not duplicated
            assert worst < BOUND
            lines = [
                line
                for line in _incident_lines(log_path)
                if line.get("logger") != "infra.embedded_postgres"  # the supervisor's
            ]
            assert len(lines) <= 2, lines
        assert not postgres_processes(pgdata)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_a_statement_timeout_answers_503_and_logs_one_line(campus, engine):
    """The database is up but the statement ran out of time (here: waiting for a row lock
    held elsewhere). 503 database-timeout with Retry-After, one log line naming the
    statement, no stack trace."""
    from sqlalchemy import text

    root = new_root()
    log_path = root / "server.log"
    try:
        with (
            log_path.open("w") as log,
            running_server(workers=1, env={"DB_STATEMENT_TIMEOUT_MS": "300"}, stdout=log) as (
                _,
                base,
            ),
            httpx.Client(base_url=base, timeout=BOUND * 3) as client,
            engine.connect() as holder,
        ):
            holder.execute(
                text("SELECT 1 FROM users WHERE id = :id FOR UPDATE"), {"id": campus.alice.id}
            )
            started = time.monotonic()
            response = client.patch(
                "/v1/users/me", json={"nickname": "alice2"}, headers=campus.alice.headers
            )
            assert time.monotonic() - started < BOUND
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == PROBLEM_JSON
            assert response.json()["type"] == "urn:quad:problem:database-timeout"
            assert "retry-after" in response.headers
            holder.rollback()
            # The lock gone, the same request goes through.
            assert (
                client.patch(
                    "/v1/users/me", json={"nickname": "alice2"}, headers=campus.alice.headers
                ).status_code
                == 200
            )
            [line] = _incident_lines(log_path)
            assert line["message"] == "statement timeout"
            assert "UPDATE users" in line["statement"]
            assert "stack_trace" not in line
    finally:
        shutil.rmtree(root, ignore_errors=True)
