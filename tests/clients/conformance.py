"""Every answer a generated client gets, checked against an OpenAPI document: its status
must be one the operation lists, its content type one that answer lists, and a JSON body
must validate against that answer's schema (JSON Schema 2020-12, `$ref`s resolved in the
document). An httpx response hook, so it sees what the client sees, before it parses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "https://quad.local/openapi.json"


class NotAsDocumented(AssertionError):
    """An answer the document does not describe."""


def _pointer_part(value: str) -> str:
    return value.replace("~", "~0").replace("/", "~1")


def _at(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for part in pointer.split("/")[1:]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


@dataclass
class Conformance:
    document: dict[str, Any]
    checked: int = 0
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        resource = Resource(contents=self.document, specification=DRAFT202012)
        self._registry: Registry = Registry().with_resource(DOCUMENT_URI, resource)
        self._validators: dict[str, Draft202012Validator] = {}
        # Literal segments before parameters: /v1/users/me is not /v1/users/{user_id}.
        self._templates = sorted(
            (
                (
                    path.count("{"),
                    re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$"),
                    path,
                )
                for path in self.document["paths"]
            ),
            key=lambda t: t[0],
        )

    def hook(self, response: httpx.Response) -> None:
        """httpx's response event hook: raises NotAsDocumented (and records why)."""
        response.read()
        method = response.request.method.lower()
        path = response.request.url.path
        template = next(
            (
                t
                for _, regex, t in self._templates
                if regex.match(path) and method in self.document["paths"][t]
            ),
            None,
        )
        where = f"{response.request.method} {template or path}"
        problems = (
            ["the document has no such operation"]
            if template is None
            else self._check(method, template, response)
        )
        self.checked += 1
        if problems:
            text = f"{where} answered {response.status_code}: " + "; ".join(problems)
            self.violations.append(text)
            raise NotAsDocumented(text)

    def _check(self, method: str, template: str, response: httpx.Response) -> list[str]:
        pointer = f"/paths/{_pointer_part(template)}/{method}"
        answers = _at(self.document, pointer).get("responses", {})
        status = str(response.status_code)
        key = next((k for k in (status, f"{status[0]}XX", "default") if k in answers), None)
        if key is None:
            return [f"the operation documents only {', '.join(answers)}"]
        pointer = f"{pointer}/responses/{_pointer_part(key)}"
        answer = answers[key]
        if "$ref" in answer:
            pointer = answer["$ref"][1:]
            answer = _at(self.document, pointer)
        content = answer.get("content", {})
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if not content:
            return (
                [f"a body ({media_type}) where the document has none"] if response.content else []
            )
        if media_type not in content:
            return [f"content type {media_type or 'none'} is not one of {', '.join(content)}"]
        if "schema" not in content[media_type] or not re.search(r"[/+]json$", media_type):
            return []
        try:
            body = json.loads(response.content)
        except ValueError:
            return ["the body is not JSON"]
        return self._errors(f"{pointer}/content/{_pointer_part(media_type)}/schema", body)

    def request_body_errors(self, method: str, template: str, body: Any) -> list[str]:
        """Why `body` is not a JSON request body the operation's schema accepts (none: it is)."""
        pointer = f"/paths/{_pointer_part(template)}/{method.lower()}/requestBody"
        return self._errors(f"{pointer}/content/application~1json/schema", body)

    def _errors(self, pointer: str, instance: Any) -> list[str]:
        validator = self._validator(pointer)
        return [
            f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message}"
            for error in sorted(
                validator.iter_errors(instance), key=lambda e: list(map(str, e.path))
            )
        ]

    def _validator(self, pointer: str) -> Draft202012Validator:
        if pointer not in self._validators:
            self._validators[pointer] = Draft202012Validator(
                {"$ref": f"{DOCUMENT_URI}#{pointer}"},
                registry=self._registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        return self._validators[pointer]
