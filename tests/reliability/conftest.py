from __future__ import annotations

from collections.abc import Iterator

import pytest


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
