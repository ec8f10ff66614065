"""The API image, checked without Docker: the Dockerfile's stages and instructions, and
what .dockerignore lets into the build context (Docker's matching rules, re-implemented)."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Instruction:
    op: str
    args: str


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction]

    def all(self, op: str) -> list[str]:
        return [i.args for i in self.instructions if i.op == op]


def parse_dockerfile(text: str) -> tuple[dict[str, str], list[Stage]]:
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in lines:
        op, _, rest = line.partition(" ")
        op = op.upper()
        if op == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name.strip()] = default.strip()
        elif op == "FROM":
            match = re.match(r"(\S+)(?:\s+AS\s+(\S+))?", rest, re.I)
            base = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), match[1])
            stages.append(Stage(base, match[2], []))
        else:
            stages[-1].instructions.append(Instruction(op, rest.strip()))
    return args, stages


ARGS, STAGES = parse_dockerfile((ROOT / "Dockerfile").read_text())
BUILDER, FINAL = STAGES[0], STAGES[-1]


def env_of(stage: Stage) -> dict[str, str]:
    env: dict[str, str] = {}
    for args in stage.all("ENV"):
        for key, value in re.findall(r"(\w+)=(\"[^\"]*\"|\S+)", args):
            env[key] = value.strip('"')
    return env


def test_multi_stage_on_python_311_slim():
    assert len(STAGES) >= 2
    assert BUILDER.name == "builder"
    for stage in STAGES:
        assert stage.base == "python:3.11-slim", stage.base
    # The runtime stage takes only the built virtualenv from the builder: no sources, no uv.
    copies = FINAL.all("COPY")
    assert copies and all(c.startswith("--from=builder ") for c in copies), copies
    assert not any("pip install" in r or "uv " in r for r in FINAL.all("RUN"))


def test_the_builder_uses_the_makefiles_uv_and_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    uv_version = re.search(r"^UV_VERSION\s*:?=\s*(\S+)", makefile, re.M).group(1)
    runs = " ".join(BUILDER.all("RUN"))
    assert f'"uv=={uv_version}"' in runs or f"uv=={uv_version} " in runs
    syncs = [r for r in BUILDER.all("RUN") if "uv sync" in r]
    assert len(syncs) == 2, "dependencies first (cached layer), then the project"
    for sync in syncs:
        assert "--locked" in sync
        assert "--no-default-groups --group api" in sync
        assert "--no-editable" in sync  # the project lives in the virtualenv, not in /src
        for other in ("local", "dev", "functions"):
            assert f"--group {other}" not in sync
    assert "--no-install-project" in syncs[0] and "--no-install-project" not in syncs[1]
    env = env_of(BUILDER)
    assert env["UV_COMPILE_BYTECODE"] == "1"  # no compiling at start-up
    assert env["UV_PYTHON_DOWNLOADS"] == "never"  # the image's own Python


def test_the_api_group_carries_no_local_only_packages():
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]
    api = " ".join(groups["api"])
    for package in ("pgserver", "pytest", "ruff"):
        assert package not in api


def test_the_runtime_runs_quad_serve_as_a_non_root_user_on_all_interfaces():
    (user,) = FINAL.all("USER")
    assert user.split(":")[0] not in ("root", "0")
    env = env_of(FINAL)
    assert env["HOST"] == "0.0.0.0"
    assert env["PORT"] == "8080"
    assert env["PYTHONUNBUFFERED"] == "1"  # log lines leave at once
    assert "/app/.venv/bin" in env["PATH"]
    # Exec form: `quad` is PID 1 and gets SIGTERM itself (a shell would swallow it).
    (cmd,) = FINAL.all("CMD")
    assert json.loads(cmd) == ["quad", "serve"]
    assert not FINAL.all("ENTRYPOINT")
    assert FINAL.all("EXPOSE") == ["8080"]


def test_the_image_scripts_exist():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert "quad" in scripts and "quad-migrate" in scripts


# --- .dockerignore ---------------------------------------------------------------------------


def dockerignore_patterns() -> list[tuple[bool, re.Pattern[str]]]:
    patterns = []
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line[1:] if negated else line
        pattern = pattern.strip("/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            elif pattern[i] == "[":
                end = pattern.index("]", i)
                regex, i = regex + pattern[i : end + 1], end + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        patterns.append((negated, re.compile(regex + r"\Z")))
    return patterns


def excluded(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    result = False
    for negated, pattern in dockerignore_patterns():
        if any(pattern.match(p) for p in prefixes):
            result = not negated
    return result


@pytest.mark.parametrize(
    "path",
    [
        "pyproject.toml",
        "uv.lock",
        "README.md",
        "api/main.py",
        "api/migrations/env.py",
        "infra/settings.py",
    ],
)
def test_the_build_context_has_what_the_image_needs(path):
    assert not excluded(path)


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        ".quad-data/pg/PG_VERSION",
        ".git/HEAD",
        ".tools/bin/uv",
        ".env",
        "tests/conftest.py",
        "benchmarks/run.py",
        "functions/main.py",
        "dags/daily.py",
        "terraform/envs/dev/main.tf",
        "terraform/tools/checkov/.venv/bin/checkov",
        "api/__pycache__/main.cpython-311.pyc",
        "infra/__pycache__/settings.cpython-311.pyc",
        "api/.pytest_cache/v/cache",
        "cloudbuild.yaml",
        "api/demo.py",
        "api/demo_catalog.csv",
    ],
)
def test_the_build_context_leaves_out_local_state_tests_and_tools(path):
    assert excluded(path)


def test_every_copied_source_exists_and_is_in_the_build_context():
    for copy in BUILDER.all("COPY"):
        *sources, _dest = copy.split()
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not excluded(source.rstrip("/")), f"{source} is excluded by .dockerignore"
