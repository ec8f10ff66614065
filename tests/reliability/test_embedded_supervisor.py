"""`quad serve` with the embedded PostgreSQL (`make run`) restarts it when it dies, and
stops it on Ctrl-C, even when the running one is not the one it first started."""

from __future__ import annotations

import shutil
import signal
import time

import httpx

from infra.embedded_postgres import postmaster_pid
from tests.conftest import running_server
from tests.reliability.dbfaults import (
    kill_postmaster,
    log_lines,
    new_root,
    postgres_processes,
    quad,
    wait_until_ready,
)


def _logged_within(log_path, words: str, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if any(
            words in line["message"]
            for line in log_lines(log_path)
            if line.get("logger") == "infra.embedded_postgres"
        ):
            return True
        time.sleep(0.1)
    return False


def _answers_again(client: httpx.Client, path: str, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        status = client.get(path).status_code
        if status == 200:
            return True
        assert status == 503, status  # unavailable, never a 500
        time.sleep(0.1)
    return False


def test_serve_restarts_its_killed_database_and_stops_it_on_ctrl_c(database_url):
    root = new_root()
    pgdata = root / "data" / "pg"
    env = {"DATABASE_URL": None, "DATA_DIR": str(root / "data")}
    log_path = root / "server.log"
    try:
        quad("migrate", env=env)
        assert postmaster_pid(pgdata) is None  # migrate stopped the database it started
        with (
            log_path.open("w") as log,
            running_server(workers=1, env=env, stdout=log) as (proc, base),
            httpx.Client(base_url=base, timeout=10) as client,
        ):
            first = kill_postmaster(pgdata)
            assert wait_until_ready(client, within=10) < 10
            # A pooled connection to the killed server may still fail one request (503)
            # before the pool replaces it; the API answers again within the bound.
            assert _answers_again(client, "/v1/schools", within=10)
            restarted = postmaster_pid(pgdata)
            assert restarted not in (None, first)
            # The supervisor logs once the start returned, which may be just after the
            # API answers again.
            assert _logged_within(log_path, "running again", within=10)

            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=20)
        assert postmaster_pid(pgdata) is None
        assert not (pgdata / "postmaster.pid").exists()
        assert not postgres_processes(pgdata)
    finally:
        for process in postgres_processes(pgdata):  # only if the test failed
            process.kill()
        shutil.rmtree(root, ignore_errors=True)
