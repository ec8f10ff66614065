"""The Terraform in terraform/, read with python-hcl2 into plain Python values.

python-hcl2 8 keeps the quotes of string literals and labels and marks blocks with
`__is_block__`; `normalize` drops both, so a literal reads as its value and an expression
as `${...}`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "terraform"
MODULES = TERRAFORM / "modules"
PLATFORM = MODULES / "platform"  # the whole environment, called once by each root
ENVS = TERRAFORM / "envs"
ENV_NAMES = ("dev", "prod")
# Never scanned: provider caches, staged sources, the checkov tool environment.
IGNORED_PARTS = {".terraform", ".build", "tools", ".venv"}


def unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1]
    return text


def normalize(value: Any) -> Any:
    if isinstance(value, dict):
        # python-hcl2's markers (__is_block__, __comments__) are not configuration.
        return {
            unquote(k): normalize(v)
            for k, v in value.items()
            if not (k.startswith("__") and k.endswith("__"))
        }
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, str):
        return unquote(value)
    return value


def tf_files(*, extensions: tuple[str, ...] = (".tf",)) -> list[Path]:
    return sorted(
        p
        for p in TERRAFORM.rglob("*")
        if p.is_file()
        and p.suffix in extensions
        and not IGNORED_PARTS.intersection(p.relative_to(TERRAFORM).parts)
    )


@cache
def load(path: Path) -> dict[str, Any]:
    with path.open() as f:
        return normalize(hcl2.load(f))


def loads(text: str) -> dict[str, Any]:
    return normalize(hcl2.loads(text))


def module_dirs() -> list[Path]:
    return sorted(p for p in MODULES.iterdir() if p.is_dir())


def root_dirs() -> list[Path]:
    return [ENVS / name for name in ENV_NAMES]


@dataclass(frozen=True)
class Block:
    kind: str  # resource, data, module, variable, output
    type: str  # resource/data type, or "" for module/variable/output
    name: str
    body: dict[str, Any]
    path: Path

    def where(self) -> str:
        label = f"{self.type}.{self.name}" if self.type else self.name
        return f"{self.kind} {label} in {self.path.relative_to(ROOT)}"


def blocks(kind: str, files: list[Path] | None = None) -> Iterator[Block]:
    for path in files if files is not None else tf_files():
        for entry in load(path).get(kind, []):
            for first, inner in entry.items():
                if kind in ("resource", "data"):
                    for name, body in inner.items():
                        yield Block(kind, first, name, body, path)
                else:
                    yield Block(kind, "", first, inner, path)


def resources(type_: str) -> list[Block]:
    return [b for b in blocks("resource") if b.type == type_]


def one(body: dict[str, Any], key: str) -> dict[str, Any]:
    """The single nested block `key` of a block body."""
    value = body.get(key)
    assert isinstance(value, list) and len(value) == 1, f"expected one {key} block, got {value!r}"
    return value[0]


def locals_of(path: Path) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for entry in load(path).get("locals", []):
        merged.update(entry)
    return merged


def walk_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from walk_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk_strings(v)


def platform_files() -> list[Path]:
    return sorted(PLATFORM.glob("*.tf"))


def platform_locals() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for path in platform_files():
        merged.update(locals_of(path))
    return merged


def platform_module(name: str) -> dict[str, Any]:
    """The arguments of `module "name"` in the platform module."""
    (body,) = [b.body for b in blocks("module", platform_files()) if b.name == name]
    return body


def env_call(env: str) -> dict[str, Any]:
    """The arguments an environment root passes to the platform module."""
    (body,) = [b.body for b in blocks("module", [ENVS / env / "main.tf"]) if b.name == "platform"]
    return body


def tfvars(env: str) -> dict[str, Any]:
    return load(ENVS / env / "terraform.tfvars")


def variables(directory: Path) -> dict[str, dict[str, Any]]:
    return {b.name: b.body for b in blocks("variable", [directory / "variables.tf"])}


VAR_REF = re.compile(r"^\$\{var\.([a-z0-9_]+)\}$")

USAGE = re.compile(r"\A# (?P<title>\S+)\n\n(?P<intro>.*?)\n\n```hcl\n(?P<hcl>.*?)\n```\n", re.S)


def readme_usage(module: Path) -> re.Match[str] | None:
    """A module README's opening: its title, a sentence or two, then an HCL usage block."""
    return USAGE.match((module / "README.md").read_text())
