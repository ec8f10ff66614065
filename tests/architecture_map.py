"""The maps docs/ARCHITECTURE.md shows, made from the code: every route with its router
and the service functions it runs, and every event type with its topic and handlers.
tests/test_architecture.py checks the document carries exactly these;
`python -m tests.architecture_map` prints them to paste when they change."""

from __future__ import annotations

import inspect
import re
from typing import Any

from fastapi.routing import APIRoute

from api.openapi import api_routes

_SERVICE_CALL = re.compile(r"\b(\w*service)\.(\w+)\b")
_ROUTER_HELPER = re.compile(r"in_\w*session\(\s*(_\w+)")


def _services(route: APIRoute) -> list[str]:
    module = inspect.getmodule(route.endpoint)
    assert module is not None
    domain = module.__name__.split(".")[1] if module.__name__.count(".") >= 2 else "main"
    sources = [inspect.getsource(route.endpoint)]
    for helper in _ROUTER_HELPER.findall(sources[0]):  # a router-level composition
        sources.append(inspect.getsource(getattr(module, helper)))
    calls: dict[str, None] = {}
    for source in sources:
        for owner, function in _SERVICE_CALL.findall(source):
            owner_domain = domain if owner == "service" else owner.removesuffix("_service")
            calls[f"{owner_domain}.{function}"] = None
    return list(calls)


def route_rows(app: Any) -> list[str]:
    rows = []
    for path, route in api_routes(app):
        module = route.endpoint.__module__.replace(".", "/") + ".py"
        services = ", ".join(f"`{s}`" for s in _services(route)) or "—"
        for method in sorted(route.methods):
            rows.append(f"| {method} | `{path}` | `{module}` | {services} |")
    return rows


def event_rows() -> list[str]:
    from api.events_wiring import LOCAL_SUBSCRIPTIONS
    from api.outbox.types import TOPICS, EventType
    from tests.terraform.hcl import platform_locals

    local = {topic: f"{h.__module__}:{h.__name__}" for topic, h in LOCAL_SUBSCRIPTIONS.items()}

    # terraform/modules/platform/events.tf: the function each topic pushes to.
    cloud = {
        f["topic"].removeprefix("${local.topic_prefix}"): f"`{f['entry_point']}`"
        for f in platform_locals()["planned_functions"]
        if isinstance(f.get("topic"), str)
    }
    rows = []
    for event_type in EventType:
        topic = TOPICS[event_type]
        handler = local.get(topic)
        rows.append(
            f"| `{event_type.value}` | `{topic}` | {cloud.get(topic, '—')} | "
            f"{f'`{handler}`' if handler else '—'} |"
        )
    return rows


if __name__ == "__main__":
    from api.main import create_app

    print("\n".join(route_rows(create_app())))
    print()
    print("\n".join(event_rows()))
