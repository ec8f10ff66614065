"""Uploads through the API with nothing configured: slots, the locally signed URLs (whose
signature, expiry, content type and size are really checked), status, and attaching
ready uploads to posts. The upload function runs on the in-process bus, as in `make run`."""

from __future__ import annotations

import time
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from uuid import UUID

import pytest
from sqlalchemy import func, select

from api.uploads.models import Attachment
from infra import storage as storage_module
from tests.api.helpers import burst, create_post
from tests.functions.images import exif_gps, jpeg_with_gps, opened, png

MIB = 1024 * 1024


pytestmark = pytest.mark.usefixtures("fresh_adapters")


def slot(client, user, data: bytes | None = None, **fields) -> dict:
    body = {"content_type": "image/jpeg", "size": len(data) if data else 1000, "file_name": "a.jpg"}
    r = client.post("/v1/uploads", json=body | fields, headers=user.headers)
    assert r.status_code == 201, r.text
    return r.json()


def put(client, upload: dict, data: bytes, headers: dict | None = None, url: str | None = None):
    return client.put(url or upload["url"], content=data, headers=headers or upload["headers"])


def ready_upload(client, user, data: bytes | None = None) -> dict:
    data = data or jpeg_with_gps()
    content_type = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    s = slot(client, user, data, content_type=content_type)
    assert put(client, s["upload"], data).status_code == 200
    status = client.get(f"/v1/uploads/{s['id']}", headers=user.headers).json()
    assert status["status"] == "ready", status
    return status


def rejected_upload(client, user) -> dict:
    data = b"just some text, named photo.jpg"
    s = slot(client, user, data)
    assert put(client, s["upload"], data).status_code == 200
    status = client.get(f"/v1/uploads/{s['id']}", headers=user.headers).json()
    assert status["status"] == "rejected"
    return status


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query)) | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


def attachment_count(db) -> int:
    return db.scalar(select(func.count()).select_from(Attachment))


def object_name(upload_slot: dict) -> str:
    return f"incoming/{upload_slot['id']}"


def move_storage_clock(settings, seconds: float) -> None:
    """The same local storage (same folder, same key), its clock `seconds` ahead."""
    storage_module.set_storage(
        storage_module.local_storage(settings, clock=lambda: time.time() + seconds)
    )


# --- slots and status ----------------------------------------------------------------


def test_a_slot_is_a_pending_upload_with_a_signed_put_url(client, campus):
    before = time.time()
    r = client.post(
        "/v1/uploads",
        json={"content_type": "IMAGE/JPEG", "size": 123_456, "file_name": "IMG_0042.jpg"},
        headers=campus.alice.headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "pending"
    assert body["content_type"] == "image/jpeg"
    assert (body["size"], body["file_name"]) == (123_456, "IMG_0042.jpg")
    assert body["image"] is None and body["post_id"] is None
    upload = body["upload"]
    assert upload["method"] == "PUT"
    assert urlsplit(upload["url"]).path == f"/v1/uploads/local/incoming/{body['id']}"
    # The file name never reaches the object name.
    assert "IMG_0042" not in upload["url"]
    assert upload["headers"] == {
        "Content-Type": "image/jpeg",
        "x-goog-content-length-range": "1,123456",
    }
    lifetime = datetime.fromisoformat(upload["expires_at"]).timestamp() - before
    assert 15 * 60 - 5 <= lifetime <= 15 * 60 + 5


def test_only_the_owner_reads_an_upload(client, campus):
    s = slot(client, campus.alice)
    mine = client.get(f"/v1/uploads/{s['id']}", headers=campus.alice.headers)
    assert mine.status_code == 200 and mine.json()["status"] == "pending"
    for other in (campus.bob, campus.outsider):
        r = client.get(f"/v1/uploads/{s['id']}", headers=other.headers)
        assert r.status_code == 404
        assert r.json()["type"] == "urn:quad:problem:not-found"
    assert client.get(f"/v1/uploads/{s['id']}").status_code == 401
    assert client.post("/v1/uploads", json={}).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"content_type": "application/pdf", "size": 10, "file_name": "a.pdf"},
        {"content_type": "image/svg+xml", "size": 10, "file_name": "a.svg"},
        {"content_type": "image/jpeg", "size": 0, "file_name": "a.jpg"},
        {"content_type": "image/jpeg", "size": 10 * MIB + 1, "file_name": "a.jpg"},
        {"content_type": "image/jpeg", "size": "12", "file_name": "a.jpg"},
        {"content_type": "image/jpeg", "size": 10},
        {"content_type": "image/jpeg", "size": 10, "file_name": ""},
        {"content_type": "image/jpeg", "size": 10, "file_name": "a\nb.jpg"},
        {"content_type": "image/jpeg", "size": 10, "file_name": "a.jpg", "bucket": "x"},
    ],
    ids=[
        "pdf",
        "svg",
        "empty",
        "too-big",
        "size-as-text",
        "no-name",
        "blank-name",
        "control-char",
        "unknown-field",
    ],
)
def test_bad_slots_are_refused_and_nothing_is_kept(client, campus, db, body):
    r = client.post("/v1/uploads", json=body, headers=campus.alice.headers)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:quad:problem:validation-error"
    assert attachment_count(db) == 0


