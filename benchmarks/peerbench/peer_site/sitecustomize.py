"""Run by every Python process of the peer (benchmarks/peerbench/peer.py puts this folder
first on its PYTHONPATH): its server's workers and its migrations.

The one run-time patch the peer needs here: pgserver's PostgreSQL listens on a Unix socket
only, and the peer's DATABASE_URL is a pydantic PostgresDsn, which requires a host name.
The URL names `localhost` and passes the socket folder as `?host=`, which libpq (the
migrations' psycopg2) honours; asyncpg lets the URL's host win over `?host=`, so its pool
gets the folder as an argument (asyncpg's own way of naming a socket).
"""

import functools
import os

_socket_dir = os.environ.get("PEER_PG_SOCKET_DIR")
if _socket_dir:
    import asyncpg

    asyncpg.create_pool = functools.partial(asyncpg.create_pool, host=_socket_dir)
