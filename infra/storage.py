"""Object storage for uploads: where image bytes live, and the signed URLs that let
clients put and get them without the bytes passing through the API.

- GCS (google-cloud-storage) in the cloud, and locally with a GCS emulator when
  STORAGE_EMULATOR_HOST is set. V4 signed URLs: on Cloud Run there is no key file, so the
  string to sign goes to the IAM Credentials signBlob API as the service account itself
  (it needs roles/iam.serviceAccountTokenCreator on itself). A key file or impersonated
  credentials, when configured, sign directly.
- Behind the edge (IMAGE_CDN_BASE_URL), GCS still takes uploads, but images are read
  through Cloud CDN with its own signed URLs (`CdnImageStorage`).
- With nothing configured, a folder under DATA_DIR with the same contract: the API signs
  its own URLs (HMAC with a generated key) and serves them under LOCAL_ROUTE, checking
  signature, expiry, content type and length range as GCS does, and every write emits the
  object-finalize CloudEvent on the event bus, as GCS notifies its topic.

Upload URLs are bound to a content type and a content-length range: the client must send
the returned headers unchanged (`Content-Type`, `x-goog-content-length-range`), and an
upload of another type or size is refused by the storage itself.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from infra.settings import Settings, get_settings

log = logging.getLogger(__name__)

# The bus topic the local bucket notifies (TOPIC_PREFIX + this on Pub/Sub), like the
# upload bucket's OBJECT_FINALIZE notification in the cloud.
FINALIZE_TOPIC = "uploads"
FINALIZED = "google.cloud.storage.object.v1.finalized"
LENGTH_RANGE_HEADER = "x-goog-content-length-range"
# Where the API serves locally signed URLs (api/uploads/router.py).
LOCAL_ROUTE = "/v1/uploads/local"


class ObjectNotFound(LookupError):
    pass


class UrlRejected(Exception):
    """A request on a locally signed URL that storage refuses, as GCS would."""

    def __init__(self, reason: str, status: int = 403) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class SignedUpload:
    """How to upload: `method` to `url` sending exactly `headers`, before `expires_at`."""

    url: str
    method: str
    headers: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class SignedUrl:
    url: str
    expires_at: datetime


class ObjectStorage(Protocol):
    bucket: str

    def signed_upload(
        self, name: str, content_type: str, max_size: int, min_size: int = 1
    ) -> SignedUpload: ...

    def signed_download(self, name: str) -> SignedUrl: ...

    def read(self, name: str, limit: int) -> bytes:
        """At most `limit` bytes of the object (ObjectNotFound if there is none)."""
        ...

    def write(
        self, name: str, data: bytes, content_type: str, cache_control: str | None = None
    ) -> None:
        """Store the object; `cache_control` is the Cache-Control it is served with."""
        ...

    def delete(self, name: str) -> None:
        """Remove the object; nothing happens if it is already gone."""
        ...

    def exists(self, name: str) -> bool: ...


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


# --- Google Cloud Storage -------------------------------------------------------------


class GcsStorage:
    def __init__(
        self,
        bucket: str,
        upload_ttl: int,
        download_ttl: int,
        *,
        emulator_host: str | None = None,
        signing_credentials: Any = None,
        client: Any = None,
    ) -> None:
        import google.auth
        import google.cloud.storage as storage
        from google.auth.credentials import AnonymousCredentials

        if client is None:
            if emulator_host:
                endpoint = emulator_host if "://" in emulator_host else f"http://{emulator_host}"
                self._credentials: Any = AnonymousCredentials()
                client = storage.Client(
                    project="quad-local",
                    credentials=self._credentials,
                    client_options={"api_endpoint": endpoint},
                )
            else:
                self._credentials, project = google.auth.default(
                    scopes=["https://www.googleapis.com/auth/cloud-platform"]
                )
                client = storage.Client(project=project, credentials=self._credentials)
        else:
            self._credentials = getattr(client, "_credentials", None)
        if signing_credentials is None and emulator_host:
            # The emulator does not check signatures; a throwaway key gives real V4 URLs.
            signing_credentials = _throwaway_signer()
        self.bucket = bucket
        self._client = client
        self._bucket = client.bucket(bucket)
        self._signing = signing_credentials
        self._upload_ttl = upload_ttl
        self._download_ttl = download_ttl
        self._lock = threading.Lock()
        self._download_urls: dict[str, SignedUrl] = {}

    def _signing_args(self) -> dict[str, Any]:
        from google.auth.credentials import Signing
        from google.auth.transport.requests import Request

        if self._signing is not None:
            return {"credentials": self._signing}
        if isinstance(self._credentials, Signing):  # a key file, impersonated credentials
            return {"credentials": self._credentials}
        # Cloud Run: metadata-server credentials hold no key. Passing the account's email
        # and an access token makes the library sign through IAM signBlob. The email is
        # only known ("default" before) once the credentials have been refreshed.
        with self._lock:
            if not self._credentials.valid:
                self._credentials.refresh(Request())
            return {
                "service_account_email": self._credentials.service_account_email,
                "access_token": self._credentials.token,
            }

    def signed_upload(
        self, name: str, content_type: str, max_size: int, min_size: int = 1
    ) -> SignedUpload:
        headers = {LENGTH_RANGE_HEADER: f"{min_size},{max_size}"}
        url = self._bucket.blob(name).generate_signed_url(
            version="v4",
            expiration=timedelta(seconds=self._upload_ttl),
            method="PUT",
            content_type=content_type,
            headers=dict(headers),  # the library adds Host and Content-Type to the dict
            **self._signing_args(),
        )
        return SignedUpload(
            url=url,
            method="PUT",
            headers={"Content-Type": content_type, **headers},
            expires_at=_utc(time.time() + self._upload_ttl),
        )

    def signed_download(self, name: str) -> SignedUrl:
        # Signing may cost a signBlob call: reuse a URL while it has at least half its
        # life left, so a page of images does not sign every image on every request.
        now = time.time()
        cached = self._download_urls.get(name)
        if cached is not None and cached.expires_at.timestamp() - now > self._download_ttl / 2:
            return cached
        url = self._bucket.blob(name).generate_signed_url(
            version="v4",
            expiration=timedelta(seconds=self._download_ttl),
            method="GET",
            **self._signing_args(),
        )
        signed = SignedUrl(url, _utc(now + self._download_ttl))
        if len(self._download_urls) > 10_000:
            self._download_urls.clear()
        self._download_urls[name] = signed
        return signed

    def read(self, name: str, limit: int) -> bytes:
        from google.api_core.exceptions import NotFound, RequestRangeNotSatisfiable

        try:
            return self._bucket.blob(name).download_as_bytes(start=0, end=limit - 1)
        except NotFound as exc:
            raise ObjectNotFound(name) from exc
        except RequestRangeNotSatisfiable:
            return b""  # an empty object has no byte 0

    def write(
        self, name: str, data: bytes, content_type: str, cache_control: str | None = None
    ) -> None:
        blob = self._bucket.blob(name)
        if cache_control:
            blob.cache_control = cache_control
        blob.upload_from_string(data, content_type=content_type)

    def delete(self, name: str) -> None:
        from google.api_core.exceptions import NotFound

        with contextlib.suppress(NotFound):
            self._bucket.blob(name).delete()

    def exists(self, name: str) -> bool:
        return self._bucket.blob(name).exists()


def _throwaway_signer() -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from google.auth.crypt import RSASigner
    from google.oauth2 import service_account

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return service_account.Credentials(
        RSASigner.from_string(pem),
        "storage-emulator@quad-local.iam.gserviceaccount.com",
        "https://oauth2.googleapis.com/token",
    )


# --- images through Cloud CDN ----------------------------------------------------------


def cdn_signed_url(url: str, key_name: str, key: bytes, expires: int) -> str:
    """A Cloud CDN signed URL: `Expires` (epoch seconds) and `KeyName` appended, then
    `Signature`, the base64url HMAC-SHA1 of everything before it under the key."""
    unsigned = f"{url}{'&' if '?' in url else '?'}Expires={expires}&KeyName={key_name}"
    digest = hmac.new(key, unsigned.encode(), hashlib.sha1).digest()
    return f"{unsigned}&Signature={base64.urlsafe_b64encode(digest).decode()}"


class CdnImageStorage:
    """The bucket as `inner` has it, but images are read through the load balancer's
    backend bucket with Cloud CDN (terraform/modules/edge): their URLs are Cloud CDN signed
    URLs, signed here with the backend bucket's key (no signBlob call).

    A URL expires at the end of the window after the current one: everyone asking within
    one window gets the same URL (browsers and the CDN cache it; the CDN's cache key leaves
    the signature out anyway), and it stays valid between one and two windows. An image no
    longer listed (hidden or deleted post) stops being served once the URLs already given
    out expire: within two windows, as the CDN serves only requests with a valid signature
    and keeps a copy no longer than a window (the backend bucket's signed URL max age)."""

    def __init__(
        self,
        inner: ObjectStorage,
        base_url: str,
        key_name: str,
        key: bytes,
        window: int,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bucket = inner.bucket
        self._inner = inner
        self._base = base_url.rstrip("/")
        self._key_name = key_name
        self._key = key
        self._window = window
        self._clock = clock

    def signed_download(self, name: str) -> SignedUrl:
        expires = (int(self._clock()) // self._window + 2) * self._window
        url = f"{self._base}/{quote(name, safe='/')}"
        return SignedUrl(cdn_signed_url(url, self._key_name, self._key, expires), _utc(expires))

    def signed_upload(
        self, name: str, content_type: str, max_size: int, min_size: int = 1
    ) -> SignedUpload:
        return self._inner.signed_upload(name, content_type, max_size, min_size)

    def read(self, name: str, limit: int) -> bytes:
        return self._inner.read(name, limit)

    def write(
        self, name: str, data: bytes, content_type: str, cache_control: str | None = None
    ) -> None:
        self._inner.write(name, data, content_type, cache_control)

    def delete(self, name: str) -> None:
        self._inner.delete(name)

    def exists(self, name: str) -> bool:
        return self._inner.exists(name)


# --- a folder under DATA_DIR, with API-signed URLs ------------------------------------


class LocalStorage:
    """Objects as files under `root/objects/<bucket>/`, their metadata beside them under
    `root/metadata/<bucket>/`. URLs are signed with HMAC-SHA256 and served by the API."""

    def __init__(
        self,
        root: Path,
        bucket: str,
        key: str,
        base_url: str,
        upload_ttl: int,
        download_ttl: int,
        *,
        clock: Callable[[], float] = time.time,
        publish: Callable[[str, bytes, str, dict[str, str]], None] | None = None,
    ) -> None:
        self.bucket = bucket
        self._objects = root / "objects" / bucket
        self._metadata = root / "metadata" / bucket
        self._key = key.encode()
        self._base = base_url.rstrip("/") + LOCAL_ROUTE
        self._upload_ttl = upload_ttl
        self._download_ttl = download_ttl
        self._clock = clock
        self._publish = publish

    # signing -----------------------------------------------------------------------

    def _signature(self, method: str, name: str, expires: int, headers: Mapping[str, str]) -> str:
        canonical = "\n".join(
            [method, f"/{self.bucket}/{name}", str(expires)]
            + [f"{k}:{headers[k].strip()}" for k in sorted(headers)]
        )
        return hmac.new(self._key, canonical.encode(), hashlib.sha256).hexdigest()

    def _url(self, name: str, expires: int, signature: str) -> str:
        return (
            f"{self._base}/{quote(name, safe='/')}"
            f"?X-Quad-Expires={expires}&X-Quad-Signature={signature}"
        )

    def signed_upload(
        self, name: str, content_type: str, max_size: int, min_size: int = 1
    ) -> SignedUpload:
        _check_name(name)
        expires = int(self._clock()) + self._upload_ttl
        signed = {"content-type": content_type, LENGTH_RANGE_HEADER: f"{min_size},{max_size}"}
        return SignedUpload(
            url=self._url(name, expires, self._signature("PUT", name, expires, signed)),
            method="PUT",
            headers={
                "Content-Type": content_type,
                LENGTH_RANGE_HEADER: signed[LENGTH_RANGE_HEADER],
            },
            expires_at=_utc(expires),
        )

    def signed_download(self, name: str) -> SignedUrl:
        _check_name(name)
        expires = int(self._clock()) + self._download_ttl
        return SignedUrl(
            self._url(name, expires, self._signature("GET", name, expires, {})), _utc(expires)
        )

    def _check(
        self, method: str, name: str, query: Mapping[str, str], headers: Mapping[str, str]
    ) -> None:
        try:
            expires = int(query.get("X-Quad-Expires", ""))
        except ValueError:
            raise UrlRejected("The URL is not a signed storage URL.") from None
        given = query.get("X-Quad-Signature", "")
        if not _valid_name(name) or not hmac.compare_digest(
            given.encode(), self._signature(method, name, expires, headers).encode()
        ):
            raise UrlRejected("The signature does not match the request.")
        if self._clock() > expires:
            raise UrlRejected("The signed URL has expired.")

    def check_upload(
        self, name: str, query: Mapping[str, str], headers: Mapping[str, str]
    ) -> tuple[int, int]:
        """Check a PUT on a signed upload URL (signature over the headers the client sent,
        expiry); returns the signed (min, max) content length."""
        signed = {
            "content-type": headers.get("content-type", ""),
            LENGTH_RANGE_HEADER: headers.get(LENGTH_RANGE_HEADER, ""),
        }
        self._check("PUT", name, query, signed)
        low, _, high = signed[LENGTH_RANGE_HEADER].partition(",")
        return int(low), int(high)

    def check_download(self, name: str, query: Mapping[str, str]) -> None:
        self._check("GET", name, query, {})

    # objects -----------------------------------------------------------------------

    def _paths(self, name: str) -> tuple[Path, Path]:
        _check_name(name)
        return self._objects / name, self._metadata / f"{name}.json"

    def metadata(self, name: str) -> dict[str, Any]:
        _, meta = self._paths(name)
        try:
            return json.loads(meta.read_text())
        except FileNotFoundError:
            raise ObjectNotFound(name) from None

    def path(self, name: str) -> Path:
        """The file holding the object (for serving it)."""
        data, _ = self._paths(name)
        if not data.is_file():
            raise ObjectNotFound(name)
        return data

    def read(self, name: str, limit: int) -> bytes:
        try:
            with self.path(name).open("rb") as f:
                return f.read(limit)
        except FileNotFoundError:
            raise ObjectNotFound(name) from None

    def write(
        self, name: str, data: bytes, content_type: str, cache_control: str | None = None
    ) -> None:
        path, meta = self._paths(name)
        now = self._clock()
        resource = {
            "kind": "storage#object",
            "bucket": self.bucket,
            "name": name,
            "generation": str(time.time_ns()),
            "metageneration": "1",
            "contentType": content_type,
            "size": str(len(data)),
            "md5Hash": base64.b64encode(hashlib.md5(data).digest()).decode(),
            "storageClass": "STANDARD",
            "timeCreated": _utc(now).isoformat().replace("+00:00", "Z"),
            "updated": _utc(now).isoformat().replace("+00:00", "Z"),
        }
        if cache_control:
            resource["cacheControl"] = cache_control
        resource["id"] = f"{self.bucket}/{name}/{resource['generation']}"
        _atomic_write(path, data)
        _atomic_write(meta, json.dumps(resource).encode())
        self._notify_finalized(resource)

    def _notify_finalized(self, resource: dict[str, Any]) -> None:
        from cloudevents.conversion import to_json
        from cloudevents.http import CloudEvent

        event = CloudEvent(
            {
                "id": str(uuid.uuid4()),
                "type": FINALIZED,
                "source": f"//storage.googleapis.com/projects/_/buckets/{self.bucket}",
                "subject": f"objects/{resource['name']}",
                "time": resource["updated"],
                "datacontenttype": "application/json",
            },
            resource,
        )
        publish = self._publish
        if publish is None:
            from infra.events import get_bus

            publish = get_bus().publish
        try:
            publish(
                FINALIZE_TOPIC,
                to_json(event),
                resource["name"],
                {"eventType": "OBJECT_FINALIZE", "objectId": resource["name"]},
            )
        except Exception:
            # GCS would retry its notification; here the object stays, unprocessed, as an
            # upload whose event was lost would (the uploader sees it pending).
            log.exception("publishing the finalize event failed", extra={"fields": resource})

    def delete(self, name: str) -> None:
        for path in self._paths(name):
            path.unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self._paths(name)[0].is_file()


def _valid_name(name: str) -> bool:
    parts = name.split("/")
    return (
        0 < len(name) <= 1024
        and "\\" not in name
        and "\x00" not in name
        and all(part not in ("", ".", "..") for part in parts)
    )


def _check_name(name: str) -> None:
    if not _valid_name(name):
        raise ObjectNotFound(name)  # nothing outside the bucket's folder is reachable


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --- the process's storage ------------------------------------------------------------

_storage: ObjectStorage | None = None
_storage_lock = threading.Lock()


def create_storage(settings: Settings) -> ObjectStorage:
    if settings.uses_gcs:
        gcs = GcsStorage(
            settings.upload_bucket,
            settings.upload_url_ttl_seconds,
            settings.image_url_ttl_seconds,
            emulator_host=settings.storage_emulator_host,
        )
        key = settings.image_cdn_key_bytes()
        if settings.image_cdn_base_url and settings.image_cdn_key_name and key:
            return CdnImageStorage(
                gcs,
                settings.image_cdn_base_url,
                settings.image_cdn_key_name,
                key,
                settings.image_cdn_url_window_seconds,
            )
        return gcs
    return local_storage(settings)


def local_storage(settings: Settings, clock: Callable[[], float] = time.time) -> LocalStorage:
    """The embedded default: a folder under DATA_DIR behind URLs the API signs."""
    return LocalStorage(
        settings.data_dir.resolve() / "uploads",
        settings.upload_bucket,
        settings.local_storage_key(),
        settings.local_storage_url(),
        settings.upload_url_ttl_seconds,
        settings.image_url_ttl_seconds,
        clock=clock,
    )


def get_storage() -> ObjectStorage:
    global _storage
    if _storage is None:
        with _storage_lock:
            if _storage is None:
                _storage = create_storage(get_settings())
    return _storage


def set_storage(storage: ObjectStorage | None) -> None:
    """Replace the process's storage (tests, and processes that wire their own)."""
    global _storage
    with _storage_lock:
        _storage = storage
