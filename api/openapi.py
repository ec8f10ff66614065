"""The OpenAPI document, with the problems each operation can answer read from the code.

FastAPI documents what a route returns when it succeeds. What it answers when it fails is
in the code, not in a decorator: the `Problem` subclasses (api/core/errors.py) that the
route's endpoint, its dependencies and every function of ours they reach can raise. This
module reads those from the source (ast: nothing runs), so a new `raise` in a service is
in the document without being written twice:

- a call graph of api/: every function, and every function of ours each one names (calls
  it, or hands it on, as `in_write_session(service.create_post, ...)` does), names
  resolved through the module's imports;
- the `raise` statements of each function, kept when they name a `Problem` subclass,
  with the extension fields the raise passes (`field=...`, `retry_after=...`);
- per operation, what is reachable from its endpoint and its dependencies (FastAPI's own
  dependency tree), plus what the framework and middleware answer around every route
  (422 for malformed input, 408/413 for bodies, 503 when busy or the database is away).

It over-approximates on purpose: a problem one branch of a shared helper raises is
listed for every route reaching the helper. A client told of a problem it never gets
loses nothing; one never told of a problem it gets cannot parse it.
"""

from __future__ import annotations

import ast
import importlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from api.core import errors
from api.core.errors import PROBLEM_JSON, TYPE_PREFIX, Problem
from api.limits.errors import RateLimited

API_ROOT = Path(__file__).resolve().parent
PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_TYPES = "x-problem-types"  # on each problem response: the `type` values it carries

# The extension members a problem may carry, beyond RFC 9457's own. Every keyword a
# `raise` passes to a problem must be here (tests/api/test_openapi.py), so the schema
# names each member the server sends.
EXTENSION_MEMBERS: dict[str, dict[str, Any]] = {
    "errors": {
        "type": "array",
        "description": "For a request that is not valid: where (`loc`) and why.",
        "items": {
            "type": "object",
            "required": ["loc", "msg", "type"],
            "properties": {
                "loc": {
                    "type": "array",
                    "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                },
                "msg": {"type": "string"},
                "type": {"type": "string"},
            },
        },
    },
    "field": {"type": "string", "description": "The request field the problem is about."},
    "retry_after": {
        "type": "integer",
        "description": "Seconds until trying again may work (also the Retry-After header).",
    },
    "attempts_left": {"type": "integer", "description": "Wrong codes still allowed."},
    "request_id": {"type": "string", "format": "uuid", "description": "The existing request."},
    "suspended_until": {
        "type": ["string", "null"],
        "format": "date-time",
        "description": "When the account's suspension ends; null: it does not.",
    },
    "domains": {
        "type": "array",
        "items": {"type": "string"},
        "description": "The email domains the school accepts.",
    },
    "clashing_course": {
        "type": "object",
        "description": "The course already in the timetable at that time.",
        "required": ["id", "code", "name"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "code": {"type": "string"},
            "name": {"type": "string"},
        },
    },
}

# Headers that come with a problem of a class (and its subclasses).
_HEADERS: dict[type[Problem], dict[str, str]] = {
    errors.Unauthorized: {"WWW-Authenticate": "`Bearer`: send an access token."},
    errors.TooManyRequests: {"Retry-After": "Seconds until trying again may work."},
    errors.Overloaded: {"Retry-After": "Seconds until trying again may work."},
    RateLimited: {
        "RateLimit-Policy": "The budgets of the action (draft-ietf-httpapi-ratelimit-headers).",
        "RateLimit": "What is left of each budget, and seconds until it resets.",
    },
}


@dataclass(frozen=True)
class Answer:
    """A problem an operation can answer: its status, type slug and title."""

    status: int
    slug: str
    title: str
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, problem: type[Problem]) -> Answer:
        headers: dict[str, str] = {}
        for base in reversed(problem.__mro__):
            headers.update(_HEADERS.get(base, {}))
        return cls(problem.status, problem.slug, problem.title, tuple(sorted(headers.items())))


