"""The reliability suite's figures: each test records what it sent and what came back,
and the run ends with one table of them (requests, 5xx, lost writes, worst latency...),
printed whether or not `-s` was given."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

_FIGURES: dict[str, dict[str, Any]] = defaultdict(dict)


class Figures:
    """Figures of one part of the suite: `figures.add("requests", 1)`, `figures.max(...)`."""

    def __init__(self, part: str) -> None:
        self._part = _FIGURES[part]

    def add(self, name: str, amount: float = 1) -> None:
        self._part[name] = self._part.get(name, 0) + amount

    def max(self, name: str, value: float) -> None:
        self._part[name] = max(self._part.get(name, value), value)

    def set(self, name: str, value: Any) -> None:
        self._part[name] = value

    def get(self, name: str, default: Any = 0) -> Any:
        return self._part.get(name, default)


@pytest.fixture
def figures(request) -> Figures:
    """Figures under the test module's name (without its `test_`)."""
    return Figures(request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_"))


@pytest.fixture
def make_app(database_url, monkeypatch) -> Iterator:
    """The API built with these settings (environment variables), as the server builds it."""
    from api.main import create_app
    from infra.settings import get_settings

    def make(**env: object):
        for name, value in env.items():
            monkeypatch.setenv(name, str(value))
        get_settings.cache_clear()
        return create_app()

    yield make
    monkeypatch.undo()
    get_settings.cache_clear()


def pytest_terminal_summary(terminalreporter) -> None:
    if not _FIGURES:
        return
    terminalreporter.section("reliability figures")
    for part, values in sorted(_FIGURES.items()):
        shown = ", ".join(
            f"{name} {value:.3g}" if isinstance(value, float) else f"{name} {value}"
            for name, value in values.items()
            if not name.startswith("_")  # a test's own bookkeeping
        )
        terminalreporter.write_line(f"{part}: {shown}")
