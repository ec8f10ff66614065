"""The GCS adapter against gcp-storage-emulator (a real storage server, blind to
signatures and without notifications), and the exact signed URLs and IAM signBlob
requests it makes, which only Google checks."""

from __future__ import annotations

import base64
import hashlib
import json
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import google.auth.transport.requests
import httpx
import pytest
from google.auth import credentials as ga_credentials

from infra import events as bus_module
from infra import storage as storage_module
from infra.storage import GcsStorage, ObjectNotFound
from tests.conftest import free_port
from tests.functions.events import storage_finalized
from tests.functions.images import exif_gps, jpeg_with_gps, opened

BUCKET = "quad-test-uploads"


@pytest.fixture(scope="module")
def emulator():
    """gcp-storage-emulator in this process, on a free loopback port; stopped after."""
    from gcp_storage_emulator.server import create_server

    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True, default_bucket=BUCKET)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def gcs(emulator) -> GcsStorage:
    return GcsStorage(BUCKET, upload_ttl=900, download_ttl=600, emulator_host=emulator)


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_write_read_exists_delete(gcs):
    name = "images/test/a.bin"
    assert gcs.exists(name) is False
    gcs.write(name, b"0123456789", "application/octet-stream")
    assert gcs.exists(name) is True
    assert gcs.read(name, 100) == b"0123456789"
    assert gcs.read(name, 4) == b"0123"  # never more than asked for
    gcs.delete(name)
    assert gcs.exists(name) is False
    gcs.delete(name)  # already gone: nothing to do
    with pytest.raises(ObjectNotFound):
        gcs.read(name, 10)


def test_an_object_is_served_with_the_cache_control_it_was_written_with(gcs):
    gcs.write("images/test/c.jpg", b"jpeg", "image/jpeg", "private, max-age=300")
    blob = gcs._bucket.get_blob("images/test/c.jpg")
    assert blob.cache_control == "private, max-age=300"
    gcs.write("images/test/d.jpg", b"jpeg", "image/jpeg")
    assert gcs._bucket.get_blob("images/test/d.jpg").cache_control is None


def test_a_signed_put_url_is_bound_to_type_length_range_and_15_minutes(gcs, emulator):
    upload = gcs.signed_upload("incoming/abc", "image/jpeg", max_size=5000)
    parts = urlsplit(upload.url)
    assert f"{parts.scheme}://{parts.netloc}" == emulator
    assert parts.path == f"/{BUCKET}/incoming/abc"
    q = query(upload.url)
    assert q["X-Goog-Algorithm"] == "GOOG4-RSA-SHA256"
    assert q["X-Goog-Expires"] == "900"
    # Content type and length range are signed headers: GCS refuses any other value.
    assert q["X-Goog-SignedHeaders"] == "content-type;host;x-goog-content-length-range"
    assert len(q["X-Goog-Signature"]) == 512  # hex RSA-2048 signature
    assert upload.method == "PUT"
    assert upload.headers == {
        "Content-Type": "image/jpeg",
        "x-goog-content-length-range": "1,5000",
    }


def test_a_signed_get_url_is_short_lived(gcs):
    url = gcs.signed_download("images/x/image.jpg").url
    q = query(url)
    assert q["X-Goog-Expires"] == "600"
    assert q["X-Goog-SignedHeaders"] == "host"
    assert gcs.signed_download("images/x/image.jpg").url == url  # reused while fresh


class MetadataServerCredentials(ga_credentials.Credentials):
    """Stands for Cloud Run's metadata-server credentials: a token and an email, no key.
    (The metadata server cannot run here; what the adapter then sends to IAM is checked.)"""

    def __init__(self) -> None:
        super().__init__()
        self.service_account_email = "default"  # as before the first refresh
        self.refreshes = 0

    def refresh(self, request) -> None:
        self.refreshes += 1
        self.token = f"token-{self.refreshes}"
        self.service_account_email = "quad-api@quad-prod.iam.gserviceaccount.com"
        self.expiry = None


