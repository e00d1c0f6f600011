"""The certificate registry: status changes written exactly once, status at any date, and the
entries of the public status list.

Status model::

    valid ──► suspended ──► valid (reinstated)
      │           │
      ├──► revoked ◄┘          revoked and expired are final (renewal issues a new number)
      └──► expired ◄┘

Validity is counted in **China calendar days** (UTC+8), like the offline seal: a certificate is
valid from the first day printed on it to the end of the last day printed on it. The printed
days are the UTC dates of ``Certificate.valid_from`` / ``valid_until`` (that is how issuance
renders and seals them). Expiry needs no event: :func:`status_at` derives it from
``valid_until``; an ``expired`` event may still be recorded (the expiry timer, or an early end
when a renewal supersedes the certificate).

A status change is effective at its ``at`` instant. Asked about a calendar *date*, the registry
answers for the end of that China day, so a change made during the day counts for the whole
day, as in the offline verifier (``since <= day``).

Write with ``store.transaction(factory)``; the change, the ``certificate_event`` row and the
audit entry commit together or not at all. The audit entry's dedup key is
``certificate-status/<dedup_key>``, so a caller may reuse one key for an application event
and a certificate event in the same activity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import NamedTuple, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from store import audit
from store.errors import NotFound, StoreError
from store.models import (
    Certificate,
    CertificateEvent,
    CertificateStatus,
    Product,
    as_utc,
    utcnow,
)
from store.reads import CompiledRead, LoopReader

CHINA = timezone(timedelta(hours=8))
"""Validity dates are calendar days in China Standard Time (same as ``signing.seal.CHINA``)."""
SYSTEM_ACTOR = "system"
"""Audit actor of automatic changes (timers); stored as a NULL ``actor_id`` on the event."""
NOT_YET_VALID = "not_yet_valid"
"""Answer of :func:`status_at` for a date before the first day of validity."""
FUTURE_SKEW = timedelta(minutes=10)
"""How far in the future a change's ``at`` may lie (clock skew between worker and database)."""

ALLOWED: dict[CertificateStatus, frozenset[CertificateStatus]] = {
    CertificateStatus.valid: frozenset({CertificateStatus.suspended, CertificateStatus.revoked,
                                        CertificateStatus.expired}),
    CertificateStatus.suspended: frozenset({CertificateStatus.valid, CertificateStatus.revoked,
                                            CertificateStatus.expired}),
    CertificateStatus.revoked: frozenset(),
    CertificateStatus.expired: frozenset(),
}
"""Status -> the statuses it may change to."""

AUDIT_ACTION = {
    CertificateStatus.valid: "certificate.reinstated",
    CertificateStatus.suspended: "certificate.suspended",
    CertificateStatus.revoked: "certificate.revoked",
    CertificateStatus.expired: "certificate.expired",
}


class StatusChangeRefused(StoreError):
    """A status change the registry does not allow.

    ``code``: ``final`` (revoked/expired cannot change), ``unchanged`` (already that status),
    ``not_allowed`` (no such transition), ``too_early`` (before the validity or the last
    recorded change), ``future`` (``at`` more than a few minutes ahead)."""

    def __init__(self, number: str, code: str, message_en: str, message_zh: str) -> None:
        self.number = number
        self.code = code
        super().__init__(message_en, message_zh)


class StatusAt(NamedTuple):
    """The registry's answer for one certificate at one moment."""

    status: str
    """``valid``, ``suspended``, ``revoked``, ``expired`` or ``not_yet_valid``."""
    reason: str | None
    """Reason recorded with the change (``issued`` for the issuance; text for expiry)."""
    since: datetime | None
    """When that status took effect (aware UTC); None for ``not_yet_valid``."""


@dataclass(frozen=True)
class StatusListEntry:
    """One line of the public status list (the API signs these with ``signing``)."""

    number: str
    status: CertificateStatus
    since: date
    """China calendar day the status took effect."""
    reason: str


class Validity(Protocol):
    """What the status rules read of a certificate: a ``Certificate`` row or a
    :class:`Snapshot`."""

    @property
    def valid_from(self) -> datetime: ...
    @property
    def valid_until(self) -> datetime: ...


class Event(Protocol):
    """What the status rules read of a status change: a ``CertificateEvent`` or an
    :class:`EventRow`."""

    @property
    def at(self) -> datetime: ...
    @property
    def status(self) -> str: ...
    @property
    def reason(self) -> str | None: ...


class EventRow(NamedTuple):
    at: datetime
    status: str
    reason: str | None


@dataclass(frozen=True)
class Snapshot:
    """A certificate as a verifier sees it: what it prints, its product's tariff code and its
    whole status history (oldest first), read by :func:`snapshot` in one statement."""

    number: str
    valid_from: datetime
    valid_until: datetime
    holder_name: str
    holder_uscc: str
    product_name: str
    product_model: str
    total: float
    unit: str
    cn_code: str | None
    history: tuple[EventRow, ...]