# What the framework and middleware answer around the routes (api/core/middleware.py,
# api/core/errors.py): not raised by any route's code, so listed here.
VALIDATION = Answer(422, errors.InvalidInput.slug, errors.InvalidInput.title)
BODY_MALFORMED = Answer(400, "bad-request", "Bad request")  # a body that is not JSON
BODY_TOO_SLOW = Answer(408, "request-timeout", "Request body too slow")
BODY_TOO_LARGE = Answer(413, "payload-too-large", "Request body too large")
_RETRY = (("Retry-After", "Seconds until trying again may work."),)
AROUND_EVERY_ROUTE = (
    Answer.of(errors.Overloaded),
    Answer(503, errors.DatabaseUnavailable.slug, errors.DatabaseUnavailable.title, _RETRY),
    Answer(503, errors.DatabaseTimeout.slug, errors.DatabaseTimeout.title, _RETRY),
)


# --- reading the source -----------------------------------------------------------------


@dataclass
class _Function:
    module: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    owner: str | None  # the class it is defined in, if any
    names: set[str] = field(default_factory=set)  # qualified names it refers to
    raises: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (class, kwargs)


def _module_name(path: Path) -> str:
    parts = path.relative_to(API_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _aliases(tree: ast.Module, module: str, is_package: bool) -> dict[str, str]:
    """Local name -> the qualified name it stands for, from the module's imports (those
    inside functions too) and its own top-level definitions."""
    aliases: dict[str, str] = {}
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            aliases[node.name] = f"{module}.{node.name}"
    return aliases


def _dotted(node: ast.expr) -> list[str] | None:
    """`a.b.c` as ["a", "b", "c"]; None for anything else (calls, subscripts, ...)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


class _Reader(ast.NodeVisitor):
    """Collects the functions of one module, what each names and what each raises."""

    def __init__(self, module: str, aliases: dict[str, str], into: dict[str, _Function]):
        self.module, self.aliases, self.into = module, aliases, into
        self.owner: str | None = None
        self.current: list[_Function] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer, self.owner = self.owner, f"{self.module}.{node.name}"
        self.generic_visit(node)
        self.owner = outer

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if self.current:  # a nested function: its names count as its definer's
            self.generic_visit(node)
            return
        qualified = f"{self.owner or self.module}.{node.name}"
        self.current.append(_Function(self.module, node, self.owner))
        self.generic_visit(node)
        self.into[qualified] = self.current.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _visit_function

    def _resolve(self, parts: list[str]) -> str | None:
        head, rest = parts[0], parts[1:]
        if head in ("self", "cls") and self.owner and rest:
            return f"{self.owner}.{rest[0]}"
        if head == "super" or head not in self.aliases:
            return None
        return ".".join([self.aliases[head], *rest])

    def visit_Name(self, node: ast.Name) -> None:
        self._name(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not self._name(node):
            self.generic_visit(node)

    def _name(self, node: ast.expr) -> bool:
        parts = _dotted(node)
        if parts is None or not self.current:
            return False
        # Each prefix too: `service.create_post` names the module `service` as well,
        # which matters nowhere but costs nothing.
        for end in range(len(parts), 0, -1):
            resolved = self._resolve(parts[:end])
            if resolved:
                self.current[-1].names.add(resolved)
                break
        return True

    def visit_Raise(self, node: ast.Raise) -> None:
        if self.current and node.exc is not None:
            exc = node.exc
            kwargs: tuple[str, ...] = ()
            if isinstance(exc, ast.Call):
                kwargs = tuple(k.arg for k in exc.keywords if k.arg and k.arg != "detail")
                exc = exc.func
            parts = _dotted(exc)
            resolved = self._resolve(parts) if parts else None
            if resolved:
                self.current[-1].raises.append((resolved, kwargs))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        # `super().__init__(detail, field="token")` in a problem's constructor: the field
        # is the class's own.
        func = node.func
        if (
            self.owner
            and self.current
            and isinstance(func, ast.Attribute)
            and func.attr == "__init__"
            and isinstance(func.value, ast.Call)
            and _dotted(func.value.func) == ["super"]
        ):
            kwargs = tuple(k.arg for k in node.keywords if k.arg and k.arg != "detail")
            if kwargs:
                self.current[-1].raises.append((f"{self.owner}#fields", kwargs))
        self.generic_visit(node)


@cache
def _functions() -> dict[str, _Function]:
    found: dict[str, _Function] = {}
    for path in sorted(API_ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        tree = ast.parse(path.read_text(), str(path))
        aliases = _aliases(tree, module, path.name == "__init__.py")
        _Reader(module, aliases, found).visit(tree)
    return found


def _object(qualified: str) -> Any:
    """The object a qualified name of api/ stands for, or None."""
    parts = qualified.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attr in parts[split:]:
            target = getattr(target, attr, None)
        return target
    return None


def _problem_class(qualified: str) -> type[Problem] | None:
    if not qualified.startswith("api."):
        return None
    target = _object(qualified)
    return target if isinstance(target, type) and issubclass(target, Problem) else None


@cache
def _methods() -> dict[str, list[str]]:
    """Class name -> the qualified names of its methods."""
    by_owner: dict[str, list[str]] = defaultdict(list)
    for name, function in _functions().items():
        if function.owner is not None:
            by_owner[function.owner].append(name)
    return by_owner


def _reachable(roots: Iterable[str]) -> Iterator[_Function]:
    functions, methods = _functions(), _methods()
    seen: set[str] = set()
    stack = [r for r in roots if r in functions]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        function = functions[name]
        yield function
        for named in function.names:
            # A class named (constructed, or its methods handed on) reaches its methods.
            targets = [named] if named in functions else []
            stack += [t for t in targets + methods.get(named, []) if t not in seen]


def problems_raised(roots: Iterable[str]) -> dict[type[Problem], set[str]]:
    """Each problem class reachable from the qualified function names `roots`, with the
    extension members its raises pass."""
    found: dict[type[Problem], set[str]] = defaultdict(set)
    for function in _reachable(roots):
        for raised, kwargs in function.raises:
            problem = _problem_class(raised)
            if problem is not None:
                found[problem].update(kwargs)
    return found


def class_fields() -> dict[type[Problem], set[str]]:
    """The extension members problem classes pass to their own constructor."""
    found: dict[type[Problem], set[str]] = defaultdict(set)
    for function in _functions().values():
        for raised, kwargs in function.raises:
            if raised.endswith("#fields"):
                problem = _problem_class(raised.removesuffix("#fields"))
                if problem is not None:
                    found[problem].update(kwargs)
    return found


def _qualified(call: Any) -> str | None:
    module, name = getattr(call, "__module__", None), getattr(call, "__qualname__", None)
    if not module or not name or not module.startswith("api."):
        return None
    return f"{module}.{name}"


def _dependency_calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _dependency_calls(sub)


def answers(route: APIRoute) -> set[Answer]:
    """Every problem the route can answer."""
    roots = [
        q
        for q in (_qualified(route.endpoint), *map(_qualified, _dependency_calls(route.dependant)))
        if q
    ]
    found = {Answer.of(problem) for problem in problems_raised(roots)}
    # Input that does not parse, and (from the middleware) a URL carrying NUL, anywhere.
    found.add(VALIDATION)
    if route.dependant.body_params:
        found |= {BODY_MALFORMED, BODY_TOO_SLOW, BODY_TOO_LARGE}
    found.update(AROUND_EVERY_ROUTE)
    return found


# --- writing the document ---------------------------------------------------------------


def problem_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "title": "Problem",
        "description": "An error, as RFC 9457 defines it (`application/problem+json`). "
        "`type` is stable: `urn:quad:problem:<slug>`; match on it, not on `title`.",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string", "description": "The request's path."},
            **EXTENSION_MEMBERS,
        },
    }


def _responses(found: set[Answer]) -> dict[str, Any]:
    by_status: dict[int, list[Answer]] = defaultdict(list)
    for answer in found:
        by_status[answer.status].append(answer)
    responses: dict[str, Any] = {}
    for status in sorted(by_status):
        group = sorted(by_status[status], key=lambda a: a.slug)
        headers = {name: desc for a in group for name, desc in a.headers}
        types = [TYPE_PREFIX + a.slug for a in group]
        response: dict[str, Any] = {
            "description": "; ".join(f"`{a.slug}`: {a.title}" for a in group),
            # The `type` values this operation answers with this status. Not an enum in
            # the schema: a new problem is not a breaking change (RFC 9457 clients handle
            # types they do not know by the status), while a new enum value would be.
            PROBLEM_TYPES: types,
            "content": {
                PROBLEM_JSON: {
                    "schema": {"$ref": PROBLEM_REF},
                    "examples": {
                        a.slug: {
                            "summary": a.title,
                            "value": {"type": t, "title": a.title, "status": a.status},
                        }
                        for a, t in zip(group, types, strict=True)
                    },
                }
            },
        }
        if headers:
            response["headers"] = {
                name: {"description": desc, "schema": {"type": "string"}}
                for name, desc in sorted(headers.items())
            }
        responses[str(status)] = response
    return responses


def api_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """(full path, route) of every documented route, included routers' prefixes applied."""
    found: list[tuple[str, APIRoute]] = []

    def walk(routes: Any, prefix: str) -> None:
        for route in routes:
            if hasattr(route, "original_router"):  # an included router
                walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif isinstance(route, APIRoute) and route.include_in_schema:
                found.append((prefix + route.path, route))

    walk(app.router.routes, "")
    return found


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with each operation's problems and one Problem schema in place
    of FastAPI's default 422 `HTTPValidationError`."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = problem_schema()
    _share_page_parameters(document)
    for full_path, route in api_routes(app):
        path = document["paths"].get(full_path, {})
        problems = _responses(answers(route))
        for method in route.methods or ():
            operation = path.get(method.lower())
            if operation is None:
                continue
            operation["responses"] = {
                **{k: v for k, v in operation["responses"].items() if k != "422"},
                **{status: _shared(document, status, r) for status, r in problems.items()},
            }
    return document


def _shared(document: dict[str, Any], status: str, response: dict[str, Any]) -> dict[str, Any]:
    """A reference to the response in `components.responses`, named by its status and
    problem types: operations answering the same problems share one definition."""
    types = response[PROBLEM_TYPES]
    name = "-".join(["problem", status, *(t.removeprefix(TYPE_PREFIX) for t in types)])
    document["components"].setdefault("responses", {})[name] = response
    return {"$ref": f"#/components/responses/{name}"}


# Cursor pagination, described once: every list takes these two query parameters.
PAGE_PARAMETERS = {"cursor": "Cursor", "limit": "Limit"}


def _share_page_parameters(document: dict[str, Any]) -> None:
    """Each list's `cursor` and `limit` as a reference to one shared definition."""
    shared = document["components"].setdefault("parameters", {})
    for path in document["paths"].values():
        for operation in path.values():
            parameters = operation.get("parameters", [])
            for i, parameter in enumerate(parameters):
                name = PAGE_PARAMETERS.get(parameter.get("name", ""))
                if name is None or parameter.get("in") != "query":
                    continue
                existing = shared.setdefault(name, parameter)
                if existing != parameter:  # another list with other rules: keep it inline
                    continue
                parameters[i] = {"$ref": f"#/components/parameters/{name}"}


def parameters_of(document: dict[str, Any], operation: dict[str, Any]) -> list[dict[str, Any]]:
    """An operation's parameters, the shared ones looked up."""
    shared = document.get("components", {}).get("parameters", {})
    return [
        shared[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p
        for p in operation.get("parameters", [])
    ]


def problem_types(document: dict[str, Any], path: str, method: str, status: int) -> list[str]:
    """The problem `type` values the document says the operation answers with `status`."""
    response = document["paths"][path][method.lower()]["responses"].get(str(status), {})
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response.get(PROBLEM_TYPES, [])


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def main() -> None:
    """Print the document the app serves, as committed in clients/openapi.json
    (`make openapi` writes it)."""
    import json

    from api.main import create_app

    print(json.dumps(create_app().openapi(), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
