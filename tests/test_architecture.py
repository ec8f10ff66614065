"""docs/ARCHITECTURE.md stays true: its route and event maps are the code's, the files it
names exist, and nothing in the repository refers to a file outside it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from api.main import create_app
from tests.architecture_map import event_rows, route_rows

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ARCHITECTURE.md"
# The team's folder beside the clone, which a clone does not have (spelled in two parts
# so this file does not name it).
OUTSIDE_FOLDER = "../" + "shared"


def _table(name: str) -> list[str]:
    text = DOC.read_text()
    body = text.split(f"<!-- {name}:begin -->", 1)[1].split(f"<!-- {name}:end -->", 1)[0]
    return body.strip().splitlines()[2:]  # past the header


def test_the_route_map_is_the_apps():
    assert _table("routes") == route_rows(create_app()), (
        "docs/ARCHITECTURE.md's route map is stale: python -m tests.architecture_map"
    )


def test_the_event_map_is_the_codes_and_terraforms():
    assert _table("events") == event_rows(), (
        "docs/ARCHITECTURE.md's event map is stale: python -m tests.architecture_map"
    )


def test_every_file_the_document_names_exists():
    named = set(
        re.findall(
            r"`((?:api|infra|functions|dags|tests|terraform|benchmarks|docs)/[\w/.-]+)`",
            DOC.read_text(),
        )
    )
    missing = sorted(p for p in named if not (ROOT / p.rstrip("/")).exists())
    assert not missing, missing


def _tracked_text_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [
        ROOT / name for name in out if not name.endswith((".lock", ".png", ".jpg", ".csv", ".json"))
    ]


def test_nothing_refers_to_a_file_outside_the_repository():
    outside = []
    link = re.compile(r"\]\(([^)#\s]+)")
    for path in _tracked_text_files():
        try:
            text = path.read_text()
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        if OUTSIDE_FOLDER in text:
            outside.append(f"{path.relative_to(ROOT)}: {OUTSIDE_FOLDER}")
        if path.suffix == ".md":
            for target in link.findall(text):
                if "://" in target or target.startswith("mailto:"):
                    continue
                resolved = (path.parent / target).resolve()
                if not resolved.is_relative_to(ROOT):
                    outside.append(f"{path.relative_to(ROOT)}: {target}")
    assert not outside, outside
