"""All configuration in one place, read from environment variables (and `.env` if present).

With nothing set, every adapter falls back to its embedded local default, so a fresh
clone runs whole on one machine. In the cloud, Terraform sets these on the Cloud Run
service and the jobs; secrets arrive as env vars from Secret Manager.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class SettingsError(RuntimeError):
    """A setting the process cannot run with: each line names the environment variable,
    what it was given and what it may be."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    @property
    def in_cloud(self) -> bool:
        return self.environment != "local"

    environment: Literal["local", "dev", "prod"] = Field(
        "local",
        description="Where the process runs: local, or a cloud environment (dev, prod). The "
        "one setting that says 'in the cloud': the auto backends choose the cloud's, and "
        "secrets must be given rather than generated",
    )
    port: int = Field(8080, description="HTTP port (Cloud Run sets PORT)")
    host: str = Field("127.0.0.1", description="Bind address; the container sets 0.0.0.0")
    web_concurrency: int | None = Field(
        None, description="uvicorn worker processes (default: one per core)"
    )
    data_dir: Path = Field(
        Path(".quad-data"),
        description="Folder for the embedded database and generated local secrets",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    google_cloud_project: str | None = Field(
        None, description="Project id; used to build Cloud Logging trace names"
    )

    # --- database: Cloud SQL connector > DATABASE_URL > embedded pgserver -------------
    cloud_sql_instance: str | None = Field(
        None, description="Instance connection name project:region:instance (selects the connector)"
    )
    db_user: str = Field("postgres", description="Database user (the IAM user on Cloud SQL)")
    db_name: str = Field("quad", description="Database name")
    db_iam_auth: bool = Field(True, description="IAM database authentication on Cloud SQL")
    db_ip_type: Literal["private", "public", "psc"] = Field(
        "private", description="Cloud SQL IP type"
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of any PostgreSQL, e.g. postgresql+pg8000://u:p@h/db"
    )
    # Pool per process. Keep (pool_size + max_overflow) x workers x max_instances below
    # the instance's max_connections (docs/ARCHITECTURE.md; terraform/ checks it).
    db_pool_size: int = Field(
        5, ge=1, description="Connections kept open per process; also its requests in flight"
    )
    db_max_overflow: int = Field(
        2, ge=0, description="More connections a process may open beside those, briefly"
    )
    db_pool_timeout: float = 10.0
    db_pool_recycle: int = 1800
    db_pool_pre_ping: bool = Field(
        True, description="Test pooled connections before use (one round trip) to survive drops"
    )
    db_pool_ping_after_seconds: float = Field(
        2.0,
        ge=0,
        description="With DB_POOL_PRE_PING, test only connections idle in the pool for longer "
        "than this; 0 tests every checkout",
    )
    db_statement_timeout_ms: int = 15_000
    db_connect_timeout_seconds: float = Field(
        5.0,
        gt=0,
        description="Bound on opening a connection (TCP connect and start-up), so a request "
        "or readiness probe fails fast when the database cannot be reached",
    )
    db_unavailable_retry_after_seconds: int = Field(
        2,
        ge=0,
        description="Retry-After of the 503 answered while the database cannot be reached",
    )
    db_driver_tuning: bool = Field(
        True,
        description="pg8000 with prepared statements and faster parsing (infra/pg8000_tuning.py); "
        "false runs pg8000 as it ships (slower; see benchmarks/README.md)",
    )

    # --- requests: what a client may send, and when a worker counts as stuck ----------
    max_body_bytes: int = Field(
        256 * 1024,
        gt=0,
        description="Largest request body; more gets 413 before it is read. The longest "
        "post (20,000 characters), as ASCII-only JSON, is about 240 KB",
    )
    request_body_timeout_seconds: float = Field(
        10.0, gt=0, description="A request's whole body must arrive within this, else 408"
    )
    liveness_stall_seconds: float = Field(
        30.0,
        gt=0,
        description="/healthz answers 503 once requests have waited this long for an "
        "in-flight slot with none freed (the instance is then restarted)",
    )

    # --- events: Pub/Sub in the cloud or with the emulator, else an in-process bus ------
    events_backend: Literal["auto", "pubsub", "inprocess"] = Field(
        "auto",
        description="auto: Pub/Sub in the cloud (ENVIRONMENT dev or prod) or when "
        "PUBSUB_EMULATOR_HOST is set, else the in-process bus",
    )
    pubsub_emulator_host: str | None = Field(None, description="host:port of the emulator")
    pubsub_project: str | None = Field(
        None, description="Project of the topics (default: GOOGLE_CLOUD_PROJECT, or quad-local)"
    )
    topic_prefix: str = Field("quad-", description="Prefix of every Pub/Sub topic name")
    event_source: str = Field("//quad/api", description="CloudEvents `source` of our events")
    event_max_age_seconds: int = Field(
        24 * 3600, description="Handlers drop events older than this (logged)"
    )
    inprocess_handlers: bool = Field(
        True,
        description="In-process bus only: hand each topic to its handler, as wired in "
        "api/events_wiring.py; false publishes to nobody, the API alone as in the cloud",
    )

    @property
    def uses_pubsub(self) -> bool:
        if self.events_backend != "auto":
            return self.events_backend == "pubsub"
        return bool(self.pubsub_emulator_host) or self.in_cloud

    # --- uploads: GCS in the cloud or with an emulator, else a folder under DATA_DIR -----
    storage_backend: Literal["auto", "gcs", "local"] = Field(
        "auto",
        description="auto: GCS in the cloud or when STORAGE_EMULATOR_HOST is set, else a "
        "folder under DATA_DIR",
    )
    storage_emulator_host: str | None = Field(
        None, description="URL of a GCS emulator, e.g. http://127.0.0.1:9023"
    )
    upload_bucket: str = Field(
        "quad-uploads", description="Bucket of uploads (locally: a folder under DATA_DIR/uploads)"
    )
    upload_url_ttl_seconds: int = Field(15 * 60, description="Validity of a signed upload URL")
    image_url_ttl_seconds: int = Field(
        10 * 60, description="Validity of the signed image and thumbnail URLs in responses"
    )
    local_storage_base_url: str | None = Field(
        None,
        description="Local storage only: where clients reach the API for signed URLs "
        "(default http://HOST:PORT)",
    )

    # Images through Cloud CDN (terraform/modules/edge): with a base URL, image and
    # thumbnail URLs are Cloud CDN signed URLs on the load balancer instead of V4 signed
    # Cloud Storage URLs, and every viewer within a window gets the same URL, so the CDN
    # and browsers can cache it.
    image_cdn_base_url: str | None = Field(
        None,
        pattern=r"^https?://[^/?#]+$",
        description="https://host (no path) where the load balancer serves the upload "
        "bucket's images/ through Cloud CDN; unset: V4 signed Cloud Storage URLs",
    )
    image_cdn_key_name: str | None = Field(
        None,
        pattern=r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$",
        description="Name of the backend bucket's signed URL key (KeyName)",
    )
    image_cdn_key: SecretStr | None = Field(
        None,
        description="That key's value: 16 random bytes, base64url; from Secret Manager in "
        "the cloud (image-cdn-signing-key)",
    )
    image_cdn_url_window_seconds: int = Field(
        300,
        ge=60,
        le=3600,
        description="Image URLs expire at the end of the window after the current one, so "
        "a URL lives between one and two windows and everyone within a window gets the "
        "same one; a hidden or deleted post's images stop being served within two windows",
    )

    @model_validator(mode="after")
    def _image_cdn_complete(self) -> Settings:
        if self.image_cdn_base_url and (not self.image_cdn_key_name or not self.image_cdn_key):
            raise ValueError("IMAGE_CDN_BASE_URL needs IMAGE_CDN_KEY_NAME and IMAGE_CDN_KEY")
        if self.image_cdn_key is not None:
            try:
                key = base64.urlsafe_b64decode(self.image_cdn_key.get_secret_value())
            except ValueError:
                key = b""
            if len(key) != 16:
                raise ValueError("IMAGE_CDN_KEY must be 16 bytes, base64url-encoded")
        return self

    def image_cdn_key_bytes(self) -> bytes | None:
        if self.image_cdn_key is None:
            return None
        return base64.urlsafe_b64decode(self.image_cdn_key.get_secret_value())

    @property
    def uses_gcs(self) -> bool:
        if self.storage_backend != "auto":
            return self.storage_backend == "gcs"
        return bool(self.storage_emulator_host) or self.in_cloud

    def local_storage_url(self) -> str:
        if self.local_storage_base_url:
            return self.local_storage_base_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

    def local_storage_key(self) -> str:
        """The key of locally signed upload and image URLs, generated once into DATA_DIR."""
        return _local_secret(self.data_dir / "storage-url-secret")

    # --- auth -------------------------------------------------------------------------
    jwt_secret: SecretStr | None = Field(
        None, description="HS256 signing key; from Secret Manager in the cloud, generated locally"
    )
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 14 * 24 * 3600
    # Failed logins are counted per (email, client address), whether or not the email
    # exists, so nobody can lock another person out from elsewhere, and per email across all
    # addresses, with a much higher cap against guessing from many addresses (which spares
    # the addresses the email logged in from).
    login_max_failures: int = Field(
        5, ge=1, description="Failed logins from one address that lock that email there"
    )
    login_lock_seconds: int = Field(60, ge=1, description="First lock; doubles per further failure")
    login_lock_max_seconds: int = Field(3600, ge=1, description="Longest lock")
    login_account_max_failures: int = Field(
        100,
        ge=1,
        description="Failed logins for one email from all addresses within a window that lock "
        "it everywhere until the window ends",
    )
    login_failure_window_seconds: int = Field(
        3600,
        ge=1,
        description="The per-email window; an address's failures are also forgotten this long "
        "after its last one (or when its lock ends, if later)",
    )
    login_known_address_seconds: int = Field(
        30 * 86400,
        ge=0,
        description="An address an email logged in from is spared that email's all-addresses "
        "lock for this long after the login, so guessing from elsewhere cannot lock the "
        "owner out",
    )

    # Email verification (api/auth/verification.py): a 6-digit code is a million guesses,
    # so each code takes few tries and a new one is rationed.
    email_verification_code_ttl_seconds: int = Field(
        15 * 60, ge=60, description="How long a mailed code (and link) verifies"
    )
    email_verification_max_attempts: int = Field(
        5, ge=1, description="Wrong codes after which the code is dead and a new one is needed"
    )
    email_verification_resend_interval_seconds: int = Field(
        60, ge=0, description="Shortest time between two verification mails to one account"
    )
    email_verification_mails_per_day: int = Field(
        6,
        ge=1,
        description="Verification mails one account may ask for in 24 hours, signup's included",
    )

    # Password reset (api/auth/recovery.py): the mailed link's lifetime, from the mail.
    password_reset_token_ttl_seconds: int = Field(
        30 * 60, ge=60, description="How long a mailed password-reset link works, once"
    )

    # Changing the email address (api/auth/email_change.py): a code mailed to the new
    # address, the same kind as verification's.
    email_change_code_ttl_seconds: int = Field(
        15 * 60, ge=60, description="How long a code (and link) mailed to a new address works"
    )
    email_change_max_attempts: int = Field(
        5, ge=1, description="Wrong codes after which the change needs a new request"
    )

    # Password hashing (argon2id). Every hash in progress holds PASSWORD_HASH_MEMORY_KIB of
    # memory, so a process runs at most budget // memory of them at once.
    password_hash_memory_kib: int = Field(
        19_456, ge=8, description="argon2 memory cost in KiB: the memory each hash holds"
    )
    password_hash_time_cost: int = Field(2, ge=1, description="argon2 passes over the memory")
    password_hash_parallelism: int = Field(1, ge=1, description="argon2 lanes (threads) per hash")
    password_hash_memory_budget_mib: int = Field(
        64, ge=1, description="Memory one process may spend on hashes in progress at once"
    )
    password_hash_concurrency: int | None = Field(
        None, ge=1, description="Hashes at once per process (default: from the memory budget)"
    )
    password_hash_wait_seconds: float = Field(
        1.0,
        ge=0,
        description="How long a request waits for a hashing slot before it is refused (503)",
    )

    @property
    def password_hash_slots(self) -> int:
        """Hashes a process may run at once: the budget over the memory of one hash."""
        if self.password_hash_concurrency is not None:
            return self.password_hash_concurrency
        return max(1, self.password_hash_memory_budget_mib * 1024 // self.password_hash_memory_kib)

    # --- browsers: which web origins may call the API from their pages -----------------
    cors_allowed_origins: Annotated[list[str], NoDecode] = Field(
        [],
        description="Web origins (https://quad.example) whose pages may call the API: "
        "comma-separated or a JSON list; empty answers no CORS at all",
    )

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [origin.strip() for origin in text.split(",") if origin.strip()]
        return value

    @field_validator("cors_allowed_origins")
    @classmethod
    def _origins_are_origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if not re.fullmatch(r"https?://[^/?#*\s]+/?", origin):
                raise ValueError(f"{origin!r} is not an origin (scheme://host[:port])")
        return [origin.rstrip("/") for origin in value]

    # --- clients and budgets ----------------------------------------------------------
    trusted_proxy_hops: int = Field(
        0,
        ge=0,
        le=10,
        description="X-Forwarded-For entries our own proxies append: the client is the n-th "
        "from the right (2 behind Google's external Application Load Balancer, which "
        "appends '<client>, <load balancer>'); 0 ignores the header and uses the socket "
        "peer (api/core/client.py)",
    )
    # Budgets (api/limits/): how many of an action one user, and one client address, may
    # spend per window (a fixed window from the first one counted). An address is often a
    # whole campus behind one NAT, so its budgets are many users' worth.
    limit_signup_per_address: int = Field(30, ge=1, description="Signup attempts per address")
    limit_signup_window_seconds: int = Field(3600, ge=1)
    limit_login_per_address: int = Field(
        300, ge=1, description="Login attempts per address, whatever the email"
    )
    limit_login_window_seconds: int = Field(900, ge=1)
    limit_verify_per_user: int = Field(10, ge=1, description="Verification-code attempts per user")
    limit_verify_per_address: int = Field(100, ge=1)
    limit_verify_window_seconds: int = Field(3600, ge=1)
    limit_resend_per_user: int = Field(5, ge=1, description="Verification mails resent per user")
    limit_resend_per_address: int = Field(50, ge=1)
    limit_resend_window_seconds: int = Field(3600, ge=1)
    limit_password_reset_per_user: int = Field(
        5, ge=1, description="Password-reset requests per email"
    )
    limit_password_reset_per_address: int = Field(30, ge=1)
    limit_password_reset_window_seconds: int = Field(3600, ge=1)
    limit_password_change_per_user: int = Field(
        10, ge=1, description="Password changes (right current password or not) per user"
    )
    limit_password_change_per_address: int = Field(100, ge=1)
    limit_password_change_window_seconds: int = Field(3600, ge=1)
    idempotency_key_ttl_seconds: int = Field(
        24 * 3600, ge=60, description="How long an Idempotency-Key's answer is replayed"
    )
    idempotency_wait_seconds: float = Field(
        5.0,
        gt=0,
        description="How long a retry waits for the first request with its key before 409",
    )
    limit_email_change_per_user: int = Field(
        5, ge=1, description="Email-change requests (right password or not) per user"
    )
    limit_email_change_per_address: int = Field(50, ge=1)
    limit_email_change_window_seconds: int = Field(86400, ge=1)
    limit_email_change_confirm_per_user: int = Field(
        10, ge=1, description="Email-change code attempts per user"
    )
    limit_email_change_confirm_per_address: int = Field(100, ge=1)
    limit_email_change_confirm_window_seconds: int = Field(3600, ge=1)
    limit_post_per_user: int = Field(20, ge=1, description="Posts created per user")
    limit_post_per_address: int = Field(600, ge=1)
    limit_post_window_seconds: int = Field(3600, ge=1)
    limit_comment_per_user: int = Field(120, ge=1, description="Comments created per user")
    limit_comment_per_address: int = Field(3000, ge=1)
    limit_comment_window_seconds: int = Field(3600, ge=1)
    limit_report_per_user: int = Field(20, ge=1, description="Reports filed per user")
    limit_report_per_address: int = Field(200, ge=1)
    limit_report_window_seconds: int = Field(3600, ge=1)
    limit_board_per_user: int = Field(3, ge=1, description="Boards created per user")
    limit_board_per_address: int = Field(20, ge=1)
    limit_board_window_seconds: int = Field(86400, ge=1)
    limit_upload_per_user: int = Field(60, ge=1, description="Upload slots opened per user")
    limit_upload_per_address: int = Field(600, ge=1)
    limit_upload_window_seconds: int = Field(3600, ge=1)
    limit_friend_request_per_user: int = Field(
        50, ge=1, description="Friend requests sent per user"
    )
    limit_friend_request_per_address: int = Field(500, ge=1)
    limit_friend_request_window_seconds: int = Field(86400, ge=1)
    limit_follow_per_user: int = Field(200, ge=1, description="Follows per user")
    limit_follow_per_address: int = Field(2000, ge=1)
    limit_follow_window_seconds: int = Field(86400, ge=1)

    # --- community rules --------------------------------------------------------------
    report_hide_threshold: int = Field(5, description="Distinct reporters that hide content")
    report_min_account_age_hours: float = Field(
        72,
        ge=0,
        description="A report counts toward the hide threshold only if its reporter's "
        "account was at least this old when reporting (younger accounts' reports are "
        "still recorded); 0 counts every report",
    )

    @property
    def uses_embedded_database(self) -> bool:
        return not self.cloud_sql_instance and not self.database_url

    def signing_key(self) -> str:
        """The JWT key: configured, or generated once into the data dir for local runs."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        if self.in_cloud:
            raise RuntimeError("JWT_SECRET must be set in the cloud (from Secret Manager)")
        return _local_secret(self.data_dir / "jwt-secret")

    # --- mail: an SMTP relay in the cloud (Cloud Run cannot send on port 25), else a
    # Maildir under DATA_DIR, so a local run shows every message it would send -----------
    mail_backend: Literal["auto", "smtp", "maildir"] = Field(
        "auto", description="auto: SMTP when SMTP_HOST is set, else a Maildir under DATA_DIR"
    )
    smtp_host: str | None = Field(
        None, description="The relay's host (SendGrid, Mailgun, the school's server)"
    )
    smtp_port: int | None = Field(
        None, ge=1, le=65535, description="The relay's port (default: 587 starttls, 465 tls)"
    )
    smtp_tls: Literal["starttls", "tls"] = Field(
        "starttls",
        description="starttls: plain connection upgraded with STARTTLS, which the relay must "
        "offer (submission, 587); tls: TLS from the first byte (465). Never unencrypted",
    )
    smtp_username: str | None = Field(None, description="Login at the relay (none: no AUTH)")
    smtp_password: SecretStr | None = Field(
        None, description="Its password or API key; from Secret Manager in the cloud"
    )
    smtp_timeout_seconds: float = Field(
        10.0, gt=0, description="Bound on connecting to the relay and on each of its answers"
    )
    smtp_ca_file: Path | None = Field(
        None,
        description="PEM file of the CAs the relay's certificate may chain to, for a server "
        "with a private CA (default: the system's)",
    )
    mail_from: str = Field(
        "Quad <no-reply@quad.localhost>",
        description="From address of every message; the relay must accept it (SPF, DKIM)",
    )
    mail_dir: Path | None = Field(None, description="The local Maildir (default: DATA_DIR/mail)")
    web_base_url: str | None = Field(
        None,
        description="Where users open links from mails (verify-email, reset-password); "
        "required in the cloud, default http://localhost:5173 locally",
    )

    @property
    def uses_smtp(self) -> bool:
        if self.mail_backend != "auto":
            return self.mail_backend == "smtp"
        return bool(self.smtp_host)

    @property
    def maildir_path(self) -> Path:
        return self.mail_dir or self.data_dir / "mail"

    def web_url(self) -> str:
        """The web app's address for links in mails; a made-up default in the cloud would
        send users links that lead nowhere."""
        if self.web_base_url:
            return self.web_base_url.rstrip("/")
        if self.in_cloud:
            raise RuntimeError("WEB_BASE_URL must be set in the cloud (links in mails)")
        return "http://localhost:5173"

    # --- warehouse / analytics: BigQuery in the cloud, else a DuckDB file under DATA_DIR -
    warehouse_backend: Literal["auto", "bigquery", "duckdb"] = Field(
        "auto", description="auto: BigQuery in the cloud, else a DuckDB file"
    )
    bigquery_project: str | None = Field(
        None, description="Project of the dataset and its jobs (default: GOOGLE_CLOUD_PROJECT)"
    )
    bigquery_dataset: str = Field("quad_analytics", description="The analytics dataset")
    bigquery_location: str | None = Field(
        None, description="Location of the dataset (jobs run there), e.g. asia-northeast3"
    )
    analytics_staging_bucket: str | None = Field(
        None, description="GCS bucket where extracts wait for their BigQuery load jobs"
    )
    duckdb_path: Path | None = Field(
        None, description="The local warehouse file (default: DATA_DIR/analytics.duckdb)"
    )
    duckdb_memory_limit: str = Field("256MB", description="DuckDB's memory ceiling per process")
    duckdb_threads: int | None = Field(None, description="DuckDB threads (default: cores)")
    analytics_pseudonym_key: SecretStr | None = Field(
        None,
        description="HMAC-SHA256 key that turns user ids into pseudonyms; from Secret Manager "
        "in the cloud (required there), generated locally. Changing it changes every "
        "pseudonym: reload all history after a rotation",
    )
    analytics_pseudonym_key_secret: str | None = Field(
        None,
        pattern=r"^projects/[^/]+/secrets/[^/]+/versions/[^/]+$",
        description="Secret Manager version holding the pseudonym key "
        "(projects/P/secrets/S/versions/V), read when ANALYTICS_PSEUDONYM_KEY is not set: "
        "Composer cannot set a variable from a secret, and the value must stay out of "
        "Terraform state",
    )
    analytics_lookback_days: int = Field(
        1,
        ge=0,
        description="Each daily run also reloads this many days before its own, so rows "
        "committed after their day's run are loaded by the next one",
    )
    analytics_fetch_rows: int = Field(
        10_000, gt=0, description="Rows per fetch from PostgreSQL's server-side cursor"
    )
    analytics_part_rows: int = Field(250_000, gt=0, description="Rows per staged NDJSON file")

    @property
    def uses_bigquery(self) -> bool:
        if self.warehouse_backend != "auto":
            return self.warehouse_backend == "bigquery"
        return self.in_cloud

    @property
    def duckdb_file(self) -> Path:
        return self.duckdb_path or self.data_dir / "analytics.duckdb"

    def pseudonym_key(self, secret_client: Any = None) -> bytes:
        """The HMAC key of user pseudonyms: ANALYTICS_PSEUDONYM_KEY, else the Secret Manager
        version ANALYTICS_PSEUDONYM_KEY_SECRET (read with `secret_client`, by default a new
        SecretManagerServiceClient), else generated once into the data dir for local runs
        (a generated key in the cloud would differ between workers)."""
        if self.analytics_pseudonym_key is not None:
            return self.analytics_pseudonym_key.get_secret_value().encode()
        if self.analytics_pseudonym_key_secret:
            return _secret_version_data(self.analytics_pseudonym_key_secret, secret_client)
        if self.in_cloud or self.uses_bigquery:
            raise RuntimeError(
                "ANALYTICS_PSEUDONYM_KEY or ANALYTICS_PSEUDONYM_KEY_SECRET must be set in the "
                "cloud (the key is in Secret Manager)"
            )
        return _local_secret(self.data_dir / "analytics-pseudonym-key").encode()


def _secret_version_data(name: str, client: Any = None) -> bytes:
    """A Secret Manager secret version's bytes, checked against the CRC32C it comes with.
    Imported here: only the DAGs' environment installs google-cloud-secret-manager."""
    import google.cloud.secretmanager as secretmanager
    import google_crc32c

    client = client or secretmanager.SecretManagerServiceClient()
    payload = client.access_secret_version(request={"name": name}).payload
    if "data_crc32c" in payload and payload.data_crc32c != google_crc32c.value(payload.data):
        raise RuntimeError(f"The data of {name} arrived corrupted (CRC32C mismatch)")
    return payload.data


def _local_secret(path: Path) -> str:
    """Read a generated secret, creating it once; concurrent workers all get the same one."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        # link() fails if the file exists, so the first writer wins and nobody reads a half file.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
        tmp.unlink()
    return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return load_settings()


def load_settings(**values: Any) -> Settings:
    """Settings from the environment (and `values`), or a SettingsError that says in the
    environment's own words what is wrong: an unknown backend name must stop start-up, not
    silently select a local stand-in."""
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise SettingsError(
            "invalid settings:\n"
            + "\n".join(_describe(error) for error in exc.errors(include_url=False))
        ) from None


def _describe(error: Any) -> str:
    if not error["loc"]:  # a check across settings: its input is all of them, secrets too
        return f"  {error['msg']}"
    name = "_".join(str(part) for part in error["loc"]).upper()
    allowed = error.get("ctx", {}).get("expected")
    given = error.get("input")
    told = f"must be one of {allowed}" if allowed else error["msg"]
    return f"  {name}={given!r}: {told}"
