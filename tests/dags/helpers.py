"""Reading the local warehouse in tests."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from pathlib import Path
from typing import Any

import duckdb


def query(path: Path, sql: str, params: Any = None) -> list[dict[str, Any]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def table_names(path: Path) -> list[str]:
    return [
        r["table_name"]
        for r in query(
            path,
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1",
        )
    ]


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            name: con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall()
            for name in table_names(path)
        }
    finally:
        con.close()


def named(rows: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """Rows with every id replaced by the name the test world gave it."""
    return [{k: names.get(v, v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]


def _key(data_dir: Path) -> bytes:
    return (data_dir / "analytics-pseudonym-key").read_text().strip().encode()


def pseudonym(data_dir: Path, user_id: object) -> str:
    """A user's user_key, computed independently from the key the run generated."""
    return hmac.new(_key(data_dir), str(user_id).encode(), hashlib.sha256).hexdigest()


def week_pseudonym(data_dir: Path, monday: date, user_id: object) -> str:
    """A user's week_key for the ISO week starting on `monday`, computed the same way."""
    message = f"week\x00{monday.isoformat()}\x00{user_id}".encode()
    return hmac.new(_key(data_dir), message, hashlib.sha256).hexdigest()
