"""Tables of the API room: machine credentials (API keys), login throttling, and factor-set
versions imported by an administrator as data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from store.models._base import UTCDateTime, new_id, utcnow


class ApiKey(SQLModel, table=True):
    """A client-credentials key for a machine acting for its owner (a user).

    Only a SHA-256 of the secret is stored: the secret is 256 bits of randomness, so a fast
    hash is as strong as a slow one (there is nothing to guess), and lookups stay cheap. The
    key can never do more than its owner: its roles are a subset of the owner's, its scopes a
    subset of the API's, and it dies with the owner's account."""

    __tablename__ = "api_key"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    owner_id: str = Field(foreign_key="app_user.id", index=True, max_length=32)
    org_id: str = Field(foreign_key="organisation.id", index=True, max_length=32)
    name: str = Field(max_length=100)
    secret_hash: str = Field(max_length=64)
    roles: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    scopes: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins counted per account, per client id and per IP address (``key`` is
    ``account:<email>``, ``client:<id>`` or ``ip:<address>``). Stored, so every API replica
    sees the same counts."""

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=300)
    failures: int = 0
    window_started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    blocked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FactorSetImport(SQLModel, table=True):
    """A factor-set version imported by an administrator (the file format of
    ``footprint/data/factor_sets``), kept whole with its hash. Never edited: a correction is a
    new version."""

    __tablename__ = "factor_set_import"
    __table_args__ = (sa.UniqueConstraint("set_id", "version"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    set_id: str = Field(max_length=100)
    version: str = Field(max_length=40)
    published: str = Field(max_length=40)
    description: str = Field(default="", sa_type=sa.Text)
    sha256: str = Field(max_length=64)
    content: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    imported_by: str = Field(foreign_key="app_user.id", max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
