"""The type checker (`make lint` runs mypy over api/, infra/ and functions/) refuses a
unit of work called with the wrong arguments: `in_session`, `in_read_session` and
`in_write_session` carry the service function's parameters (ParamSpec)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MISUSE = """
from uuid import UUID

from api.auth.access import in_write_session
from api.core.viewer import Viewer
from api.core.db import in_read_session
from api.posts import service


async def misuse(viewer: Viewer, post_id: UUID) -> None:
    await in_read_session(service.get_post, post_id, viewer)  # swapped
    await in_read_session(service.get_post, viewer)  # missing
    await in_write_session(service.delete_post, viewer, "not-a-uuid")  # wrong type
"""


def test_a_unit_of_work_with_wrong_arguments_does_not_type_check(tmp_path):
    probe = tmp_path / "misuse.py"
    probe.write_text(MISUSE)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", str(probe)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in done.stdout.splitlines() if "misuse.py" in line]
    assert done.returncode == 1, done.stdout + done.stderr
    assert any(":11: error: Argument 2" in line for line in lines), lines  # swapped
    assert any(":12: error: Missing positional argument" in line for line in lines), lines
    assert any(":13: error: Argument 3" in line for line in lines), lines
