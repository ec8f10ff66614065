"""JSON log lines for Cloud Logging: trace ids from request headers, the formatter's
fields, and configure_logging() sending them to stdout."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime, timedelta

import pytest

from infra import logging as quad_logging
from infra.logging import CloudLoggingFormatter, configure_logging, trace_id_from_headers

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE}-00f067aa0ba902b7-01"


# --- trace ids -----------------------------------------------------------------------


def test_traceparent_gives_its_trace_id():
    assert trace_id_from_headers(TRACEPARENT, None) == TRACE


def test_traceparent_surrounding_whitespace_is_ignored():
    assert trace_id_from_headers(f"  {TRACEPARENT} ", None) == TRACE


SPAN = "00f067aa0ba902b7"
BAD_TRACEPARENTS = {
    "empty": "",
    "garbage": "garbage",
    "no-span-and-flags": f"00-{TRACE}",
    "31-digits": f"00-{TRACE[:-1]}-{SPAN}-01",
    "33-digits": f"00-{TRACE}0-{SPAN}-01",
    "not-hex": f"00-{'g' * 32}-{SPAN}-01",
    "all-zero": f"00-{'0' * 32}-{SPAN}-01",  # invalid by W3C
    # 32 characters but not 32 hex digits (int(x, 16) would take these):
    "0x-prefix": f"00-0x{TRACE[2:]}-{SPAN}-01",
    "sign": f"00-+{TRACE[1:]}-{SPAN}-01",
    "underscore": f"00-{TRACE[:16]}_{TRACE[17:]}-{SPAN}-01",
}


@pytest.mark.parametrize("traceparent", BAD_TRACEPARENTS.values(), ids=BAD_TRACEPARENTS.keys())
def test_invalid_traceparent_gives_no_trace(traceparent):
    assert trace_id_from_headers(traceparent, None) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("abc123/1;o=1", "abc123"),
        ("abc123", "abc123"),
        (f"{TRACE}/12345;o=0", TRACE),
        (f"{TRACE.upper()}/1", TRACE),
    ],
)
def test_cloud_trace_context(header, expected):
    assert trace_id_from_headers(None, header) == expected


@pytest.mark.parametrize("header", ["", "/1;o=1", "not-hex!/1", "z" * 10, "a" * 33 + "/1"])
def test_invalid_cloud_trace_context_gives_no_trace(header):
    assert trace_id_from_headers(None, header) is None


def test_no_headers_no_trace():
    assert trace_id_from_headers(None, None) is None


def test_traceparent_takes_precedence_over_cloud_trace_context():
    assert trace_id_from_headers(TRACEPARENT, "abc123/1;o=1") == TRACE


def test_invalid_traceparent_falls_back_to_cloud_trace_context():
    assert trace_id_from_headers("garbage", "abc123/1;o=1") == "abc123"
    zeros = f"00-{'0' * 32}-00f067aa0ba902b7-01"
    assert trace_id_from_headers(zeros, "abc123/1;o=1") == "abc123"


# --- the formatter -------------------------------------------------------------------


@pytest.fixture
def project():
    """Sets the Cloud Logging project as configure_logging() does; restores everything."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, quad_logging._project)

    def set_project(name: str | None) -> None:
        configure_logging("INFO", name)

    yield set_project
    root.handlers[:], level, quad_logging._project = saved
    root.setLevel(level)


@pytest.fixture
def in_trace():
    def enter(trace_id: str | None) -> None:
        tokens.append(quad_logging.trace_id_var.set(trace_id))

    tokens: list = []
    yield enter
    for token in reversed(tokens):
        quad_logging.trace_id_var.reset(token)


def record(level: int, msg: str = "hello %s", args: tuple = ("world",), **attrs):
    rec = logging.LogRecord("quad.test", level, __file__, 1, msg, args, None)
    rec.__dict__.update(attrs)
    return rec


def fmt(rec: logging.LogRecord) -> dict:
    line = CloudLoggingFormatter().format(rec)
    assert "\n" not in line  # one entry per line
    return json.loads(line)


@pytest.mark.parametrize(
    ("level", "severity"),
    [
        (logging.DEBUG, "DEBUG"),
        (logging.INFO, "INFO"),
        (logging.WARNING, "WARNING"),
        (logging.ERROR, "ERROR"),
        (logging.CRITICAL, "CRITICAL"),
    ],
)
def test_severity_names(level, severity):
    assert fmt(record(level))["severity"] == severity


def test_message_time_and_logger(in_trace):
    in_trace(None)
    entry = fmt(record(logging.INFO, "user %s did %d things", ("명수", 3)))
    assert entry["message"] == "user 명수 did 3 things"
    assert entry["logger"] == "quad.test"
    when = datetime.fromisoformat(entry["time"])
    assert when.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - when) < timedelta(minutes=1)
    assert "logging.googleapis.com/trace" not in entry


def test_trace_with_project(project, in_trace):
    project("quad-prod")
    in_trace(TRACE)
    entry = fmt(record(logging.WARNING))
    assert entry["logging.googleapis.com/trace"] == f"projects/quad-prod/traces/{TRACE}"


def test_trace_without_project(project, in_trace):
    project(None)
    in_trace(TRACE)
    assert fmt(record(logging.INFO))["logging.googleapis.com/trace"] == TRACE


def test_structured_fields_and_stack_trace(in_trace):
    in_trace(None)
    try:
        raise ValueError("broken thing")
    except ValueError:
        exc_info = sys.exc_info()
    rec = logging.LogRecord("quad.test", logging.ERROR, __file__, 1, "failed", (), exc_info)
    rec.fields = {"path": "/v1/posts", "http_method": "GET"}
    entry = fmt(rec)
    assert entry["severity"] == "ERROR"
    assert entry["message"] == "failed"
    assert entry["path"] == "/v1/posts" and entry["http_method"] == "GET"
    assert "ValueError: broken thing" in entry["stack_trace"]


def test_configure_logging_writes_json_lines_to_stdout(project, in_trace, capsys):
    project("quad-dev")  # after capsys swapped stdout, so the handler writes to it
    in_trace(TRACE)
    log = logging.getLogger("quad.test.stdout")
    log.debug("too detailed")  # below the configured INFO
    log.warning("disk %d%% full", 91)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["severity"], e["message"]) for e in lines] == [("WARNING", "disk 91% full")]
    assert lines[0]["logging.googleapis.com/trace"] == f"projects/quad-dev/traces/{TRACE}"
