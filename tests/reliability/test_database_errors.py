"""Which database failures answer 503 and which stay a 500: a database that cannot serve
now is not a bug (503 database-unavailable, Retry-After, no stack trace per request); a
statement that is wrong is (500, logged with its stack). Opening a connection is bounded
by DB_CONNECT_TIMEOUT_SECONDS, and only opening it."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from infra import database

PREFIX = "urn:quad:problem:"


@pytest.fixture
def use_engine(monkeypatch, settings):
    """Make the process's engine one built from the test settings with `values` changed."""
    engines = []

    def use(**values):
        engine = database.create_db_engine(settings.model_copy(update=values))
        monkeypatch.setattr(database, "_engine", engine)
        monkeypatch.setattr(database, "_sessionmaker", sessionmaker(engine))
        engines.append(engine)
        return engine

    yield use
    for engine in engines:
        engine.dispose()


@contextmanager
def silent_server() -> Iterator[str]:
    """A TCP port that takes connections and never says a word (a hung or black-holed
    server, as far as the client can tell); its pg8000 URL."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        # Closed after a while (which resets the connections waiting on it), so a client
        # without a connect timeout fails the test rather than hanging it.
        give_up = threading.Timer(5, listener.close)
        give_up.start()
        try:
            yield f"postgresql+pg8000://quad@127.0.0.1:{listener.getsockname()[1]}/quad"
        finally:
            give_up.cancel()


def app_client():
    from api.main import create_app

    return TestClient(create_app(), raise_server_exceptions=False)


def test_opening_a_connection_to_a_silent_server_fails_within_the_connect_timeout(use_engine):
    with silent_server() as url:
        engine = use_engine(database_url=url, db_connect_timeout_seconds=0.3)
        started = time.monotonic()
        with pytest.raises(DBAPIError) as raised:
            engine.connect()
        assert time.monotonic() - started < 2
        assert database.is_unavailable(raised.value)


def test_the_connect_timeout_does_not_bound_the_statements_after(use_engine, database_url):
    engine = use_engine(database_url=database_url, db_connect_timeout_seconds=0.3)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT pg_sleep(0.6), 1")).one()[1] == 1


def test_a_silent_database_answers_503_fast_with_retry_after(use_engine, campus):
    with silent_server() as url, app_client() as client:
        use_engine(database_url=url, db_connect_timeout_seconds=0.3)
        for method, path in (
            ("GET", "/v1/schools"),  # sync endpoint, session dependency
            ("GET", f"/v1/boards/{campus.board}/posts"),  # async, in the threadpool
            ("GET", "/readyz"),
        ):
            started = time.monotonic()
            response = client.request(method, path, headers=campus.alice.headers)
            assert time.monotonic() - started < 2, path
            assert response.status_code == 503, (path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"] == "2"
            slug = "not-ready" if path == "/readyz" else "database-unavailable"
            assert response.json()["type"] == PREFIX + slug


def test_no_free_connection_within_the_pool_timeout_answers_503(use_engine, database_url):
    engine = use_engine(
        database_url=database_url, db_pool_size=1, db_max_overflow=0, db_pool_timeout=0.2
    )
    with app_client() as client, engine.connect():  # the pool's only connection, held
        response = client.get("/v1/schools")
    assert response.status_code == 503, response.text
    assert response.json()["type"] == PREFIX + "database-unavailable"
    assert client.get("/v1/schools").status_code == 200


def test_a_wrong_statement_is_still_a_500_logged_with_its_stack(database_url, capsys):
    from api.main import create_app

    app = create_app()

    @app.get("/wrong")
    def wrong() -> None:
        with database.session_scope() as session:
            session.execute(text("SELECT no_such_column FROM posts"))

    capsys.readouterr()
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/wrong")
    assert response.status_code == 500
    assert response.json()["type"] == PREFIX + "internal-error"
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    [error] = [line for line in logged if line["severity"] == "ERROR"]
    assert error["message"] == "unhandled error"
    assert "no_such_column" in error["stack_trace"]
