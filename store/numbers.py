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


def format_certificate_number(year: int, serial: int) -> str:
    return f"{PREFIX}-{year:04d}-{serial:06d}"


def next_certificate_number(session: Session, year: int) -> str:
    """The next number for ``year`` (e.g. ``TP-2026-000001``), within the caller's transaction."""
    serial = session.execute(_UPSERT, {"year": year}).scalar_one()
    return format_certificate_number(year, int(serial))
