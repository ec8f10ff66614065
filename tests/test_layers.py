"""The layers of the code, read from its imports (ast: nothing is imported or run).

- api/ and infra/ depend on neither functions/ nor dags/: they import nothing of them, nor
  name a module of theirs for importlib to load; infra/ imports nothing of api/ either.
- Inside api/ the domains form layers, in the order docs/ARCHITECTURE.md lists them: a
  domain's modules (models, schemas, services, handlers, ...) import only domains listed
  before it, so no two domains import each other, directly or around a loop. Routers are
  the top layer, above every domain: a router may import any domain (its services and
  schemas, auth's request dependencies), and nothing in a domain imports a router or the
  modules that compose the application (api/main.py, api/cli.py, ...).

Every import counts, those inside functions too: an import deferred to a call is still a
dependency.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "api"
DOC = ROOT / "docs" / "ARCHITECTURE.md"

# A module path for importlib ("functions.handlers:local_comment_created", "dags.x").
_MODULE_NAME = re.compile(r"\b(functions|dags)(\.\w+)+(:\w+)?")


@dataclass(frozen=True)
class Import:
    path: Path  # the importing file
    line: int
    module: str  # the imported module, absolute ("api.posts.service")
    statement: str

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.statement}"


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[Import]:
    """Every module `path` imports, anywhere in it; `from a import b` counts as `a.b`
    (b may be a module), relative imports resolved."""
    tree = ast.parse(path.read_text(), str(path))
    package = _module_of(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, a.name, ast.unparse(node)) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                prefix = package[: len(package) - node.level + 1]
                base = ".".join([*prefix, base] if base else prefix)
            statement = ast.unparse(node)
            found.append(Import(path, node.lineno, base, statement))
            found += [
                Import(path, node.lineno, f"{base}.{alias.name}", statement) for alias in node.names
            ]
    return found


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def domains() -> list[str]:
    """The packages of api/ (core included), migrations aside."""
    return sorted(
        p.name for p in API.iterdir() if (p / "__init__.py").exists() and p.name != "migrations"
    )


def domain_imports() -> dict[str, dict[str, list[Import]]]:
    """domain -> the other domains its modules below the routers import, with where."""
    names = set(domains())
    graph: dict[str, dict[str, list[Import]]] = defaultdict(lambda: defaultdict(list))
    for name in names:
        for path in python_files(API / name):
            if path.name == "router.py":
                continue
            for imp in imports(path):
                parts = imp.module.split(".")
                if parts[0] == "api" and len(parts) > 1 and parts[1] in names - {name}:
                    sites = graph[name][parts[1]]
                    if not sites or sites[-1].line != imp.line or sites[-1].path != path:
                        sites.append(imp)  # one line each: `from a import b, c` is a
    return graph


def cycles(graph: dict[str, dict[str, list[Import]]]) -> list[list[str]]:
    """The groups of domains that import each other (strongly connected, Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in domains():
        if node not in index:
            visit(node)
    return groups


def documented_layers() -> list[str]:
    text = DOC.read_text()
    block = text.split("<!-- layers:begin -->", 1)[1].split("<!-- layers:end -->", 1)[0]
    # The first backticked word of each item: the domain.
    return re.findall(r"^\s*\d+\.\s+`(\w+)`", block, re.MULTILINE)


# --- the tests ---------------------------------------------------------------------------


def test_api_and_infra_do_not_depend_on_the_functions_or_the_dags():
    wrong = []
    for top in ("api", "infra"):
        for path in python_files(ROOT / top):
            for imp in imports(path):
                first = imp.module.split(".")[0]
                if first in ("functions", "dags") or (top == "infra" and first == "api"):
                    wrong.append(imp.where())
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    for match in _MODULE_NAME.finditer(node.value):
                        wrong.append(
                            f"{path.relative_to(ROOT)}:{node.lineno} names {match.group(0)}"
                        )
    assert not wrong, "\n".join(wrong)


def test_no_two_domains_import_each_other():
    graph = domain_imports()
    found = cycles(graph)
    lines = []
    for group in found:
        lines.append(" <-> ".join(group) + ":")
        for a in group:
            for b in group:
                lines += [f"    {imp.where()}" for imp in graph[a].get(b, [])[:3]]
    assert not found, "domains that import each other (below the routers):\n" + "\n".join(lines)


def test_each_domain_imports_only_the_layers_the_document_puts_below_it():
    layers = documented_layers()
    assert sorted(layers) == domains(), (
        "docs/ARCHITECTURE.md's layer list must name every package of api/ once: "
        f"listed {sorted(layers)}, packages {domains()}"
    )
    rank = {name: i for i, name in enumerate(layers)}
    upward = [
        imp.where()
        for name, targets in domain_imports().items()
        for target, sites in targets.items()
        if rank[target] > rank[name]
        for imp in sites
    ]
    assert not upward, "imports of a layer above (docs/ARCHITECTURE.md):\n" + "\n".join(upward)


def test_routers_and_the_composition_are_imported_by_no_domain():
    composition = {
        _module_of(p) for p in API.glob("*.py") if p.name != "__init__.py"
    }  # api.main, api.cli, api.events_wiring, ...
    wrong = []
    for name in domains():
        for path in python_files(API / name):
            for imp in imports(path):
                parts = imp.module.split(".")
                if imp.module in composition or (len(parts) > 2 and parts[2] == "router"):
                    wrong.append(imp.where())
    assert not wrong, "\n".join(wrong)


def test_the_api_starts_without_the_functions_dependencies():
    """The API image installs the `api` dependency group only: Pillow (the upload
    processing's) is not there, yet the app wires the upload handler on the local bus."""
    script = (
        "import sys\n"
        "sys.modules['PIL'] = None  # any import of it fails\n"
        "sys.modules['functions_framework'] = None\n"
        "import api.main, api.cli\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
