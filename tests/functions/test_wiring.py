"""The local bus runs what the cloud runs: each topic api/events_wiring.py routes goes to
the api handler that the Cloud Function fed by that topic (terraform) calls in
functions/main.py, and every function fed by events is wired locally."""

from __future__ import annotations

import ast
from pathlib import Path

from api.events_wiring import LOCAL_SUBSCRIPTIONS
from infra.storage import FINALIZE_TOPIC, FINALIZED
from tests.terraform.hcl import platform_locals

MAIN = Path(__file__).resolve().parents[2] / "functions" / "main.py"


def entry_point_calls() -> dict[str, set[str]]:
    """Entry point -> the imported functions (module:name) its body calls."""
    tree = ast.parse(MAIN.read_text())
    imported = {
        alias.asname or alias.name: f"{node.module}:{alias.name}"
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    return {
        node.name: {
            imported[call.func.id]
            for call in ast.walk(node)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id in imported
        }
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }


def cloud_routes() -> dict[str, str]:
    """Local topic -> the entry point its events reach in the cloud."""
    routes = {}
    for function in platform_locals()["planned_functions"]:
        if isinstance(function.get("topic"), str):
            routes[function["topic"].removeprefix("${local.topic_prefix}")] = function[
                "entry_point"
            ]
        elif function.get("event_type") == FINALIZED:  # the bucket's own trigger
            routes[FINALIZE_TOPIC] = function["entry_point"]
    return routes


def test_each_topic_reaches_the_same_handler_locally_as_in_the_cloud():
    calls = entry_point_calls()
    cloud = cloud_routes()
    assert set(LOCAL_SUBSCRIPTIONS) == set(cloud), (LOCAL_SUBSCRIPTIONS, cloud)
    for topic, handler in LOCAL_SUBSCRIPTIONS.items():
        name = f"{handler.__module__}:{handler.__name__}"
        assert calls[cloud[topic]] == {name}, (topic, cloud[topic], calls[cloud[topic]])
