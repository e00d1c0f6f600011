"""Human-readable certificate numbers: ``TP-<year>-<six digits>``, one counter per year.

One atomic upsert-and-return (``INSERT .. ON CONFLICT DO UPDATE .. RETURNING``, PostgreSQL and
SQLite >= 3.35) takes the counter row's lock until the caller's transaction ends, so concurrent
issuers queue and never get the same number; a rolled-back issuance gives its number back.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

PREFIX = "TP"

_UPSERT = sa.text(
    "INSERT INTO certificate_counter (year, last) VALUES (:year, 1) "
    "ON CONFLICT (year) DO UPDATE SET last = certificate_counter.last + 1 "
    "RETURNING last"
)

_PEEK = sa.text("SELECT last FROM certificate_counter WHERE year = :year")


def format_certificate_number(year: int, serial: int) -> str:
    return f"{PREFIX}-{year:04d}-{serial:06d}"


def peek_next_certificate_number(session: Session, year: int) -> str:
    """The number :func:`next_certificate_number` would give now, without taking it or any
    lock: an issuer prepares the certificate for it, then draws the number for real and
    compares (another issuer may have taken it meanwhile)."""
    last = session.execute(_PEEK, {"year": year}).scalar()
    return format_certificate_number(year, int(last or 0) + 1)


def next_certificate_number(session: Session, year: int) -> str:
    """The next number for ``year`` (e.g. ``TP-2026-000001``), within the caller's transaction."""
    serial = session.execute(_UPSERT, {"year": year}).scalar_one()
    return format_certificate_number(year, int(serial))
