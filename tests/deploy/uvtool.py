"""Where the project's uv is, for tests that run it (the checkov environment, staging the
functions' source)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def find_uv() -> str | None:
    candidates = [
        os.environ.get("UV"),  # set by `uv run` (make test)
        str(Path(sys.executable).parent / "uv"),  # the dev group's uv in .venv
        str(ROOT / ".tools" / "bin" / "uv"),  # the Makefile's uv
        shutil.which("uv"),
    ]
    return next((c for c in candidates if c and Path(c).is_file()), None)
