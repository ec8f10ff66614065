"""on_upload_finalized on the local stack: the API's signed URL stores the file in the
local bucket, whose finalize event reaches the function on the in-process bus. Real
images made with Pillow; the stored results are opened again to check them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.outbox.models import ProcessedEvent
from api.uploads.handlers import upload_finalized
from api.uploads.models import Attachment
from functions import main
from infra import events as bus_module
from infra import storage as storage_module
from tests.functions.events import ours, pubsub_push, storage_finalized, storage_notification
from tests.functions.images import (
    animated_gif,
    exif_gps,
    jpeg_with_gps,
    opened,
    png,
    webp_with_exif,
)

MIB = 1024 * 1024


pytestmark = pytest.mark.usefixtures("fresh_adapters")


@pytest.fixture
def recorded(database_url) -> list[bytes]:
    """Finalize events are recorded instead of delivered, so a test delivers them."""
    events: list[bytes] = []
    bus = bus_module.InProcessBus()
    bus.subscribe("uploads", lambda data, attributes: events.append(data))
    bus_module.set_bus(bus)
    return events


def storage() -> storage_module.LocalStorage:
    s = storage_module.get_storage()
    assert isinstance(s, storage_module.LocalStorage)
    return s


def upload(client, user, data: bytes, content_type: str = "image/jpeg") -> dict:
    r = client.post(
        "/v1/uploads",
        json={"content_type": content_type, "size": len(data), "file_name": "photo.jpg"},
        headers=user.headers,
    )
    assert r.status_code == 201, r.text
    slot = r.json()
    target = slot["upload"]
    put = client.put(target["url"], content=data, headers=target["headers"])
    assert put.status_code == 200, put.text
    return slot


def attachment(db, slot: dict) -> Attachment:
    db.expire_all()
    return db.get(Attachment, slot["id"])


def incoming(slot: dict) -> str:
    return f"incoming/{slot['id']}"


def images_written(settings, slot: dict) -> list[str]:
    folder = Path(settings.data_dir).resolve() / "uploads" / "objects"
    return sorted(p.name for p in folder.glob(f"*/images/{slot['id']}/*"))


# --- the happy path ------------------------------------------------------------------


def test_a_photo_with_gps_is_ready_upright_and_without_its_metadata(client, campus, db):
    # Orientation 6: the camera was turned; the picture is shown turned 90° clockwise.
    slot = upload(client, campus.alice, jpeg_with_gps((1200, 800), orientation=6))
    row = attachment(db, slot)
    assert row.status == "ready" and row.reason is None
    assert (row.width, row.height) == (800, 1200)  # upright
    image_bytes = storage().read(row.image_object, 20 * MIB)
    image = opened(image_bytes)
    assert exif_gps(image_bytes) == {}
    assert dict(image.getexif()) == {}  # no camera, no time, no orientation left
    assert "comment" not in image.info
    assert image.size == (800, 1200)
    red, green, _ = image.getpixel((image.width - 5, 5))  # the marker, now top right
    assert red > 200 and green < 60
    thumb = opened(storage().read(row.thumbnail_object, 20 * MIB))
    assert thumb.size == (427, 640) and thumb.format == "JPEG"
    assert not storage().exists(incoming(slot))  # the raw upload is gone


@pytest.mark.parametrize(
    ("make", "content_type", "check"),
    [
        (
            lambda: png((900, 300), text="my address"),
            "image/png",
            lambda im: "Comment" not in im.info,
        ),
        (webp_with_exif, "image/webp", lambda im: "exif" not in im.info),
        (
            animated_gif,
            "image/gif",
            lambda im: im.n_frames == 4 and "comment" not in im.info,
        ),
    ],
    ids=["png-text", "webp-exif", "animated-gif"],
)
def test_every_accepted_format_is_re_encoded_without_metadata(
    client, campus, db, make, content_type, check
):
    data = make()
    slot = upload(client, campus.alice, data, content_type)
    row = attachment(db, slot)
    assert row.status == "ready", row.reason
    stored = opened(storage().read(row.image_object, 20 * MIB))
    assert stored.get_format_mimetype() == content_type
    assert check(stored)
    assert exif_gps(storage().read(row.image_object, 20 * MIB)) == {}
    assert max(opened(storage().read(row.thumbnail_object, 20 * MIB)).size) <= 640


# --- rejections ----------------------------------------------------------------------


def _truncated_jpeg() -> bytes:
    data = jpeg_with_gps((1200, 800))
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (png((400, 300)), "is image/png, not image/jpeg"),
        (_truncated_jpeg(), "damaged or truncated"),
        (b"Dear diary, today I renamed this file to photo.jpg\n" * 20, "not a JPEG"),
    ],
    ids=["png-declared-jpeg", "truncated-jpeg", "text-named-jpg"],
)
def test_files_that_are_not_what_they_claim_are_rejected_and_deleted(
    client, campus, db, settings, data, reason
):
    slot = upload(client, campus.alice, data, "image/jpeg")
    row = attachment(db, slot)
    assert row.status == "rejected"
    assert reason in row.reason
    assert not storage().exists(incoming(slot))
    assert images_written(settings, slot) == []
    status = client.get(f"/v1/uploads/{slot['id']}", headers=campus.alice.headers).json()
    assert status["status"] == "rejected" and reason in status["reason"]


def test_a_12_mib_file_is_rejected_and_deleted(client, campus, db, settings):
    # The signed URL would refuse it; a file that got into the bucket anyway (another
    # client, a bug) is still checked by the function.
    r = client.post(
        "/v1/uploads",
        json={"content_type": "image/jpeg", "size": 10 * MIB, "file_name": "huge.jpg"},
        headers=campus.alice.headers,
    )
    slot = r.json()
    huge = jpeg_with_gps((64, 64)) + b"\0" * (12 * MIB)
    storage().write(incoming(slot), huge, "image/jpeg")  # notifies the function
    row = attachment(db, slot)
    assert row.status == "rejected" and "larger than 10 MiB" in row.reason
    assert not storage().exists(incoming(slot))
    assert images_written(settings, slot) == []


# --- delivery rules ------------------------------------------------------------------


@pytest.fixture
def api_alone(database_url, monkeypatch):
    """INPROCESS_HANDLERS=false: the in-process bus delivers to nobody, as the API runs
    alone in the cloud (the benchmarks' API-only runs)."""
    from infra.settings import get_settings

    monkeypatch.setenv("INPROCESS_HANDLERS", "false")
    get_settings.cache_clear()
    bus_module.set_bus(None)
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
    bus_module.set_bus(None)


def test_with_the_local_handlers_off_an_upload_stays_pending(client, campus, db, api_alone):
    slot = upload(client, campus.alice, jpeg_with_gps())
    assert attachment(db, slot).status == "pending"
    assert storage().exists(incoming(slot))  # nobody processed it
    resource = storage().metadata(incoming(slot))
    assert upload_finalized(storage_finalized(resource)) == "ready"  # a handler still can


def test_the_same_event_three_times_has_one_effect(client, campus, db, recorded):
    slot = upload(client, campus.alice, jpeg_with_gps())
    assert attachment(db, slot).status == "pending"  # recorded, not delivered
    (event,) = recorded
    assert [upload_finalized(event) for _ in range(3)] == [
        "ready",
        "duplicate",
        "duplicate",
    ]
    row = attachment(db, slot)
    assert row.status == "ready"
    assert db.scalar(select(func.count()).select_from(ProcessedEvent)) == 1


def test_a_cloud_storage_pubsub_notification_is_understood(client, campus, db, recorded):
    """In the cloud the bucket notifies the quad-uploads topic (JSON_API_V1 payload) and
    a push subscription hands the function a messagePublished event."""
    slot = upload(client, campus.alice, jpeg_with_gps())
    resource = storage().metadata(incoming(slot))
    event = storage_notification(resource, message_id="7301")
    results = [upload_finalized(event) for _ in range(3)]
    assert results == ["ready", "duplicate", "duplicate"]
    assert attachment(db, slot).status == "ready"


def test_an_eventarc_storage_event_reaches_the_entry_point(client, campus, db, recorded):
    slot = upload(client, campus.alice, png((700, 100)), "image/png")
    resource = storage().metadata(incoming(slot))
    main.on_upload_finalized(storage_finalized(resource, event_id="1234567890123"))
    row = attachment(db, slot)
    assert row.status == "ready" and (row.width, row.height) == (700, 100)


@pytest.mark.parametrize(
    "event",
    [
        b"not json at all",
        ours("google.cloud.storage.object.v1.finalized", {"bucket": "quad-uploads"}),
        ours("google.cloud.storage.object.v1.finalized", {"name": 42}),
        pubsub_push(b"{broken", topic="quad-uploads"),
    ],
    ids=["garbage", "no-name", "name-not-text", "broken-pubsub"],
)
def test_malformed_events_are_acknowledged(database_url, event, caplog):
    assert upload_finalized(event) == "malformed"
    assert any("malformed" in r.getMessage() for r in caplog.records)


def test_a_storage_notification_without_a_json_object_is_acknowledged(database_url):
    event = storage_notification({"bucket": "quad-uploads", "name": "incoming/x"})
    event.data["message"]["data"] = "bm90IGpzb24="  # "not json"
    assert upload_finalized(event) == "malformed"


def test_a_nonsense_size_is_acknowledged_and_changes_nothing(client, campus, db, recorded):
    slot = upload(client, campus.alice, jpeg_with_gps())
    resource = storage().metadata(incoming(slot)) | {"size": "lots"}
    assert upload_finalized(storage_finalized(resource)) == "malformed"
    assert attachment(db, slot).status == "pending"
    assert db.scalar(select(func.count()).select_from(ProcessedEvent)) == 0


def test_stale_events_are_dropped(client, campus, db, recorded, caplog):
    slot = upload(client, campus.alice, jpeg_with_gps())
    resource = storage().metadata(incoming(slot))
    event = storage_finalized(resource, age=timedelta(days=2))
    assert upload_finalized(event) == "stale"
    assert attachment(db, slot).status == "pending"
    assert any("too old" in r.getMessage() for r in caplog.records)


def test_an_object_of_no_attachment_is_logged_and_left_alone(database_url, recorded, caplog):
    name = "incoming/01234567-89ab-7def-8123-456789abcdef"
    storage().write(name, jpeg_with_gps(), "image/jpeg")
    (event,) = recorded
    assert upload_finalized(event) == "ignored"
    assert storage().exists(name)
    assert any("no attachment" in r.getMessage() for r in caplog.records)


def test_the_functions_own_writes_and_other_buckets_are_ignored(client, campus, db):
    slot = upload(client, campus.alice, jpeg_with_gps())  # delivered: the function runs
    row = attachment(db, slot)
    assert row.status == "ready"
    # Writing the image and the thumbnail fired two more finalize events; only the upload
    # itself was claimed.
    assert db.scalar(select(func.count()).select_from(ProcessedEvent)) == 1
    resource = storage().metadata(row.image_object)
    assert upload_finalized(storage_finalized(resource)) == "ignored"
    elsewhere = {"bucket": "someone-elses-bucket", "name": incoming(slot), "size": "10"}
    assert upload_finalized(storage_finalized(elsewhere)) == "ignored"
    assert db.scalar(select(func.count()).select_from(ProcessedEvent)) == 1


def test_uploading_again_after_processing_changes_nothing(client, campus, db):
    data = jpeg_with_gps((1000, 600))
    slot = upload(client, campus.alice, data)
    before = attachment(db, slot)
    done = (before.status, before.image_object, before.processed_at)
    # The URL stays valid for its 15 minutes: a second PUT is stored, then discarded.
    target = slot["upload"]
    assert client.put(target["url"], content=data, headers=target["headers"]).status_code == 200
    after = attachment(db, slot)
    assert (after.status, after.image_object, after.processed_at) == done
    assert not storage().exists(incoming(slot))


def test_a_transient_failure_raises_so_pubsub_retries(client, campus, db, recorded, monkeypatch):
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import sessionmaker

    from infra import database

    slot = upload(client, campus.alice, jpeg_with_gps())
    (event,) = recorded
    down = create_engine("postgresql+pg8000://postgres@127.0.0.1:1/quad")
    monkeypatch.setattr(database, "_engine", down)
    monkeypatch.setattr(database, "_sessionmaker", sessionmaker(down))
    with pytest.raises(DBAPIError):
        upload_finalized(event)
    monkeypatch.undo()
    assert storage().exists(incoming(slot))  # nothing was lost
    assert upload_finalized(event) == "ready"  # the redelivery works
    assert attachment(db, slot).status == "ready"
