"""Passwords and tokens.

argon2-cffi (Argon2id, the OWASP-recommended password hash) for passwords; PyJWT (HS256) for
short-lived access tokens and longer refresh tokens. Both are small, well-kept libraries.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from config import Settings

_hasher = PasswordHasher()
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    kind: str  # "access" | "refresh"
    expires_at: datetime


def issue_token(settings: Settings, user_id: str, kind: str) -> tuple[str, int]:
    ttl = (
        settings.access_token_ttl
        if kind == "access"
        else timedelta(days=settings.refresh_token_days)
    )
    now = datetime.now(UTC)
    claims = {"sub": user_id, "typ": kind, "iat": now, "exp": now + ttl, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, settings.require_jwt_secret(), algorithm=ALGORITHM), int(
        ttl.total_seconds()
    )


def read_token(settings: Settings, token: str, kind: str) -> TokenClaims | None:
    try:
        claims = jwt.decode(token, settings.require_jwt_secret(), algorithms=[ALGORITHM])
    except jwt.PyJWTError:
        return None
    if claims.get("typ") != kind:
        return None
    return TokenClaims(
        user_id=claims["sub"], kind=kind, expires_at=datetime.fromtimestamp(claims["exp"], UTC)
    )
