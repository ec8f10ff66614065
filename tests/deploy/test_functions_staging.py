"""terraform/scripts/stage-functions.sh builds the source Terraform zips and Cloud Build
deploys: functions-framework finds main.py at its root, the handlers find the functions,
api and infra packages, and requirements.txt has what the functions need and nothing
local-only."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.deploy.uvtool import ROOT, find_uv

SCRIPT = ROOT / "terraform" / "scripts" / "stage-functions.sh"


def test_the_script_is_valid_bash():
    assert SCRIPT.stat().st_mode & 0o111, "stage-functions.sh must be executable"
    result = subprocess.run(["bash", "-n", str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_staged_source_is_deployable(tmp_path):
    uv = find_uv()
    if uv is None:
        pytest.skip("uv not found: run `make test`, or `make install` first")
    out = tmp_path / "functions-source"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)} | {"UV": uv}
    result = subprocess.run(
        [str(SCRIPT), str(out)], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr

    for path in ("main.py", "requirements.txt", "functions/main.py", "api", "infra"):
        assert (out / path).exists(), path
    assert not list(out.rglob("__pycache__"))

    requirements = (out / "requirements.txt").read_text()
    names = {line.split("==")[0].lower() for line in requirements.splitlines() if "==" in line}
    assert {"functions-framework", "sqlalchemy", "cloud-sql-python-connector"} <= names
    assert not {"pgserver", "pytest", "ruff", "python-hcl2"} & names
    assert "--hash=sha256:" in requirements  # pip installs exactly what uv.lock says

    # The shim exposes every entry point of functions/main.py, as functions-framework
    # loads it (`--target NAME` on the module main).
    probe = (
        "import ast, main;"
        "tree = ast.parse(open('functions/main.py').read());"
        "names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)];"
        "missing = [n for n in names if not callable(getattr(main, n, None))];"
        "assert names and not missing, missing"
    )
    check = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=out,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(out)},
        timeout=120,
    )
    assert check.returncode == 0, check.stderr
