"""Platform records: the audit chain, blob metadata, and idempotency of API requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from store.models._base import UTCDateTime, new_id, utcnow

GENESIS_HASH = "0" * 64


class AuditEntryBase(SQLModel):
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=100)
    entity_type: str = Field(max_length=64)
    entity_id: str = Field(max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class AuditEntry(AuditEntryBase, table=True):
    """One entry of the append-only chain. Write only through ``store.audit.append``.

    ``seq`` is assigned by ``append`` under the append lock as last + 1, so the chain has no
    gaps (a database sequence would skip numbers on rollback and hide a deleted row)."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_entity", "entity_type", "entity_id"),)

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    dedup_key: str | None = Field(default=None, max_length=200, unique=True)


class AuditEntryPublic(AuditEntryBase):
    seq: int


class AuditHead(SQLModel, table=True):
    """The single row (id 1) naming the last entry; lets ``verify_chain`` notice a removed or
    re-hashed tail, which a hash chain alone cannot."""

    __tablename__ = "audit_head"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = 0
    hash: str = Field(default=GENESIS_HASH, max_length=64)


class BlobRecord(SQLModel, table=True):
    __tablename__ = "blob_record"

    sha256: str = Field(primary_key=True, max_length=64)
    size: int = Field(sa_type=sa.BigInteger)
    media_type: str = Field(max_length=127)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IdempotencyRecord(SQLModel, table=True):
    """A replayable response for a (principal, Idempotency-Key) pair."""

    __tablename__ = "idempotency_record"
    __table_args__ = (sa.UniqueConstraint("principal_id", "key"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    key: str = Field(max_length=200)
    principal_id: str = Field(max_length=64)
    method: str = Field(max_length=10)
    path: str = Field(max_length=500)
    request_hash: str = Field(max_length=64)
    status_code: int
    body: Any = Field(default=None, sa_type=sa.JSON, nullable=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
