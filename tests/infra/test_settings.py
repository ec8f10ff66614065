"""Settings refuse mistakes: an enumerated setting with an unknown value stops start-up
with the variable's name and what it may be (it once silently selected a local stand-in),
and whether the process runs in the cloud is one explicit setting, ENVIRONMENT."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from infra.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]

TYPOS = {
    "EVENTS_BACKEND": ("pubsb", "'auto', 'pubsub' or 'inprocess'"),
    "STORAGE_BACKEND": ("gsc", "'auto', 'gcs' or 'local'"),
    "WAREHOUSE_BACKEND": ("bq", "'auto', 'bigquery' or 'duckdb'"),
    "DB_IP_TYPE": ("privat", "'private', 'public' or 'psc'"),
    "ENVIRONMENT": ("production", "'local', 'dev' or 'prod'"),
    "LOG_LEVEL": ("verbose", "'DEBUG', 'INFO', 'WARNING', 'ERROR' or 'CRITICAL'"),
}


@pytest.mark.parametrize("name", sorted(TYPOS))
def test_an_unknown_value_names_the_variable_and_what_it_may_be(monkeypatch, name):
    value, allowed = TYPOS[name]
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert f"{name}={value!r}: must be one of {allowed}" in str(caught.value)


def test_every_mistake_is_named_at_once(monkeypatch):
    for name, (value, _allowed) in TYPOS.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert all(f"{name}=" in str(caught.value) for name in TYPOS)


def test_quad_refuses_to_start_with_a_mistyped_backend(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "serve"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path), "EVENTS_BACKEND": "pubsb"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "EVENTS_BACKEND='pubsb': must be one of 'auto', 'pubsub' or 'inprocess'" in (done.stderr)
    assert not (tmp_path / "pg").exists()  # nothing was started


def _settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_in_the_cloud_the_auto_backends_are_the_clouds():
    cloud = _settings(environment="prod")
    assert cloud.in_cloud and cloud.uses_pubsub and cloud.uses_gcs and cloud.uses_bigquery


def test_a_cloud_sql_instance_alone_does_not_mean_the_cloud():
    """A laptop may reach Cloud SQL through the connector and still run locally."""
    local = _settings(cloud_sql_instance="p:r:i")
    assert not local.in_cloud
    assert not (local.uses_pubsub or local.uses_gcs or local.uses_bigquery)
    assert _settings(environment="dev", events_backend="inprocess").uses_pubsub is False


def test_in_the_cloud_secrets_must_be_given_not_generated(tmp_path):
    with pytest.raises(RuntimeError, match="JWT_SECRET"):
        _settings(environment="dev", data_dir=tmp_path).signing_key()
    with pytest.raises(RuntimeError, match="ANALYTICS_PSEUDONYM_KEY"):
        _settings(environment="dev", data_dir=tmp_path).pseudonym_key()
    assert not list(tmp_path.iterdir())  # nothing generated
    assert _settings(data_dir=tmp_path).signing_key()  # locally: generated once
