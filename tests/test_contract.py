"""The committed OpenAPI document (clients/openapi.json) is the contract app developers
build on: it is exactly what the server serves, and it changes without breaking clients
unless its major version says so.

The release a change is checked against is the document as it was when its current
`info.version` was first committed: a breaking change fails until the version's major is
raised, and that commit is then the baseline of the next ones. The check itself is
api-smart-diff's classification (clients/tools/breaking-changes.mjs), run with the
machine's Node.js from the packages `make install-clients` installs.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path

import pytest

from api.main import create_app

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "clients" / "openapi.json"
CHECKER = ROOT / "clients" / "tools" / "breaking-changes.mjs"
DOCUMENT = "clients/openapi.json"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def release_baseline() -> dict:
    """The document at the oldest commit of the unbroken run of commits, newest back,
    whose document carries the current version; the working copy if none is committed."""
    current = json.loads(COMMITTED.read_text())
    baseline = current
    for commit in _git("log", "--format=%H", "--", DOCUMENT).split():
        try:
            document = json.loads(_git("show", f"{commit}:{DOCUMENT}"))
        except subprocess.CalledProcessError:  # the commit deleted it
            break
        if document["info"]["version"] != current["info"]["version"]:
            break
        baseline = document
    return baseline


def breaking_changes(old: dict, new: dict, tmp_path: Path) -> tuple[int, str]:
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    assert (ROOT / "clients" / "node_modules" / "api-smart-diff").exists(), (
        "the contract tooling is not installed: make install-clients"
    )
    run = subprocess.run(
        ["node", str(CHECKER), str(tmp_path / "old.json"), str(tmp_path / "new.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode in (0, 1), run.stderr
    return run.returncode, run.stdout


@pytest.fixture(scope="module")
def served() -> dict:
    return create_app().openapi()


def test_the_committed_document_is_the_one_the_server_serves(served):
    committed = json.loads(COMMITTED.read_text())
    assert committed == served, (
        "clients/openapi.json differs from the app's document: run `make openapi`, "
        "review the diff (it is the change app developers see) and commit it"
    )


# What the classifier calls breaking but no client of the release can notice, each with
# why (a client validates a `pattern` as ECMA-262 does). Matched against its report's
# lines; drop them when the major is next raised (the new baseline has neither shape).
NOT_BREAKING = {
    # \d was [0-9] to an ECMA-262 client already; only the server took other scripts'.
    r"/semester(_taken)?/pattern: |pattern validator (in query parameter|of) `semester(_taken)?`": (
        "the semester's \\d written as [0-9]"
    ),
    # The pattern they replace, ^[\w.\-]{2,20}$, bounded the length to 2-20 already.
    r"/nickname/(minLength|maxLength): |(minLength|maxLength) validator to `nickname`": (
        "the nickname's length, once in its pattern"
    ),
}


def test_nothing_breaks_clients_of_the_release(tmp_path):
    _status, report = breaking_changes(
        release_baseline(), json.loads(COMMITTED.read_text()), tmp_path
    )
    changes = report.strip().splitlines()[:-1]  # the last line counts them
    breaking = [c for c in changes if not any(re.search(p, c) for p in NOT_BREAKING)]
    assert breaking == [], (
        "breaking changes against the release of this version; keep the old shape, or "
        "raise info.version's major (api/main.py) and say so to app developers:\n"
        + "\n".join(breaking)
    )


def test_the_check_reports_a_removed_field_a_narrowed_type_and_a_new_required_parameter(
    served, tmp_path
):
    broken = copy.deepcopy(served)
    schemas = broken["components"]["schemas"]
    del schemas["PostOut"]["properties"]["like_count"]
    schemas["PostIn"]["properties"]["title"]["maxLength"] = 10
    broken["paths"]["/v1/posts/{post_id}"]["get"].setdefault("parameters", []).append(
        {"name": "fields", "in": "query", "required": True, "schema": {"type": "string"}}
    )
    status, report = breaking_changes(served, broken, tmp_path)
    assert status == 1
    assert "like_count" in report
    assert "maxLength" in report or "max length" in report.lower()
    assert "fields" in report
    assert report.strip().endswith("breaking") and " 0 breaking" not in report

    additive = copy.deepcopy(served)
    additive["components"]["schemas"]["PostOut"]["properties"]["new_field"] = {"type": "string"}
    assert breaking_changes(served, additive, tmp_path)[0] == 0
