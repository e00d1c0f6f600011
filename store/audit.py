"""Append-only, hash-chained audit log.

Each entry's ``hash`` is SHA-256 over the canonical JSON of its fields and ``prev_hash`` (the
hash of the entry before it; the first entry links to 64 zeros). ``seq`` is not hashed: the
order is carried by the links, which is what lets ``verify_chain`` tell a reordering from an
edit. ``audit_head`` names the last entry so that a removed or re-hashed tail is noticed too.

Canonical JSON, identical on SQLite and PostgreSQL: keys sorted, no spaces, UTF-8 (not
``\\u`` escapes), no NaN/Infinity; datetimes as UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ``. Data is
normalised through that form before it is stored, so what is read back hashes the same. The
``data`` column is plain JSON (text) on PostgreSQL, not JSONB, which would rewrite numbers.

Appends are serialised: on PostgreSQL by a transaction-level advisory lock, on SQLite by the
database's single write lock, taken by the first statement of ``append`` (an UPDATE) or already
held when the caller used ``store.transaction`` (BEGIN IMMEDIATE). The lock is held until the
caller's transaction ends, so the entry is committed or rolled back together with the change it
records.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from store.db import AUDIT_LOCK_KEY, is_sqlite
from store.errors import AuditDataNotCanonical
from store.models import GENESIS_HASH, AuditEntry, AuditHead, as_utc, utcnow

HASH_VERSION = 1
Problem = Literal["edited", "deleted", "reordered"]


def canonical_time(value: datetime) -> str:
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return canonical_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return value.hex
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "model_dump"):  # pydantic models
        return value.model_dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def canonical_json(value: Any) -> str:
    """The one JSON text of ``value`` that the hashes are computed over."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False, default=_default)
    except (TypeError, ValueError) as exc:
        raise AuditDataNotCanonical(str(exc)) from exc


def entry_hash(*, at: datetime, actor: str, action: str, entity_type: str, entity_id: str,
               data: Any, dedup_key: str | None, prev_hash: str) -> str:
    payload = {
        "v": HASH_VERSION,
        "at": canonical_time(at),
        "actor": actor,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "data": data,
        "dedup_key": dedup_key,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def _lock(session: Session) -> None:
    if is_sqlite(session):
        # A write as the first statement takes SQLite's write lock (waiting on busy_timeout).
        session.execute(sa.text("UPDATE audit_head SET seq = seq WHERE id = 1"))
    else:
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_LOCK_KEY})


def append(session: Session, *, actor: str, action: str, entity_type: str, entity_id: str,
           data: Mapping[str, Any] | None = None, dedup_key: str | None = None,
           at: datetime | None = None) -> AuditEntry:
    """Append one entry in the caller's transaction and return it.

    With a ``dedup_key`` already in the log the existing entry is returned and nothing is
    written, so a retried Temporal activity never records the same change twice."""
    _lock(session)
    if dedup_key is not None:
        existing = session.exec(
            select(AuditEntry).where(AuditEntry.dedup_key == dedup_key)
        ).first()
        if existing is not None:
            return existing
    clean: dict[str, Any] = json.loads(canonical_json(dict(data or {})))
    when = as_utc(at) if at is not None else utcnow()
    head = session.exec(
        select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True)
    ).one()
    prev_hash = head.hash
    digest = entry_hash(at=when, actor=actor, action=action, entity_type=entity_type,
                        entity_id=entity_id, data=clean, dedup_key=dedup_key,
                        prev_hash=prev_hash)
    entry = AuditEntry(seq=head.seq + 1, at=when, actor=actor, action=action,
                       entity_type=entity_type, entity_id=entity_id, data=clean,
                       dedup_key=dedup_key, prev_hash=prev_hash, hash=digest)
    session.add(entry)
    head.seq = entry.seq
    head.hash = digest
    session.add(head)
    session.flush()
    return entry


def entries_for(session: Session, entity_type: str, entity_id: str) -> list[AuditEntry]:
    """The entries about one entity, oldest first."""
    stmt = (select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
            .order_by(col(AuditEntry.seq)))
    return list(session.exec(stmt).all())


