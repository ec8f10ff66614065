"""The Terraform checks that run offline: `terraform fmt` and checkov.

checkov lives in its own locked environment (terraform/tools/checkov: it pins many
libraries of its own). It is installed from that lock with the project's uv and run once
per content of terraform/: the result is kept in pytest's cache under a hash of every file
it depends on, so an unchanged tree is not scanned again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.uvtool import find_uv
from tests.terraform.hcl import ROOT, TERRAFORM, module_dirs, readme_usage, tf_files

CHECKOV_PROJECT = TERRAFORM / "tools" / "checkov"
CHECKOV_CONFIG = TERRAFORM / ".checkov.yaml"
CACHE_KEY = "quad/checkov-report"


def test_terraform_fmt_is_clean():
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not installed (CI has it; `terraform fmt -recursive terraform`)")
    result = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", "-diff", "-no-color", str(TERRAFORM)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"terraform fmt would change:\n{result.stdout}{result.stderr}"


def test_readme_usage_examples_are_formatted_hcl():
    """`terraform fmt` does not read READMEs: each module's usage example is given to it."""
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not installed (CI has it)")
    unformatted = []
    for module in module_dirs():
        usage = readme_usage(module)
        assert usage, f"{module.name}/README.md has no usage example"
        example = usage["hcl"] + "\n"
        result = subprocess.run(
            [terraform, "fmt", "-no-color", "-"],
            input=example,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, f"{module.name}/README.md: {result.stderr}"
        if result.stdout != example:
            unformatted.append(module.name)
    assert not unformatted, f"terraform fmt would change the usage example of {unformatted}"


def inputs_digest() -> str:
    digest = hashlib.sha256()
    files = [*tf_files(extensions=(".tf", ".tfvars", ".json")), CHECKOV_CONFIG]
    # This file too: how the report is read is part of the cached result.
    files += [CHECKOV_PROJECT / "pyproject.toml", CHECKOV_PROJECT / "uv.lock", Path(__file__)]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_checkov() -> dict:
    uv = find_uv()
    if uv is None:
        pytest.skip("uv not found: run `make test`, or `make install` first")
    env = {
        k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
    }
    env.setdefault("UV_PYTHON", sys.executable)
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    sync = subprocess.run(
        [uv, "sync", "--locked", "--quiet", "--project", str(CHECKOV_PROJECT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if sync.returncode != 0:
        pytest.skip(
            "could not install checkov from terraform/tools/checkov/uv.lock "
            f"(offline with an empty uv cache?): {sync.stderr.strip()[-500:]}"
        )
    scan = subprocess.run(
        [
            str(CHECKOV_PROJECT / ".venv" / "bin" / "checkov"),
            "--config-file",
            str(CHECKOV_CONFIG),
            "--output",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    try:
        report = json.loads(scan.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"checkov did not report (exit {scan.returncode}): {scan.stderr[-2000:]}")
    reports = report if isinstance(report, list) else [report]
    failed, skipped = [], []
    summary = {"passed": 0, "failed": 0, "skipped": 0, "resource_count": 0}
    for r in reports:
        for key in summary:
            summary[key] += r.get("summary", {}).get(key, 0)
        for check in r.get("results", {}).get("failed_checks", []):
            failed.append(
                f"{check['check_id']} {check['check_name']}: {check['resource']} "
                f"({check['file_path']}:{check['file_line_range'][0]})"
            )
        for check in r.get("results", {}).get("skipped_checks", []):
            reason = check.get("check_result", {}).get("suppress_comment") or ""
            skipped.append({"check": check["check_id"], "reason": reason})
    return {"summary": summary, "failed": failed, "skipped": skipped}


@pytest.fixture(scope="session")
def checkov_report(request) -> dict:
    key = inputs_digest()
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        cached = cache.get(CACHE_KEY, None)
        if cached and cached.get("key") == key:
            return cached["report"]
    report = run_checkov()
    if cache is not None:
        cache.set(CACHE_KEY, {"key": key, "report": report})
    return report


def test_checkov_finds_no_failed_checks(checkov_report):
    summary = checkov_report["summary"]
    assert summary["passed"] > 50, f"checkov scanned too little: {summary}"
    assert summary["failed"] == 0, "checkov failed checks:\n" + "\n".join(checkov_report["failed"])


def test_every_checkov_skip_carries_its_reason(checkov_report):
    unexplained = [s["check"] for s in checkov_report["skipped"] if len(s["reason"].strip()) < 20]
    assert not unexplained, f"skipped without a reason: {unexplained}"