def china_date(at: datetime) -> date:
    """The calendar day in China (UTC+8) of an instant: the day printed and sealed."""
    return as_utc(at).astimezone(CHINA).date()


def printed_validity(cert: Validity) -> tuple[date, date]:
    """First and last day of validity as printed on the certificate and sealed in its QR."""
    return china_date(cert.valid_from), china_date(cert.valid_until)


def validity_window(cert: Validity) -> tuple[datetime, datetime]:
    """[start, end) instants of validity: start of the first printed day and end of the last,
    China time, in UTC."""
    first, last = printed_validity(cert)
    start = datetime.combine(first, time.min, CHINA).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, CHINA).astimezone(UTC)
    return start, end


def moment(at: datetime | date | None) -> datetime:
    """The instant an answer is given for: now, the instant itself, or the end of a China day."""
    if at is None:
        return utcnow()
    if isinstance(at, datetime):
        return as_utc(at)
    return datetime.combine(at + timedelta(days=1), time.min, CHINA).astimezone(UTC) - \
        timedelta(microseconds=1)


def find_certificate(session: Session, number: str) -> Certificate:
    """The certificate with ``number`` (case and spaces ignored); raises ``NotFound``."""
    key = number.strip().upper()
    cert = session.exec(select(Certificate).where(Certificate.number == key)).first()
    if cert is None:
        raise NotFound("certificate", key)
    return cert


def events_of(session: Session, certificate_id: str) -> list[CertificateEvent]:
    """The status history of one certificate, oldest first."""
    stmt = (select(CertificateEvent)
            .where(CertificateEvent.certificate_id == certificate_id)
            .order_by(col(CertificateEvent.at), col(CertificateEvent.id)))
    return list(session.exec(stmt).all())


_C, _E, _P = Certificate.__table__, CertificateEvent.__table__, Product.__table__  # type: ignore[attr-defined]
_SNAPSHOT = CompiledRead(
    sa.select(_C.c.number, _C.c.valid_from, _C.c.valid_until, _C.c.holder_name, _C.c.holder_uscc,
              _C.c.product_name, _C.c.product_model, _C.c.total, _C.c.unit, _P.c.cn_code,
              _E.c.at, _E.c.status, _E.c.reason)
    .select_from(_C.outerjoin(_P, _P.c.id == _C.c.product_id)
                 .outerjoin(_E, _E.c.certificate_id == _C.c.id))
    .where(_C.c.number == sa.bindparam("number", type_=sa.String()))
    .order_by(_E.c.at, _E.c.id)
)
"""Certificate (unique index on ``number``), its product (primary key) and its status history
(index on ``certificate_event.certificate_id``): one row per event, one statement."""


def snapshot(source: Engine | LoopReader | Connection | Session,
             number: str) -> Snapshot | None:
    """The certificate ``number`` (already normalised) with its whole history, or None when it
    is not registered. One statement, so one consistent read without a transaction: pass the
    engine (fast path, ``store.reads``), or a connection or session to read inside its
    transaction. Nothing is cached: a change committed before the call is in the answer."""
    rows = (_SNAPSHOT.all(source, number=number) if isinstance(source, Engine | LoopReader)
            else _SNAPSHOT.on(source, number=number))
    if not rows:
        return None
    first = rows[0]
    history = tuple(EventRow(r.at, r.status, r.reason) for r in rows if r.at is not None)
    return Snapshot(first.number, first.valid_from, first.valid_until, first.holder_name,
                    first.holder_uscc, first.product_name, first.product_model, first.total,
                    first.unit, first.cn_code, history)