def test_on_cloud_run_urls_are_signed_by_iam_signblob(monkeypatch):
    from google.cloud import storage

    creds = MetadataServerCredentials()
    client = storage.Client(project="quad-prod", credentials=creds)
    gcs = GcsStorage("quad-prod-quad-uploads", 900, 600, client=client)
    sent = []

    def iam(self, url, method="GET", body=None, headers=None, **kwargs):
        sent.append(SimpleNamespace(url=url, method=method, body=body, headers=headers))
        signature = base64.b64encode(b"\x01" * 256).decode()
        return SimpleNamespace(status=200, data=json.dumps({"signedBlob": signature}).encode())

    monkeypatch.setattr(google.auth.transport.requests.Request, "__call__", iam)
    upload = gcs.signed_upload("incoming/abc", "image/png", max_size=1234)

    (call,) = sent
    assert call.method == "POST"
    assert call.url.startswith(
        "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/"
        "quad-api@quad-prod.iam.gserviceaccount.com:signBlob"
    )
    assert call.headers["Authorization"] == "Bearer token-1"
    string_to_sign = base64.b64decode(json.loads(call.body)["payload"]).decode()
    algorithm, _timestamp, scope, request_hash = string_to_sign.split("\n")
    assert algorithm == "GOOG4-RSA-SHA256" and scope.endswith("/auto/storage/goog4_request")
    assert len(request_hash) == len(hashlib.sha256().hexdigest())
    q = query(upload.url)
    assert q["X-Goog-Credential"].startswith("quad-api@quad-prod.iam.gserviceaccount.com/")
    assert q["X-Goog-Signature"] == "01" * 256
    assert q["X-Goog-SignedHeaders"] == "content-type;host;x-goog-content-length-range"

    gcs.signed_download("images/x/thumb.png")
    assert len(sent) == 2 and creds.refreshes == 1  # the token is reused while valid


@pytest.fixture
def on_emulator(gcs, database_url):
    """The API and the function using the emulator; nothing delivers finalize events."""
    storage_module.set_storage(gcs)
    bus_module.set_bus(bus_module.InProcessBus())
    yield gcs
    storage_module.set_storage(None)
    bus_module.set_bus(None)


def object_from_emulator(emulator: str, name: str):
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    client = storage.Client(
        project="quad-local",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": emulator},
    )
    return client.bucket(BUCKET).get_blob(name)


def test_the_whole_upload_through_the_emulator(client, campus, emulator, on_emulator):
    from api.uploads.handlers import upload_finalized

    data = jpeg_with_gps((1500, 1000))
    slot = client.post(
        "/v1/uploads",
        json={"content_type": "image/jpeg", "size": len(data), "file_name": "a.jpg"},
        headers=campus.alice.headers,
    ).json()
    target = slot["upload"]
    r = httpx.put(target["url"], content=data, headers=target["headers"])
    assert r.status_code == 200, r.text
    name = f"incoming/{slot['id']}"
    assert on_emulator.read(name, len(data) + 1) == data

    # The emulator sends no notification: emit the event GCS would, from the object.
    blob = object_from_emulator(emulator, name)
    assert (blob.content_type, blob.size) == ("image/jpeg", len(data))
    resource = {  # StorageObjectData, as Eventarc delivers it
        "bucket": BUCKET,
        "name": name,
        "contentType": blob.content_type,
        "size": str(blob.size),
        "generation": str(blob.generation),
        "md5Hash": blob.md5_hash,
        "timeCreated": blob.time_created.isoformat(),
    }
    assert upload_finalized(storage_finalized(resource)) == "ready"

    status = client.get(f"/v1/uploads/{slot['id']}", headers=campus.alice.headers).json()
    assert status["status"] == "ready" and (status["width"], status["height"]) == (1500, 1000)
    image = httpx.get(status["image"]["url"])
    assert image.status_code == 200 and exif_gps(image.content) == {}
    assert opened(httpx.get(status["image"]["thumbnail_url"]).content).size == (640, 427)
    assert not on_emulator.exists(name)
