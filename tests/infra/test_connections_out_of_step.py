"""A connection on which anything but the server's own error was raised mid-statement
never goes back to the pool: the next statement on it could read the reply meant for the
last one, which is how one user was once answered with another user's account.

Each driver path is made to fail on purpose (a parameter that cannot be converted once
part of the statement is on the wire, a result that cannot be parsed half-way through the
rows), then the same one-connection pool must answer every later statement with its own
result.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, text

from infra.database import CUSTOM_PLAN, create_db_engine
from infra.settings import Settings

# Converting it to UTC (which pg8000 does to send it) overflows: OverflowError.
UNSENDABLE = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))
MONEY_OID = 790


@pytest.fixture(params=["prepared", "pg8000-unnamed"])
def one_connection_engine(request, database_url):
    """A pool of exactly one connection, with our statement preparation or pg8000's own
    unnamed statements. Results of the `money` type fail to parse, on purpose."""
    engine = create_db_engine(
        Settings(
            database_url=database_url,
            jwt_secret="x" * 40,
            db_pool_size=1,
            db_max_overflow=0,
            db_driver_tuning=request.param == "prepared",
        )
    )

    @event.listens_for(engine, "connect")
    def _unparsable_money(dbapi_conn, _record):
        def fail(_text):
            raise ValueError("this result cannot be parsed")

        dbapi_conn.register_in_adapter(MONEY_OID, fail)

    yield engine
    engine.dispose()


FAILURES = {
    # The statement is prepared, then its parameters fail to convert.
    "named": (text("SELECT CAST(:t AS timestamptz) AS v"), {"t": UNSENDABLE}),
    # pg8000 sends Parse and Describe, then fails converting: their replies stay unread.
    "unnamed": (text(f"SELECT {CUSTOM_PLAN} CAST(:t AS timestamptz) AS v"), {"t": UNSENDABLE}),
    # Rows arrive, the second one fails to parse: the rest of the reply stays unread.
    "result": (text("SELECT (n::numeric)::money AS v FROM generate_series(1, 500) AS n"), {}),
    "many": (
        text("SELECT CAST(:t AS timestamptz) AS v"),
        [{"t": datetime(2026, 1, 1, tzinfo=UTC)}, {"t": UNSENDABLE}],
    ),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_after_a_failure_mid_statement_every_statement_gets_its_own_result(
    one_connection_engine, failure
):
    statement, params = FAILURES[failure]
    # The driver's own error, whatever it is.
    with one_connection_engine.connect() as conn, pytest.raises(Exception):  # noqa: B017
        conn.execute(statement, params)
    for n in range(20):
        with one_connection_engine.connect() as conn:
            # Both paths: a prepared statement, then an unnamed one.
            assert conn.execute(text("SELECT CAST(:n AS int) AS n"), {"n": n}).scalar() == n
            own = text(f"SELECT {CUSTOM_PLAN} 'own ' || :n")
            assert conn.execute(own, {"n": str(n)}).scalar() == f"own {n}"


def test_a_failure_inside_a_transaction_is_not_handed_on(one_connection_engine):
    with pytest.raises(Exception), one_connection_engine.begin() as conn:  # noqa: B017
        conn.execute(text("SELECT 1"))
        conn.execute(*FAILURES["unnamed"])
    with one_connection_engine.connect() as conn:
        assert conn.execute(text("SELECT 'mine'")).scalar() == "mine"


def test_the_servers_own_error_keeps_the_connection(one_connection_engine):
    """An error PostgreSQL reported leaves the connection in step: it is kept (no
    reconnect for every constraint violation)."""
    with one_connection_engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with pytest.raises(Exception, match="division by zero"):
            conn.execute(text("SELECT 1 / CAST(:d AS int)"), {"d": 0})
    with one_connection_engine.connect() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar() == pid


def test_a_client_side_failure_replaces_only_its_own_connection(database_url):
    """Other pooled connections are in step and stay (unlike a dead server, which makes
    every pooled connection suspect)."""
    engine = create_db_engine(
        Settings(database_url=database_url, jwt_secret="x" * 40, db_pool_size=2)
    )
    try:
        first, second = engine.connect(), engine.connect()
        kept_pid = second.execute(text("SELECT pg_backend_pid()")).scalar()
        with pytest.raises(Exception):  # noqa: B017
            first.execute(*FAILURES["unnamed"])
        first.close()
        second.close()
        pids = set()
        a, b = engine.connect(), engine.connect()
        for conn in (a, b):
            pids.add(conn.execute(text("SELECT pg_backend_pid()")).scalar())
            conn.close()
        assert kept_pid in pids
    finally:
        engine.dispose()