def test_every_accepted_type_gets_a_slot(client, campus):
    for content_type in ("image/jpeg", "image/png", "image/webp", "image/gif"):
        s = slot(client, campus.alice, content_type=content_type)
        assert s["upload"]["headers"]["Content-Type"] == content_type


# --- the locally signed PUT ----------------------------------------------------------


def test_a_signed_put_stores_the_file_and_the_function_makes_it_ready(client, campus):
    data = jpeg_with_gps((1200, 800))
    s = slot(client, campus.alice, data)
    r = put(client, s["upload"], data)
    assert r.status_code == 200
    status = client.get(f"/v1/uploads/{s['id']}", headers=campus.alice.headers).json()
    assert status["status"] == "ready"
    assert (status["width"], status["height"]) == (1200, 800)
    image = client.get(status["image"]["url"])
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert exif_gps(image.content) == {}
    thumb = opened(client.get(status["image"]["thumbnail_url"]).content)
    assert thumb.size == (640, 427)
    # The raw upload is gone once processed.
    assert not storage_module.get_storage().exists(object_name(s))


def _assert_refused(r, status: int, slug: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == f"urn:quad:problem:{slug}"


def _nothing_stored(client, user, upload_slot) -> None:
    assert not storage_module.get_storage().exists(object_name(upload_slot))
    status = client.get(f"/v1/uploads/{upload_slot['id']}", headers=user.headers).json()
    assert status["status"] == "pending"


def test_a_tampered_signature_is_refused(client, campus):
    data = jpeg_with_gps()
    s = slot(client, campus.alice, data)
    url = s["upload"]["url"]
    signature = dict(parse_qsl(urlsplit(url).query))["X-Quad-Signature"]
    forged = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    r = put(client, s["upload"], data, url=with_query(url, **{"X-Quad-Signature": forged}))
    _assert_refused(r, 403, "signed-url-rejected")
    # A longer life is not for the taking either: the expiry is signed.
    later = str(int(time.time()) + 3600)
    r = put(client, s["upload"], data, url=with_query(url, **{"X-Quad-Expires": later}))
    _assert_refused(r, 403, "signed-url-rejected")
    _nothing_stored(client, campus.alice, s)


def test_a_signed_url_is_for_its_own_object_only(client, campus):
    data = jpeg_with_gps()
    mine = slot(client, campus.alice, data)
    other = slot(client, campus.bob, data)
    url = mine["upload"]["url"].replace(str(mine["id"]), str(other["id"]))
    _assert_refused(put(client, mine["upload"], data, url=url), 403, "signed-url-rejected")
    _nothing_stored(client, campus.bob, other)
    outside = mine["upload"]["url"].replace(f"incoming/{mine['id']}", "../../jwt-secret")
    assert put(client, mine["upload"], data, url=outside).status_code in (403, 404)


def test_an_expired_url_is_refused(client, campus, settings):
    data = jpeg_with_gps()
    s = slot(client, campus.alice, data)
    # The same storage (same folder, same key) sixteen minutes later.
    move_storage_clock(settings, 16 * 60)
    r = put(client, s["upload"], data)
    _assert_refused(r, 403, "signed-url-rejected")
    assert "expired" in r.json()["detail"]
    _nothing_stored(client, campus.alice, s)


def test_another_content_type_is_refused(client, campus):
    data = png()
    s = slot(client, campus.alice, data)  # declared image/jpeg
    headers = s["upload"]["headers"] | {"Content-Type": "image/png"}
    _assert_refused(put(client, s["upload"], data, headers=headers), 403, "signed-url-rejected")
    no_range = {"Content-Type": "image/jpeg"}
    _assert_refused(put(client, s["upload"], data, headers=no_range), 403, "signed-url-rejected")
    wider = s["upload"]["headers"] | {"x-goog-content-length-range": f"1,{10 * MIB}"}
    _assert_refused(put(client, s["upload"], data, headers=wider), 403, "signed-url-rejected")
    _nothing_stored(client, campus.alice, s)


def test_more_bytes_than_declared_are_refused(client, campus):
    data = jpeg_with_gps()
    s = slot(client, campus.alice, size=len(data) - 1)
    _assert_refused(put(client, s["upload"], data), 413, "payload-too-large")
    _assert_refused(put(client, s["upload"], b""), 400, "payload-too-small")
    _nothing_stored(client, campus.alice, s)


def test_image_urls_are_signed_too(client, campus, settings):
    status = ready_upload(client, campus.alice)
    url = status["image"]["url"]
    assert client.get(url).status_code == 200
    signature = dict(parse_qsl(urlsplit(url).query))["X-Quad-Signature"]
    forged = with_query(url, **{"X-Quad-Signature": "0" * len(signature)})
    _assert_refused(client.get(forged), 403, "signed-url-rejected")
    unsigned = urlunsplit(urlsplit(url)._replace(query=""))
    _assert_refused(client.get(unsigned), 403, "signed-url-rejected")
    move_storage_clock(settings, settings.image_url_ttl_seconds + 60)
    _assert_refused(client.get(url), 403, "signed-url-rejected")


def test_processed_images_may_be_kept_by_browsers_for_one_url_window(client, campus, settings):
    status = ready_upload(client, campus.alice)
    expected = f"private, max-age={settings.image_cdn_url_window_seconds}"
    for url in (status["image"]["url"], status["image"]["thumbnail_url"]):
        assert client.get(url).headers["cache-control"] == expected


# --- attaching -----------------------------------------------------------------------


def test_ready_uploads_are_attached_in_order_and_served(client, campus):
    first = ready_upload(client, campus.alice, jpeg_with_gps((1000, 500)))
    second = ready_upload(client, campus.alice, png((300, 200)))
    post = create_post(
        client, campus.alice, campus.board, attachment_ids=[second["id"], first["id"]]
    )
    assert [a["id"] for a in post["attachments"]] == [second["id"], first["id"]]

    detail = client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).json()
    images = detail["attachments"]
    assert [(a["content_type"], a["width"], a["height"]) for a in images] == [
        ("image/png", 300, 200),
        ("image/jpeg", 1000, 500),
    ]
    for attachment in images:
        image = client.get(attachment["url"])
        assert image.status_code == 200
        assert image.headers["content-type"] == attachment["content_type"]
        assert opened(image.content).size == (attachment["width"], attachment["height"])
        thumb = opened(client.get(attachment["thumbnail_url"]).content)
        assert max(thumb.size) <= 640

    page = client.get(f"/v1/boards/{campus.board}/posts", headers=campus.bob.headers).json()
    summary = page["items"][0]
    assert summary["image_count"] == 2
    thumb = client.get(summary["thumbnail_url"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/png"
    assert (
        client.get(f"/v1/uploads/{first['id']}", headers=campus.alice.headers).json()["post_id"]
        == post["id"]
    )


def _refused_post(client, user, board, ids, status: int, slug: str) -> dict:
    body = {"title": "t", "body": "b", "attachment_ids": [str(i) for i in ids]}
    r = client.post(f"/v1/boards/{board}/posts", json=body, headers=user.headers)
    assert r.status_code == status, r.text
    assert r.json()["type"] == f"urn:quad:problem:{slug}"
    return r.json()


def _no_posts(client, campus) -> None:
    page = client.get(f"/v1/boards/{campus.board}/posts", headers=campus.alice.headers).json()
    assert page["items"] == []


def test_attaching_breaks_no_rule(client, campus):
    mine = ready_upload(client, campus.alice)
    bobs = ready_upload(client, campus.bob)
    pending = slot(client, campus.alice)
    rejected = rejected_upload(client, campus.alice)

    problem = _refused_post(
        client, campus.alice, campus.board, [mine["id"], bobs["id"]], 422, "unknown-attachment"
    )
    assert problem["attachment_id"] == bobs["id"]
    _refused_post(client, campus.alice, campus.board, [UUID(int=7)], 422, "unknown-attachment")
    _refused_post(client, campus.alice, campus.board, [pending["id"]], 409, "attachment-not-ready")
    problem = _refused_post(
        client, campus.alice, campus.board, [rejected["id"]], 409, "attachment-rejected"
    )
    assert "not a JPEG" in problem["detail"]
    _refused_post(
        client, campus.alice, campus.board, [mine["id"], mine["id"]], 422, "validation-error"
    )
    _no_posts(client, campus)  # nothing was saved by any of them
    assert (
        client.get(f"/v1/uploads/{mine['id']}", headers=campus.alice.headers).json()["post_id"]
        is None
    )

    create_post(client, campus.alice, campus.board, attachment_ids=[mine["id"]])
    _refused_post(client, campus.alice, campus.board, [mine["id"]], 409, "attachment-in-use")


def test_at_most_ten_images_per_post(client, campus, db):
    ids = [ready_upload(client, campus.alice, png((20, 20)))["id"] for _ in range(11)]
    _refused_post(client, campus.alice, campus.board, ids, 422, "validation-error")
    _no_posts(client, campus)
    post = create_post(client, campus.alice, campus.board, attachment_ids=ids[:10])
    assert len(post["attachments"]) == 10


def test_deleting_a_post_deletes_its_images(client, campus, db):
    upload = ready_upload(client, campus.alice)
    row = db.get(Attachment, UUID(upload["id"]))
    names = [row.image_object, row.thumbnail_object]
    storage = storage_module.get_storage()
    assert all(storage.exists(n) for n in names)
    post = create_post(client, campus.alice, campus.board, attachment_ids=[upload["id"]])
    r = client.delete(f"/v1/posts/{post['id']}", headers=campus.alice.headers)
    assert r.status_code == 204
    assert not any(storage.exists(n) for n in names)
    assert client.get(f"/v1/uploads/{upload['id']}", headers=campus.alice.headers).status_code == (
        404
    )


def test_a_hidden_posts_images_reach_its_author_only(client, campus, world):
    upload = ready_upload(client, campus.alice)
    post = create_post(client, campus.alice, campus.board, attachment_ids=[upload["id"]])
    for user in world.users(campus.school, 5, trusted=True):
        client.put(f"/v1/posts/{post['id']}/report", json={"reason": "spam"}, headers=user.headers)
    assert client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).status_code == 404
    mine = client.get(f"/v1/posts/{post['id']}", headers=campus.alice.headers).json()
    assert mine["hidden"] is True and [a["id"] for a in mine["attachments"]] == [upload["id"]]


def test_pages_look_for_images_only_when_a_post_has_some(client, campus, count_statements):
    def statements(url: str) -> tuple[int, dict]:
        with count_statements:
            r = client.get(url, headers=campus.bob.headers)
        assert r.status_code == 200
        return count_statements.count, r.json()

    for i in range(6):
        create_post(client, campus.alice, campus.board, title=f"plain {i}")
    board = f"/v1/boards/{campus.board}/posts"
    plain, _ = statements(board)
    for _ in range(3):
        upload = ready_upload(client, campus.alice, png((30, 30)))
        create_post(client, campus.alice, campus.board, attachment_ids=[upload["id"]])
    illustrated, page = statements(board)
    assert sum(1 for item in page["items"] if item["thumbnail_url"]) == 3
    assert illustrated == plain + 1  # one batched query for the whole page
    with_image, _ = statements(f"/v1/posts/{page['items'][0]['id']}")
    without, _ = statements(f"/v1/posts/{page['items'][-1]['id']}")
    assert with_image == without + 1


@pytest.mark.live
def test_two_posts_racing_for_one_upload_get_it_once(client, campus, live_server):
    upload = ready_upload(client, campus.alice)
    body = {"title": "race", "body": "b", "attachment_ids": [upload["id"]]}
    path = f"/v1/boards/{campus.board}/posts"
    responses = burst(live_server, [("POST", path, campus.alice, body)] * 4)
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    page = client.get(path, headers=campus.alice.headers).json()
    assert len(page["items"]) == 1 and page["items"][0]["image_count"] == 1


def test_behind_the_edge_posts_give_cloud_cdn_signed_image_urls(client, campus, settings):
    """IMAGE_CDN_BASE_URL: the same images, named by Cloud CDN signed URLs on the load
    balancer (tests/infra/test_image_cdn.py checks the signature itself)."""
    upload = ready_upload(client, campus.alice)
    post = create_post(client, campus.alice, campus.board, attachment_ids=[upload["id"]])
    key = bytes(range(16))
    storage_module.set_storage(
        storage_module.CdnImageStorage(
            storage_module.local_storage(settings), "https://api.quad.example", "images-1", key, 300
        )
    )
    (image,) = client.get(f"/v1/posts/{post['id']}", headers=campus.bob.headers).json()[
        "attachments"
    ]
    summary = client.get(f"/v1/boards/{campus.board}/posts", headers=campus.bob.headers).json()
    for url in (image["url"], image["thumbnail_url"], summary["items"][0]["thumbnail_url"]):
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("https", "api.quad.example")
        assert parts.path.startswith(f"/images/{upload['id']}/")
        query = dict(parse_qsl(parts.query))
        assert query["KeyName"] == "images-1"
        assert query["Signature"]
    # Two readers in the same window are given the same URL (what lets it be cached).
    again = client.get(f"/v1/posts/{post['id']}", headers=campus.alice.headers).json()
    assert again["attachments"][0]["url"] == image["url"]
