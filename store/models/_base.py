"""Column types and helpers shared by every table.

Times: ``UTCDateTime`` stores aware datetimes as UTC. PostgreSQL keeps them in ``timestamptz``;
SQLite has no time zone type, so UTC is stored naive and the zone is put back on read. A naive
datetime is refused on write (``NaiveDatetime``) rather than guessed.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import SQLModel

from store.errors import NaiveDatetime

# Deterministic constraint names, so later migrations can drop or alter them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def new_id() -> str:
    """A new record id: uuid4 as 32 lower-case hex characters."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """``value`` converted to UTC; naive datetimes are refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetime(value)
    return value.astimezone(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware UTC datetime on every dialect (see module docstring)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw text from a hand-written SQLite row
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def id_column_kwargs() -> dict[str, Any]:
    return {"default_factory": new_id, "primary_key": True, "max_length": 32}


class OrgKind(enum.StrEnum):
    exporter = "exporter"
    consultant = "consultant"
    verification_body = "verification_body"
    certification_body = "certification_body"
    customs = "customs"
    subsidy_office = "subsidy_office"
    platform = "platform"


class Role(enum.StrEnum):
    exporter = "exporter"
    consultant = "consultant"
    verifier = "verifier"
    certifier = "certifier"
    customs = "customs"
    subsidy = "subsidy"
    admin = "admin"


class FindingSource(enum.StrEnum):
    rule = "rule"
    verifier = "verifier"


class FindingStatus(enum.StrEnum):
    open = "open"
    closed = "closed"


class CertificateStatus(enum.StrEnum):
    valid = "valid"
    suspended = "suspended"
    revoked = "revoked"
    expired = "expired"


def values_check(column: str, enum_cls: type[enum.Enum], name: str) -> sa.CheckConstraint:
    """A CHECK constraint keeping ``column`` within the values of ``enum_cls``."""
    allowed = ", ".join(f"'{m.value}'" for m in enum_cls)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=name)
