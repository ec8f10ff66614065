"""cloudbuild.yaml, checked offline: the order of its steps as Cloud Build runs them (a step
with no waitFor waits for every step before it; waitFor ["-"] starts at once), its
substitutions, and the shell syntax of its scripts."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml

from tests.terraform.hcl import platform_locals

ROOT = Path(__file__).resolve().parents[2]
CONFIG_TEXT = (ROOT / "cloudbuild.yaml").read_text()
CONFIG = yaml.safe_load(CONFIG_TEXT)
STEPS = CONFIG["steps"]
IDS = [step["id"] for step in STEPS]
SUBSTITUTION = re.compile(r"\$\{?(_[A-Z0-9_]+)\}?")


def text_of(step: dict) -> str:
    return " ".join([step.get("script", ""), *map(str, step.get("args", [])), step["name"]])


def steps_where(predicate) -> list[str]:
    return [step["id"] for step in STEPS if predicate(text_of(step))]


def the_step(predicate) -> str:
    (step,) = steps_where(predicate)
    return step


@cache
def waits_for(step_id: str) -> frozenset[str]:
    """Every step that has finished before `step_id` starts."""
    index = IDS.index(step_id)
    step = STEPS[index]
    direct = step.get("waitFor")
    if direct is None:
        direct = IDS[:index]
    elif direct == ["-"]:
        direct = []
    result = set(direct)
    for earlier in direct:
        result |= waits_for(earlier)
    return frozenset(result)


def before(first: str, then: str) -> bool:
    return first in waits_for(then)


# Steps that change what runs in the cloud (or publish what will).
DEPLOYING = steps_where(
    lambda t: any(
        marker in t
        for marker in (
            "push",
            "gcloud run jobs",
            "gcloud run deploy",
            "update-traffic",
            "gcloud functions deploy",
            "gcloud storage rsync",
        )
    )
)
LINT = the_step(lambda t: "make lint" in t)
TESTS = the_step(lambda t: "make test" in t)
TERRAFORM = the_step(lambda t: "terraform fmt -check" in t)
PLAN = the_step(lambda t: " plan " in t and "terraform" in t)
STAGE_FUNCTIONS = the_step(lambda t: "stage-functions.sh" in t)
CHECKOV = the_step(lambda t: "checkov --config-file" in t)
BUILD = the_step(lambda t: "build" in t and "docker" in t and "--tag=" in t)
MIGRATE = the_step(lambda t: "gcloud run jobs execute" in t)
DEPLOY_REVISION = the_step(lambda t: "gcloud run deploy" in t)
SMOKE = the_step(lambda t: "/readyz" in t and "status.traffic.url" in t)
TRAFFIC = the_step(lambda t: "update-traffic" in t)
FUNCTIONS = the_step(lambda t: "gcloud functions deploy" in t)
DAGS = the_step(lambda t: "gcloud storage rsync" in t)


def test_step_ids_are_unique_and_waits_refer_to_earlier_steps():
    assert len(IDS) == len(set(IDS))
    for index, step in enumerate(STEPS):
        for dep in step.get("waitFor", []):
            assert dep == "-" or dep in IDS[:index], f"{step['id']} waits for {dep}"


def test_every_deploy_comes_after_lint_tests_and_terraform_checks():
    assert DEPLOYING
    for step in DEPLOYING:
        for check in (LINT, TESTS, TERRAFORM, CHECKOV, PLAN):
            assert before(check, step), f"{step} may run before {check}"
    assert before(LINT, TESTS)
    assert before(BUILD, MIGRATE)


def test_migrations_finish_before_traffic_moves():
    assert "--wait" in STEPS[IDS.index(MIGRATE)]["script"]
    assert before(MIGRATE, TRAFFIC)
    assert before(MIGRATE, DEPLOY_REVISION)


def test_the_new_revision_is_smoke_tested_before_it_gets_traffic():
    deploy = STEPS[IDS.index(DEPLOY_REVISION)]["script"]
    assert "--no-traffic" in deploy and "--tag=" in deploy
    assert before(DEPLOY_REVISION, SMOKE)
    assert before(SMOKE, TRAFFIC)
    smoke = STEPS[IDS.index(SMOKE)]["script"]
    assert "--fail" in smoke  # a non-2xx answer fails the build
    # Traffic goes to the tested tag, not to "latest".
    assert "--to-tags" in STEPS[IDS.index(TRAFFIC)]["script"]


def test_behind_the_edge_the_revision_is_checked_through_it_and_rolled_back_on_failure():
    """With _EDGE_URL the tag URL admits only the load balancer: the new revision is checked
    through the load balancer once it has the traffic, and a failure sends the traffic
    back to the revisions that had it."""
    assert CONFIG["substitutions"]["_EDGE_URL"] == ""  # no edge unless the trigger says so
    smoke = STEPS[IDS.index(SMOKE)]["script"]
    skip = smoke.index('if [ -n "$_EDGE_URL" ]')
    assert skip < smoke.index("status.traffic.url") and "exit 0" in smoke[skip:]
    traffic = STEPS[IDS.index(TRAFFIC)]["script"]
    previous = traffic.index("previous=")
    move = traffic.index("--to-tags=")
    check = traffic.index('"$_EDGE_URL$path"')
    back = traffic.index('--to-revisions="$previous"')
    assert previous < move < check < back
    assert "for path in /healthz /readyz" in traffic and "--fail" in traffic
    assert traffic.rstrip().endswith("done") and "exit 1" in traffic[back:]


def test_functions_and_dags_deploy_after_the_api_and_only_when_they_exist():
    assert before(TRAFFIC, FUNCTIONS) and before(TRAFFIC, DAGS)
    functions = STEPS[IDS.index(FUNCTIONS)]["script"]
    assert "[ ! -f functions/main.py ]" in functions
    assert "[ ! -d dags ]" in STEPS[IDS.index(DAGS)]["script"]


def test_functions_ship_the_staged_source_through_their_source_bucket():
    stage = STEPS[IDS.index(STAGE_FUNCTIONS)]["script"]
    assert "terraform/scripts/stage-functions.sh terraform/.build/functions" in stage
    assert (ROOT / "terraform" / "scripts" / "stage-functions.sh").stat().st_mode & 0o111
    assert before(STAGE_FUNCTIONS, FUNCTIONS) and before(STAGE_FUNCTIONS, PLAN)
    functions = STEPS[IDS.index(FUNCTIONS)]["script"]
    assert "terraform/.build/functions" in functions
    # The archive goes to the bucket the functions' build account reads, one per commit.
    assert 'source="gs://$_FUNCTIONS_SOURCE_BUCKET/functions/$COMMIT_SHA.zip"' in functions
    assert '--source="$source"' in functions


def test_the_default_functions_are_the_ones_terraform_creates():
    local = platform_locals()
    planned_names = [f["name"] for f in local["planned_functions"]]
    assert CONFIG["substitutions"]["_FUNCTIONS"].split(",") == planned_names
    buckets = {
        name: value.replace("${var.project_id}", "${PROJECT_ID}")
        for name, value in local["bucket"].items()
    }
    assert CONFIG["substitutions"]["_FUNCTIONS_SOURCE_BUCKET"] == buckets["functions_source"]
    assert CONFIG["substitutions"]["_COMPOSER_BUCKET"] == buckets["composer"]


def test_the_dags_travel_with_the_infra_package_they_import():
    script = STEPS[IDS.index(DAGS)]["script"]
    assert 'cp -R dags/. "$staged/"' in script and 'cp -R infra "$staged/infra"' in script
    # Airflow must not parse infra/ for DAGs.
    assert ".airflowignore" in script
    assert 'gs://$_COMPOSER_BUCKET/dags"' in script


def test_the_plan_reads_the_environments_state_and_changes_nothing():
    script = STEPS[IDS.index(PLAN)]["script"]
    assert 'root="terraform/envs/$_ENV"' in script
    assert "-backend-config=backend.hcl" in script
    for flag in ("-refresh=false", "-lock=false", "-detailed-exitcode"):
        assert flag in script
    commands = [line for line in script.splitlines() if "echo" not in line]
    assert not [line for line in commands if re.search(r"\bapply\b", line)]
    assert CONFIG["substitutions"]["_ENV"] in ("dev", "prod")


def test_one_image_tagged_with_the_commit_from_build_to_deploy():
    image = CONFIG["substitutions"]["_IMAGE"]
    assert image.endswith(":${COMMIT_SHA}")
    assert "-docker.pkg.dev/${PROJECT_ID}/${_REPOSITORY}/" in image
    for step in (MIGRATE, DEPLOY_REVISION):
        assert "$_IMAGE" in STEPS[IDS.index(step)]["script"]
    assert "--tag=${_IMAGE}" in STEPS[IDS.index(BUILD)]["args"]
    assert CONFIG["images"] == ["${_IMAGE}"]


def test_tests_run_where_the_pubsub_emulator_is():
    assert STEPS[IDS.index(TESTS)]["name"] == "${_CI_IMAGE}"
    assert "emulators" in CONFIG["substitutions"]["_CI_IMAGE"]


def test_make_test_covers_both_python_environments():
    """The test step runs `make test`: the main suite in .venv and the DAGs in .venv-dags."""
    makefile = (ROOT / "Makefile").read_text()
    target = re.search(r"^test:(.*)$", makefile, re.M).group(1).split()
    assert {"lint", "test-api", "test-dags"} <= set(target)
    assert ".venv-dags" in makefile


def test_terraform_is_formatted_and_validated_for_both_environments():
    script = STEPS[IDS.index(TERRAFORM)]["script"]
    assert "validate" in script and "init -backend=false" in script
    assert "for env in dev prod" in script
    version = CONFIG["substitutions"]["_TERRAFORM_IMAGE"].rsplit(":", 1)[1]
    assert version.startswith("1.") and int(version.split(".")[1]) >= 11


def test_substitutions_are_declared_used_and_documented():
    declared = set(CONFIG["substitutions"])
    steps_text = yaml.safe_dump(STEPS) + yaml.safe_dump(CONFIG.get("images", []))
    body_text = steps_text + " ".join(str(v) for v in CONFIG["substitutions"].values())
    used = set(SUBSTITUTION.findall(body_text))
    assert used <= declared, f"used but not declared: {used - declared}"
    assert declared <= used, f"declared but never used: {declared - used}"
    header = CONFIG_TEXT[: CONFIG_TEXT.index("substitutions:")]
    readme = (ROOT / "terraform" / "README.md").read_text()
    for name in declared:
        assert name in header, f"{name} is not described at the top of cloudbuild.yaml"
        assert f"`{name}`" in readme, f"{name} is not described in terraform/README.md"


def test_scripts_read_substitutions_as_environment_variables():
    assert CONFIG["options"]["automapSubstitutions"] is True
    for step in STEPS:
        script = step.get("script")
        if script:
            assert script.startswith("#!"), step["id"]
            assert "set -eu" in script, f"{step['id']} must stop at the first failure"


@pytest.mark.parametrize("step", [s for s in STEPS if s.get("script")], ids=lambda s: s["id"])
def test_scripts_are_valid_shell(step, tmp_path):
    script = step["script"]
    shell = "bash" if "bash" in script.splitlines()[0] else "sh"
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} not installed")
    path = tmp_path / "step.sh"
    path.write_text(script)
    result = subprocess.run([shell, "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def first_party_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & {"api", "functions", "infra", *(p.name for p in (ROOT / "dags").iterdir())}


def test_the_dag_sync_carries_every_package_the_dags_import():
    """Composer gets dags/ and infra/ only: a DAG importing api/ or functions/ would fail
    to import there."""
    dags = ROOT / "dags"
    script = STEPS[IDS.index(DAGS)]["script"]
    shipped = {p.name for p in dags.iterdir() if p.is_dir()} | {
        name for name in ("infra", "api", "functions") if f"cp -R {name} " in script
    }
    for path in dags.rglob("*.py"):
        missing = first_party_imports(path) - shipped
        assert not missing, f"{path.relative_to(ROOT)} imports {missing}, not synced to Composer"
    # infra imports nothing of the deployables (docs/ARCHITECTURE.md), so infra/ alone is enough.
    for path in (ROOT / "infra").rglob("*.py"):
        assert not first_party_imports(path) & {"api", "functions"}, path
