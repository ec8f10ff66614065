"""Hostile values shared by the reliability tests: cursors no server of ours ever made,
and the real objects a route's path parameters name (so a request gets past its 404s and
reaches the code that reads the hostile value)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

ZERO_ID = "00000000-0000-7000-8000-000000000000"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_of(value: Any) -> str:
    return b64(json.dumps(value).encode())


@dataclass(frozen=True)
class HostileCursor:
    name: str
    cursor: str
    # A (text, id) cursor, as the course catalog pages by code, may take this one as a
    # real position: any string is a course code to sort after.
    a_text_key: bool = False


HOSTILE_CURSORS: tuple[HostileCursor, ...] = (
    # The reported attack: UTC conversion overflows below year 1 / above 9999.
    HostileCursor("utc-underflow", cursor_of(["0001-01-01T00:00:00+14:00", ZERO_ID]), True),
    HostileCursor("utc-overflow", cursor_of(["9999-12-31T23:59:59-14:00", ZERO_ID]), True),
    HostileCursor("utc-underflow-3", cursor_of([False, "0001-01-01T00:00:00+14:00", ZERO_ID])),
    HostileCursor("out-of-range-date", cursor_of(["2026-13-45T25:61:00+00:00", ZERO_ID]), True),
    HostileCursor("year-zero", cursor_of(["0000-01-01T00:00:00+00:00", ZERO_ID]), True),
    HostileCursor("naive-date", cursor_of(["2026-01-01T00:00:00", ZERO_ID]), True),
    HostileCursor("offset-too-large", cursor_of(["2026-01-01T00:00:00+25:00", ZERO_ID]), True),
    HostileCursor("empty", cursor_of([])),
    HostileCursor("one-part", cursor_of([ZERO_ID])),
    HostileCursor("four-parts", cursor_of([True, "2026-01-01T00:00:00+00:00", ZERO_ID, 1])),
    HostileCursor("numbers", cursor_of([1, 2])),
    HostileCursor("nulls", cursor_of([None, None])),
    HostileCursor("object", cursor_of({"a": 1, "b": 2})),
    HostileCursor("nested-parts", cursor_of([["2026-01-01T00:00:00+00:00"], {"id": ZERO_ID}])),
    HostileCursor("string-not-list", cursor_of("2026-01-01T00:00:00+00:00")),
    HostileCursor("huge-int", b64(b"[" + b"9" * 120 + b", 1]")),
    HostileCursor("huge-float", b64(b'[1e999, "' + ZERO_ID.encode() + b'"]')),
    HostileCursor("nan", b64(b'[NaN, "' + ZERO_ID.encode() + b'"]')),
    HostileCursor("infinity", b64(b'[-Infinity, Infinity, "x"]')),
    HostileCursor("bad-uuid", cursor_of(["2026-01-01T00:00:00+00:00", "not-a-uuid"])),
    HostileCursor("uuid-as-int", cursor_of(["2026-01-01T00:00:00+00:00", 2**128])),
    HostileCursor("nul-in-text", cursor_of(["a\u0000b", ZERO_ID])),
    HostileCursor("lone-surrogate", b64(b'["\\ud800", "' + ZERO_ID.encode() + b'"]')),
    HostileCursor("non-utf8", b64(b'["\xff\xfe\xfd", "' + ZERO_ID.encode() + b'"]')),
    HostileCursor("deeply-nested", b64(b"[" * 140 + b"]" * 140)),
    HostileCursor("truncated-json", b64(b'["2026-01-01T00:00:00+00:00", "')),
    HostileCursor("not-base64", "!!!$$$***"),
    HostileCursor("base64-padding-only", "===="),
    HostileCursor("empty-string", ""),
    HostileCursor("10-KB", "A" * 10_240),
)
