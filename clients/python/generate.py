"""Generate the Python client (quad_client/) from clients/openapi.json with
openapi-python-client: `make clients`, or `python clients/python/generate.py [OUTPUT]`
(tests/clients/test_python_client.py generates into a temporary folder and compares).

The generator reads the committed document with one change: every problem answer's schema
is the shared `Problem`. The document narrows each answer's `type` to the problems that
operation can raise (an `allOf` of `Problem` and an enum), and the generator makes a model
and an enum of its own for every such pair, a thousand files that all parse the same JSON;
with the shared schema each operation answers `Problem`, whose `type` says which one.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DOCUMENT = HERE.parent / "openapi.json"
CONFIG = HERE / "config.yaml"
PACKAGE = "quad_client"
PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
BIN = Path(sys.executable).parent  # the environment's scripts: the generator, ruff


def generator_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document as the generator reads it: problem answers as the shared Problem."""
    document = copy.deepcopy(document)
    answers = list(document.get("components", {}).get("responses", {}).values())
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                answers.extend(operation.get("responses", {}).values())
    for answer in answers:
        media = answer.get("content", {}).get(PROBLEM_JSON)
        if media is not None:
            media["schema"] = dict(PROBLEM_REF)
    return document


def generate(output: Path) -> None:
    """Write the package to `output` (replaced if it exists)."""
    with tempfile.TemporaryDirectory(prefix="quad-client-") as scratch:
        source = Path(scratch) / "openapi.json"
        source.write_text(json.dumps(generator_document(json.loads(DOCUMENT.read_text()))))
        target = Path(scratch) / PACKAGE
        run = subprocess.run(
            [
                str(BIN / "openapi-python-client"),
                "generate",
                "--path",
                str(source),
                "--config",
                str(CONFIG),
                "--meta",
                "none",
                "--output-path",
                str(target),
            ],
            cwd=scratch,
            # Its post hooks (config.yaml) run this environment's ruff.
            env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
            capture_output=True,
            text=True,
        )
        # It reports what it could not generate on stdout and still exits 0.
        if run.returncode != 0 or "Warning" in run.stdout or not target.is_dir():
            raise SystemExit(f"openapi-python-client failed:\n{run.stdout}\n{run.stderr}")
        shutil.rmtree(output, ignore_errors=True)
        shutil.copytree(target, output)
        # PEP 561: the package is typed (the generator writes the marker only with its
        # project files, which --meta none leaves out).
        (output / "py.typed").write_text("")


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / PACKAGE)