def record_status_change(
    session: Session,
    certificate: Certificate | str,
    status: CertificateStatus | str,
    reason: str,
    actor_id: str | None,
    at: datetime,
    dedup_key: str,
) -> CertificateEvent:
    """Change ``certificate``'s status (a row, or its number) effective at ``at``, exactly once.

    Writes ``Certificate.status/status_reason/status_changed_at``, one ``CertificateEvent`` and
    one audit entry in the caller's transaction. A second call with the same ``dedup_key``
    returns the first event and writes nothing (a retried activity). ``actor_id`` is a user id,
    or ``None`` / ``"system"`` for automatic changes. Raises ``StatusChangeRefused`` for a
    transition the model above does not allow, ``NotFound`` for an unknown number."""
    number = certificate if isinstance(certificate, str) else certificate.number
    # Lock the certificate row first (PostgreSQL: FOR UPDATE; SQLite: the write lock taken by
    # store.transaction), so concurrent changes queue and each sees the other's result.
    cert = session.exec(
        select(Certificate).where(Certificate.number == number.strip().upper())
        .with_for_update().execution_options(populate_existing=True)
    ).first()
    if cert is None:
        raise NotFound("certificate", number.strip().upper())
    seen = session.exec(
        select(CertificateEvent).where(CertificateEvent.dedup_key == dedup_key)
    ).first()
    if seen is not None:
        return seen
    new = CertificateStatus(status)
    old = CertificateStatus(cert.status)
    when = as_utc(at)
    if old == new:
        raise StatusChangeRefused(cert.number, "unchanged", f"{cert.number} is already {new}.",
                                  f"证书 {cert.number} 已处于“{_ZH[new]}”状态。")
    if not ALLOWED[old]:
        raise StatusChangeRefused(cert.number, "final",
                                  f"{cert.number} is {old}; that status is final.",
                                  f"证书 {cert.number} 已{_ZH[old]}，状态不可再变更。")
    if new not in ALLOWED[old]:
        raise StatusChangeRefused(cert.number, "not_allowed",
                                  f"{cert.number} cannot go from {old} to {new}.",
                                  f"证书 {cert.number} 不能从“{_ZH[old]}”变更为“{_ZH[new]}”。")
    if when > utcnow() + FUTURE_SKEW:
        raise StatusChangeRefused(cert.number, "future",
                                  f"A status change cannot take effect in the future ({when}).",
                                  f"状态变更不能在将来生效（{when}）。")
    history = events_of(session, cert.id)
    earliest = max([as_utc(cert.valid_from), *(as_utc(e.at) for e in history)])
    if when < earliest:
        raise StatusChangeRefused(cert.number, "too_early",
                                  f"The change at {when} precedes the certificate's validity or "
                                  f"its last recorded change ({earliest}).",
                                  f"变更时间 {when} 早于证书生效时间或上一次状态变更（{earliest}）。")
    event = CertificateEvent(certificate_id=cert.id, at=when, status=new, reason=reason,
                             actor_id=None if actor_id in (None, SYSTEM_ACTOR) else actor_id,
                             dedup_key=dedup_key)
    session.add(event)
    cert.status = new
    cert.status_reason = reason
    cert.status_changed_at = when
    session.add(cert)
    audit.append(session, actor=actor_id or SYSTEM_ACTOR, action=AUDIT_ACTION[new],
                 entity_type="certificate", entity_id=cert.id,
                 data={"number": cert.number, "from": old.value, "to": new.value,
                       "reason": reason, "effective_at": when},
                 dedup_key=f"certificate-status/{dedup_key}")
    session.flush()
    return event


_ZH = {CertificateStatus.valid: "有效", CertificateStatus.suspended: "暂停",
       CertificateStatus.revoked: "撤销", CertificateStatus.expired: "过期"}


def status_of(cert: Validity, history: Sequence[Event],
              at: datetime | date | None = None) -> StatusAt:
    """:func:`status_at` for a certificate (row or snapshot) and its history (oldest first)
    already loaded."""
    when = moment(at)
    start, end = validity_window(cert)
    if when < start:
        return StatusAt(NOT_YET_VALID, None, None)
    current = StatusAt(CertificateStatus.valid.value, "issued", as_utc(cert.valid_from))
    for index, event in enumerate(history):
        if as_utc(event.at) > when:
            break
        if index == 0 and event.status == CertificateStatus.valid:
            continue  # the issuance event, recorded a moment after valid_from
        current = StatusAt(CertificateStatus(event.status).value, event.reason, as_utc(event.at))
    if when >= end and current.status not in (CertificateStatus.revoked.value,
                                              CertificateStatus.expired.value):
        last = printed_validity(cert)[1].isoformat()
        return StatusAt(CertificateStatus.expired.value,
                        f"validity ended {last} / 有效期于 {last} 届满", end)
    return current


def status_at(session: Session, number: str, at: datetime | date | None = None) -> StatusAt:
    """Status of certificate ``number`` at ``at`` (an instant; a date means the end of that
    China day; None means now), from its event history and its validity period.
    Raises ``NotFound`` for an unknown number."""
    cert = find_certificate(session, number)
    return status_of(cert, events_of(session, cert.id), at)


def status_list_entries(session: Session) -> list[StatusListEntry]:
    """Every certificate whose recorded status is not ``valid`` (suspended, revoked, expired),
    for the public status list. Certificates that merely ran out are left out: their seal
    carries the end of validity already."""
    stmt = (select(Certificate)
            .where(col(Certificate.status) != CertificateStatus.valid.value)
            .order_by(col(Certificate.number)))
    entries = []
    for cert in session.exec(stmt).all():
        changed = as_utc(cert.status_changed_at or cert.valid_until)
        entries.append(StatusListEntry(cert.number, CertificateStatus(cert.status),
                                       changed.astimezone(CHINA).date(), cert.status_reason or ""))
    return entries
