"""The TypeScript client (clients/typescript, `make clients`): its types generated from the
committed document, type-checked and built by tsc, and its scenario
(test/scenario.test.ts: two students sign up, verify, post, comment and are notified,
every answer checked against the document) run by node's test runner against a live
server. The contract tooling must be installed (`make install-clients`)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.clients.conftest import CLIENTS

pytestmark = pytest.mark.live

CLIENT = CLIENTS / "typescript"
TSC = CLIENTS / "node_modules" / ".bin" / "tsc"
SCENARIO = CLIENT / "dist" / "test" / "scenario.test.js"


def _run(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 180):
    assert TSC.exists(), "the contract tooling is not installed: make install-clients"
    return subprocess.run(
        [str(a) for a in args],
        cwd=CLIENT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_committed_types_are_generated_from_the_committed_document(tmp_path):
    run = _run("node", "generate.mjs", tmp_path / "schema.d.ts")
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "schema.d.ts").read_text() == (CLIENT / "src" / "schema.d.ts").read_text(), (
        "clients/typescript/src/schema.d.ts is not what clients/openapi.json gives: "
        "run `make clients` and commit the result"
    )


@pytest.fixture(scope="module")
def built() -> Path:
    """The client and its scenario type-checked (strict) and compiled to dist/."""
    run = _run(TSC, "-p", CLIENT)
    assert run.returncode == 0, f"tsc -p clients/typescript failed:\n{run.stdout}{run.stderr}"
    return SCENARIO


def scenario(built: Path, base_url: str, settings, school, document: Path | None = None):
    env = {
        "QUAD_BASE_URL": base_url,
        "QUAD_MAILDIR": str(settings.maildir_path),
        "QUAD_SCHOOL_ID": str(school.id),
        "QUAD_SCHOOL_DOMAIN": school.domain,
        "QUAD_BOARD_ID": str(school.board),
    }
    if document is not None:
        env["QUAD_OPENAPI_DOCUMENT"] = str(document)
    return _run("node", "--test", "--test-reporter=tap", built, env=env)


def test_two_students_post_comment_and_are_notified_through_the_typescript_client(
    built, live_server, settings, signup_school
):
    run = scenario(built, live_server, settings, signup_school)
    assert run.returncode == 0, f"the TypeScript scenario failed:\n{run.stdout}{run.stderr}"
    assert "# pass 1" in run.stdout, run.stdout


def test_the_typescript_scenario_fails_when_the_document_lies(
    built, live_server, settings, signup_school, tmp_path
):
    """Checked against a document that says signup's answer has a field the server never
    sends, the scenario fails at its first answer, and says why."""
    lying = json.loads((CLIENTS / "openapi.json").read_text())
    account = lying["components"]["schemas"]["AccountOut"]
    account["properties"]["school_name"] = {"type": "string"}
    account["required"].append("school_name")
    (tmp_path / "lying.json").write_text(json.dumps(lying))
    run = scenario(built, live_server, settings, signup_school, tmp_path / "lying.json")
    assert run.returncode != 0, run.stdout
    assert "POST /v1/auth/signup answered 201" in run.stdout, run.stdout
    assert "school_name" in run.stdout, run.stdout
