"""Passwords, tokens, API-key secrets, and the principal a request acts as.

argon2-cffi (Argon2id, the OWASP-recommended password hash) for passwords; PyJWT (HS256) for
short-lived access tokens and longer refresh tokens. API-key secrets are 256 random bits, so
they are stored as SHA-256 (a slow hash protects guessable secrets; these are not guessable).

Token claims: ``sub`` user id, ``typ`` access|refresh, ``sv`` session version (changes when the
password changes, which ends every earlier token), ``kid`` the API key a client token was
exchanged for (checked on every request, so revoking a key takes effect at once).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from config import Settings

_hasher = PasswordHasher()
ALGORITHM = "HS256"
KEY_PREFIX = "tpk"
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_password_check(password: str) -> None:
    """Spend the time of one verification, so an unknown e-mail answers as slowly as a
    known one (no user enumeration by timing)."""
    verify_password(_DUMMY_HASH, password)


def session_version(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


# --- API key secrets --------------------------------------------------------------------------

def new_key_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_key_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def key_secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key_secret(secret), stored_hash)


# --- tokens ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    kind: str  # "access" | "refresh"
    expires_at: datetime
    session_version: str | None = None
    key_id: str | None = None


def issue_token(
    settings: Settings,
    user_id: str,
    kind: str,
    *,
    session_version: str | None = None,
    key_id: str | None = None,
    ttl: timedelta | None = None,
) -> tuple[str, int]:
    if ttl is None:
        ttl = (settings.access_token_ttl if kind == "access"
               else timedelta(days=settings.refresh_token_days))
    now = datetime.now(UTC)
    claims: dict[str, object] = {"sub": user_id, "typ": kind, "iat": now, "exp": now + ttl,
                                 "jti": uuid.uuid4().hex}
    if session_version:
        claims["sv"] = session_version
    if key_id:
        claims["kid"] = key_id
    return jwt.encode(claims, settings.require_jwt_secret(), algorithm=ALGORITHM), int(
        ttl.total_seconds()
    )


_VERIFIED: dict[tuple[str, str], tuple[TokenClaims, float, float]] = {}
"""(token, secret) -> (its claims, not valid before, not valid from): the signature checks of
tokens already verified. Checking a signature is a pure function of the token and the secret, so
remembering its result is safe; only the time limits can change the answer, and they are checked
again on every use. Whether the token still counts (password, key, account) is not decided here:
``api.principals`` reads the database on every request. Bounded; per process."""
_VERIFIED_MAX = 20_000


def read_token(settings: Settings, token: str, kind: str) -> TokenClaims | None:
    secret = settings.require_jwt_secret()
    known = _VERIFIED.get((token, secret))
    if known is not None:
        claims, not_before, expires = known
        now = time.time()  # as PyJWT: valid while not_before <= now < exp, no leeway
        if claims.kind != kind or now < not_before or now >= expires:
            return None
        return claims
    try:
        payload = jwt.decode(token, secret, algorithms=[ALGORITHM],
                             options={"require": ["sub", "typ", "exp"]})
    except jwt.PyJWTError:
        return None
    if payload.get("typ") != kind or not isinstance(payload.get("sub"), str):
        return None
    claims = TokenClaims(
        user_id=payload["sub"], kind=kind, expires_at=datetime.fromtimestamp(payload["exp"], UTC),
        session_version=payload.get("sv"), key_id=payload.get("kid"),
    )
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[(token, secret)] = (claims, max(int(payload.get("iat", 0)),
                                              int(payload.get("nbf", 0))), int(payload["exp"]))
    return claims


# --- the principal ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Principal:
    """Who a request acts as: a person, or a machine holding an API key of a person.

    ``tenant_org_id`` is the organisation whose records an exporter or consultant works on
    (a consultant's organisation names its client). ``scopes`` is None for a person's token
    (every scope of its roles) and the key's scopes for a machine."""

    id: str
    org_id: str
    tenant_org_id: str
    roles: tuple[str, ...]
    email: str
    display_name: str
    api_key_id: str | None = None
    scopes: frozenset[str] | None = None
    is_active: bool = True

    @property
    def is_machine(self) -> bool:
        return self.api_key_id is not None
