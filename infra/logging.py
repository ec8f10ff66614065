"""JSON log lines that Cloud Logging reads as structured entries.

Each line carries `severity`, `message`, `time` and, inside a request, the trace
(`logging.googleapis.com/trace`) taken from `traceparent` or `X-Cloud-Trace-Context`, so
a request's lines group under its trace in the console.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

trace_id_var: ContextVar[str | None] = ContextVar("trace_id", default=None)
_project: str | None = None

_SEVERITY = {
    logging.DEBUG: "DEBUG",
    logging.INFO: "INFO",
    logging.WARNING: "WARNING",
    logging.ERROR: "ERROR",
    logging.CRITICAL: "CRITICAL",
}


def trace_id_from_headers(traceparent: str | None, cloud_trace: str | None) -> str | None:
    """W3C `traceparent` (00-<32 hex>-<16 hex>-<flags>) first, then `TRACE_ID/SPAN;o=1`."""
    if traceparent:
        parts = traceparent.strip().split("-")
        if len(parts) >= 4 and len(parts[1]) == 32 and _is_hex(parts[1]) and parts[1] != "0" * 32:
            return parts[1].lower()
    if cloud_trace:
        trace = cloud_trace.split("/", 1)[0].strip()
        if 0 < len(trace) <= 32 and _is_hex(trace):
            return trace.lower()
    return None


_HEX = re.compile(r"[0-9a-fA-F]+")


def _is_hex(value: str) -> bool:
    # Digits only: int(value, 16) would also take "0x", a sign, "_" and spaces.
    return _HEX.fullmatch(value) is not None


class CloudLoggingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "severity": _SEVERITY.get(record.levelno, "DEFAULT"),
            "message": record.getMessage(),
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "logger": record.name,
        }
        trace_id = trace_id_var.get()
        if trace_id:
            entry["logging.googleapis.com/trace"] = (
                f"projects/{_project}/traces/{trace_id}" if _project else trace_id
            )
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            entry.update(extra)
        if record.exc_info:
            entry["stack_trace"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO", project: str | None = None) -> None:
    global _project
    _project = project
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(CloudLoggingFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's own loggers should go through the same JSON handler.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lg = logging.getLogger(name)
        lg.handlers[:] = []
        lg.propagate = True
    logging.getLogger("pgserver").setLevel(logging.WARNING)  # chatty at INFO
    # Access lines per request cost throughput and Cloud Run logs requests itself.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
