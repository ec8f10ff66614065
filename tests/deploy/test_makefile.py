"""The Makefile's installs are stable: installing again changes neither environment.

Where `python3` is a pyenv shim, uv once saw another interpreter path on every call and
replaced `.venv` and `.venv-dags` each time (pulling the environment from under a running
server or test run). `make test` installs both before the tests, so both exist here.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _make(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    done = subprocess.run(
        ["make", "--no-print-directory", "-s", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_installing_again_would_change_neither_environment():
    out = _make("install", "install-dags", "UV_SYNC_FLAGS=--dry-run")
    assert "Would replace" not in out and "Would create" not in out, out
    assert out.count("Would make no changes") == 2, out
