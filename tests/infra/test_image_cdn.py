"""Images through Cloud CDN: the signed URLs the API gives out when IMAGE_CDN_BASE_URL is
set. Only Google checks them, so the signature is computed here by Google's documented
algorithm, independently of the code, and against the example in Google's own samples."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit

import pytest

from infra.settings import SettingsError, load_settings
from infra.storage import CdnImageStorage, GcsStorage, cdn_signed_url, create_storage

# The key, key name, URL and expiry of Google's Cloud CDN signed URL samples
# (python-docs-samples cdn/snippets_test.py), with the URL they expect.
SAMPLE_KEY = "nZtRohdNF9m3cKM24IcK4w=="
SAMPLE_URL = "http://35.186.234.33/index.html"
SAMPLE_EXPIRES = 1549751401
SAMPLE_SIGNED = (
    "http://35.186.234.33/index.html?Expires=1549751401&KeyName=my-key"
    "&Signature=CRFqQnVfFyiUyR63OQf-HRUpIwc="
)
KEY = base64.urlsafe_b64decode(SAMPLE_KEY)
BASE = "https://api.quad.example"
NAME = "images/0b7e3c1e-5f7a-4c1e-9d52-3f1b2a4c5d6e/image.jpg"


def expected_signature(url_with_expires_and_key_name: str) -> str:
    """Cloud CDN: base64url(HMAC-SHA1(key, the URL up to and including KeyName))."""
    mac = hmac.new(KEY, url_with_expires_and_key_name.encode(), hashlib.sha1)
    return base64.urlsafe_b64encode(mac.digest()).decode()


def test_signing_matches_googles_sample():
    assert cdn_signed_url(SAMPLE_URL, "my-key", KEY, SAMPLE_EXPIRES) == SAMPLE_SIGNED


def test_a_url_with_a_query_keeps_it_and_signs_it():
    signed = cdn_signed_url(f"{BASE}/a.jpg?v=2", "images-1", KEY, 1_700_000_000)
    unsigned = f"{BASE}/a.jpg?v=2&Expires=1700000000&KeyName=images-1"
    assert signed == f"{unsigned}&Signature={expected_signature(unsigned)}"


class Inner:
    """The bucket behind: only its name is read when signing image URLs."""

    bucket = "quad-prod-example-quad-uploads"


def cdn(now: float, window: int = 300) -> CdnImageStorage:
    return CdnImageStorage(Inner(), BASE + "/", "images-1", KEY, window, clock=lambda: now)


def test_an_image_url_is_the_exact_cloud_cdn_signed_url_of_the_object():
    now = 1_700_000_123  # 1_700_000_100 is a multiple of 300
    signed = cdn(now).signed_download(NAME)
    unsigned = f"{BASE}/{NAME}?Expires=1700000700&KeyName=images-1"
    assert signed.url == f"{unsigned}&Signature={expected_signature(unsigned)}"
    assert signed.expires_at.timestamp() == 1_700_000_700
    query = dict(parse_qsl(urlsplit(signed.url).query))
    assert list(query) == ["Expires", "KeyName", "Signature"]


def test_everyone_within_a_window_gets_the_same_url_valid_one_to_two_windows():
    window = 300
    start = 1_700_000_100
    urls = {cdn(start + offset).signed_download(NAME).url for offset in (0, 1, 150, 299)}
    assert len(urls) == 1
    assert cdn(start + window).signed_download(NAME).url not in urls
    for offset in (0, 299):
        expires = cdn(start + offset).signed_download(NAME).expires_at.timestamp()
        assert window < expires - (start + offset) <= 2 * window


def test_object_names_are_escaped_in_the_path():
    signed = cdn(1_700_000_123).signed_download("images/a b/ü.jpg")
    assert urlsplit(signed.url).path == "/images/a%20b/%C3%BC.jpg"


def test_the_cdn_is_used_only_with_gcs_and_its_whole_configuration(tmp_path):
    gcs = {
        "storage_backend": "gcs",
        "storage_emulator_host": "http://127.0.0.1:9",
        "data_dir": tmp_path,
    }
    assert isinstance(create_storage(load_settings(**gcs)), GcsStorage)
    edge = {
        "image_cdn_base_url": BASE,
        "image_cdn_key_name": "images-1",
        "image_cdn_key": SAMPLE_KEY,
    }
    storage = create_storage(load_settings(**gcs, **edge))
    assert isinstance(storage, CdnImageStorage)
    assert storage.signed_download(NAME).url.startswith(f"{BASE}/{NAME}?Expires=")
    with pytest.raises(SettingsError, match="IMAGE_CDN_KEY_NAME"):
        load_settings(**gcs, image_cdn_base_url=BASE)
    with pytest.raises(SettingsError, match="16 bytes") as refused:
        load_settings(**gcs, **(edge | {"image_cdn_key": "c2hvcnQ="}))
    assert "c2hvcnQ" not in str(refused.value)  # a key is never repeated in the error
    with pytest.raises(SettingsError, match="IMAGE_CDN_BASE_URL"):
        load_settings(**gcs, **(edge | {"image_cdn_base_url": f"{BASE}/images"}))