@dataclass(frozen=True)
class ChainReport:
    """Outcome of ``verify_chain``."""

    ok: bool
    """True when every entry hashes correctly, links to the one before, and the head agrees."""
    entries_checked: int
    """Entries read before the first problem (all of them when ``ok``)."""
    first_bad_seq: int | None
    """Position of the first problem: the edited entry, the first missing one, or the first
    entry out of place."""
    problem: Problem | None
    message_en: str
    message_zh: str


def _bad(checked: int, seq: int, problem: Problem, en: str, zh: str) -> ChainReport:
    return ChainReport(False, checked, seq, problem, en, zh)


def verify_chain(session: Session, batch_size: int = 1000) -> ChainReport:
    """Walk the whole log in ``seq`` order and report the first break (see module docstring)."""
    table = AuditEntry.__table__  # type: ignore[attr-defined]
    rows = session.execute(sa.select(table).order_by(table.c.seq).execution_options(
        yield_per=batch_size))
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for row in rows:
        if row.seq != expected_seq:
            return _bad(checked, expected_seq, "deleted",
                        f"Audit entries {expected_seq} to {row.seq - 1} are missing.",
                        f"审计记录第 {expected_seq} 至 {row.seq - 1} 条缺失。")
        recomputed = entry_hash(at=row.at, actor=row.actor, action=row.action,
                                entity_type=row.entity_type, entity_id=row.entity_id,
                                data=row.data, dedup_key=row.dedup_key,
                                prev_hash=row.prev_hash)
        if recomputed != row.hash:
            return _bad(checked, row.seq, "edited",
                        f"Audit entry {row.seq} was edited: its content no longer matches "
                        "its hash.",
                        f"审计记录第 {row.seq} 条被修改：内容与其哈希不符。")
        if row.prev_hash != prev_hash:
            found = session.execute(sa.select(table.c.seq).where(
                table.c.hash == row.prev_hash)).scalar_one_or_none()
            if found is not None:
                return _bad(checked, row.seq, "reordered",
                            f"Audit entry {row.seq} is out of order: it follows entry "
                            f"{found}, not entry {row.seq - 1}.",
                            f"审计记录第 {row.seq} 条顺序被调换：它应接在第 {found} 条之后，"
                            f"而不是第 {row.seq - 1} 条。")
            bad = max(row.seq - 1, 1)
            return _bad(checked, bad, "edited",
                        f"Audit entry {bad} was edited and re-hashed: entry {row.seq} recorded "
                        "a different hash for it.",
                        f"审计记录第 {bad} 条被修改并重新计算了哈希：第 {row.seq} 条记录的"
                        "前一条哈希与之不符。")
        prev_hash, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
    last_seq = expected_seq - 1
    head_table = AuditHead.__table__  # type: ignore[attr-defined]
    head = session.execute(sa.select(head_table).where(head_table.c.id == 1)).one()
    if head.seq > last_seq:
        return _bad(checked, last_seq + 1, "deleted",
                    f"Audit entries {last_seq + 1} to {head.seq} (the end of the log) are "
                    "missing.",
                    f"审计日志末尾第 {last_seq + 1} 至 {head.seq} 条缺失。")
    if head.seq < last_seq:
        return _bad(checked, head.seq + 1, "edited",
                    f"Audit entries from {head.seq + 1} were added outside the audit log's "
                    "append path.",
                    f"第 {head.seq + 1} 条起的审计记录并非通过正常途径追加。")
    if head.hash != prev_hash:
        return _bad(checked, last_seq, "edited",
                    f"Audit entry {last_seq} was edited and re-hashed: the log head recorded a "
                    "different hash.",
                    f"审计记录第 {last_seq} 条被修改并重新计算了哈希：日志头记录的哈希与之不符。")
    return ChainReport(True, checked, None, None,
                       f"Audit log intact: {checked} entries checked.",
                       f"审计日志完整：已核验 {checked} 条记录。")
