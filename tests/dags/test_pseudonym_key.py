"""The pseudonym key in the cloud: Composer cannot set an environment variable from Secret
Manager, so the DAG reads the version named by ANALYTICS_PSEUDONYM_KEY_SECRET itself.
The real google-cloud-secret-manager client (REST transport) talks to a fake of the
service's HTTP API (the service is not reachable here): the tests see the exact request."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date
from pathlib import Path

import google_crc32c
import pytest
from pydantic import ValidationError

from tests.dags.conftest import forget_settings, point_settings_at
from tests.dags.fake_google import PROJECT, FakeGoogle
from tests.dags.test_quality import small_day

D = date(2026, 11, 20)
VERSION = f"projects/{PROJECT}/secrets/analytics-pseudonym-key/versions/3"
KEY = b"k3Y-from-secret-manager-" + b"x" * 24


@pytest.fixture
def google():
    fake = FakeGoogle()
    fake.secret_versions[VERSION] = (KEY, google_crc32c.value(KEY))
    yield fake
    fake.stop()


def secret_client(google: FakeGoogle):
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud.secretmanager_v1 import SecretManagerServiceClient

    return SecretManagerServiceClient(
        credentials=AnonymousCredentials(),
        transport="rest",
        client_options=ClientOptions(api_endpoint=google.url),
    )


@pytest.fixture
def cloud_settings(monkeypatch):
    """Settings as Composer has them: Cloud SQL and BigQuery, the key only as a secret."""
    from infra.settings import Settings

    for name in ("ANALYTICS_PSEUDONYM_KEY", "ANALYTICS_PSEUDONYM_KEY_SECRET"):
        monkeypatch.delenv(name, raising=False)

    def make(**values) -> Settings:
        return Settings(
            cloud_sql_instance="quad-test:asia-northeast3:quad",
            warehouse_backend="bigquery",
            _env_file=None,
            **values,
        )

    return make


def accesses(google: FakeGoogle) -> list[dict]:
    return [r for r in google.requests if r["path"].startswith("/v1/projects/")]


def test_the_key_is_read_from_the_secret_version(google, cloud_settings):
    settings = cloud_settings(analytics_pseudonym_key_secret=VERSION)
    assert settings.pseudonym_key(secret_client(google)) == KEY
    assert accesses(google) == [
        {
            "method": "GET",
            "path": f"/v1/{VERSION}:access",
            "query": "%24alt=json%3Benum-encoding%3Dint",
            "body": None,
        }
    ]


def test_a_key_set_directly_wins_and_secret_manager_is_not_asked(google, cloud_settings):
    settings = cloud_settings(
        analytics_pseudonym_key="a-key-given-as-a-variable-32-bytes-long",
        analytics_pseudonym_key_secret=VERSION,
    )
    assert (
        settings.pseudonym_key(secret_client(google)) == b"a-key-given-as-a-variable-32-bytes-long"
    )
    assert accesses(google) == []


def test_a_corrupted_payload_is_refused(google, cloud_settings):
    google.secret_versions[VERSION] = (KEY, google_crc32c.value(KEY[:-1]))
    settings = cloud_settings(analytics_pseudonym_key_secret=VERSION)
    with pytest.raises(RuntimeError, match="arrived corrupted"):
        settings.pseudonym_key(secret_client(google))


def test_a_missing_version_fails_loudly(google, cloud_settings):
    from google.api_core.exceptions import NotFound

    missing = VERSION.replace("/versions/3", "/versions/4")
    settings = cloud_settings(analytics_pseudonym_key_secret=missing)
    with pytest.raises(NotFound, match="versions/4"):
        settings.pseudonym_key(secret_client(google))


@pytest.mark.parametrize(
    "name",
    [
        "analytics-pseudonym-key",  # a secret, not a version
        f"projects/{PROJECT}/secrets/analytics-pseudonym-key",
        f"projects/{PROJECT}/secrets/analytics-pseudonym-key/versions/",
        f"{VERSION}/extra",
    ],
)
def test_a_name_that_is_not_a_secret_version_is_refused_when_settings_load(cloud_settings, name):
    with pytest.raises(ValidationError, match="analytics_pseudonym_key_secret"):
        cloud_settings(analytics_pseudonym_key_secret=name)


def test_the_cloud_without_a_key_or_a_secret_refuses_to_make_one_up(cloud_settings, tmp_path):
    settings = cloud_settings(data_dir=tmp_path)
    with pytest.raises(RuntimeError, match="ANALYTICS_PSEUDONYM_KEY_SECRET must be set"):
        settings.pseudonym_key()
    assert list(tmp_path.iterdir()) == []  # no local key generated


def test_the_pipeline_pseudonymises_with_the_key_from_secret_manager(
    google, source, postgres, tmp_path, monkeypatch
):
    from google.cloud import secretmanager
    from quad_analytics import pipeline

    ids = small_day(source)
    point_settings_at(monkeypatch, postgres, tmp_path / "data")
    monkeypatch.setenv("ANALYTICS_PSEUDONYM_KEY_SECRET", VERSION)
    # The default client the settings make, pointed at the fake.
    monkeypatch.setattr(secretmanager, "SecretManagerServiceClient", lambda: secret_client(google))
    try:
        manifest = pipeline.extract_and_stage(D)
    finally:
        forget_settings()

    (day,) = [m for m in manifest if m["day"] == D.isoformat()]
    events = [
        json.loads(line) for uri in day["uris"] for line in Path(uri).read_text().splitlines()
    ]
    signups = {e["user_key"] for e in events if e["event_type"] == "signup"}
    expected = {
        hmac.new(KEY, str(ids[name]).encode(), hashlib.sha256).hexdigest()
        for name in ("minji", "junho")
    }
    assert signups == expected
    assert len(accesses(google)) == 1
    assert not (tmp_path / "data" / "analytics-pseudonym-key").exists()
