"""Access tokens (short-lived HS256 JWTs) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
import time
from uuid import UUID

import jwt

from api.core.errors import InvalidToken
from api.core.viewer import Viewer
from infra.settings import get_settings

ALGORITHM = "HS256"
ACCESS = "access"


_key_cache: tuple[object, str] | None = None


def _signing_key() -> str:
    """The settings' key, read once per settings object (locally it lives in a file)."""
    global _key_cache
    settings = get_settings()
    cached = _key_cache
    if cached is None or cached[0] is not settings:
        cached = _key_cache = (settings, settings.signing_key())
    return cached[1]


def issue_access_token(
    user_id: UUID, school_id: UUID, *, verified: bool, session_id: UUID | None = None
) -> str:
    settings = get_settings()
    now = int(time.time())
    claims = {
        "sub": str(user_id),
        "sch": str(school_id),
        # Whether the account had verified its email: reads trust the token alone.
        "evf": verified,
        "typ": ACCESS,
        "iat": now,
        "exp": now + settings.access_token_ttl_seconds,
    }
    if session_id is not None:
        # The session (refresh-token family): a write refuses the token once it is revoked.
        claims["sid"] = str(session_id)
    return jwt.encode(claims, _signing_key(), algorithm=ALGORITHM)


# Tokens that verified, by their exact text (signature included, so a tampered token never
# matches), with their expiry: a client presents the same token for up to 15 minutes, and
# verifying it again (base64, HMAC, JSON, claim checks) was a sizeable share of a cheap read.
# Bounded; emptied when full and whenever the signing key changes.
_VERIFIED_MAX = 10_000
_verified: dict[str, tuple[Viewer, int]] = {}
_verified_key: str | None = None


def read_access_token(token: str) -> Viewer:
    global _verified, _verified_key
    key = _signing_key()
    if key is not _verified_key:
        _verified, _verified_key = {}, key
    hit = _verified.get(token)
    if hit is not None and time.time() < hit[1]:
        return hit[0]
    viewer, expires = _verify_access_token(token, key)
    if len(_verified) >= _VERIFIED_MAX:
        _verified = {}
    _verified[token] = (viewer, expires)
    return viewer


def _verify_access_token(token: str, key: str) -> tuple[Viewer, int]:
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "typ"]},
        )
        if claims["typ"] != ACCESS:
            raise InvalidToken("Not an access token.")
        # Tokens minted before verification existed carry no claim; they name accounts the
        # migration verified (and live 15 minutes at most).
        verified = claims.get("evf", True)
        if not isinstance(verified, bool):
            raise InvalidToken()
        # Tokens minted before sessions were named carry no `sid`: writes cannot tell
        # their session, so only logout-everywhere (or expiry) ends them.
        session_id = _uuid_claim(claims, "sid") if "sid" in claims else None
        viewer = Viewer(
            id=_uuid_claim(claims, "sub"),
            school_id=_uuid_claim(claims, "sch"),
            verified=verified,
            session_id=session_id,
        )
        expires = int(claims["exp"])
        if expires - int(claims["iat"]) > get_settings().access_token_ttl_seconds:
            raise InvalidToken("The token lives longer than any token we issue.")
        return viewer, expires
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("The access token has expired.") from exc
    except (jwt.InvalidTokenError, KeyError, ValueError, TypeError) as exc:
        raise InvalidToken() from exc


def _uuid_claim(claims: dict, name: str) -> UUID:
    # A valid signature says who minted the token, not that each claim has its type.
    value = claims.get(name)
    if not isinstance(value, str):
        raise InvalidToken()
    return UUID(value)


def new_opaque_token() -> tuple[str, bytes]:
    """A random token for the client and the hash we store (refresh tokens, reset links:
    high-entropy, so a plain SHA-256 is enough)."""
    token = secrets.token_urlsafe(32)
    return token, hash_opaque_token(token)


def hash_opaque_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
