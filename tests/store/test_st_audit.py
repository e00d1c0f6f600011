"""The hash-chained audit log: append, dedup, concurrency, and tamper detection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from store import (
    AuditDataNotCanonical,
    AuditEntry,
    SessionFactory,
    audit,
    transaction,
    verify_chain,
)

TABLE = AuditEntry.__table__  # type: ignore[attr-defined]


def _append(session: Session, i: int, dedup_key: str | None = None) -> AuditEntry:
    return audit.append(session, actor=f"user-{i % 3}", action="status_changed",
                        entity_type="application", entity_id=f"app-{i % 4}",
                        data={"to": "submitted", "i": i, "score": i / 7, "名": "碳足迹"},
                        dedup_key=dedup_key)


def _fill(factory: SessionFactory, n: int) -> None:
    with transaction(factory) as s:
        for i in range(n):
            _append(s, i)


def _report(factory: SessionFactory) -> audit.ChainReport:
    with factory() as s:
        return verify_chain(s)


def _tamper(factory: SessionFactory, *statements: sa.Executable) -> None:
    with transaction(factory) as s:
        for stmt in statements:
            s.execute(stmt)


def test_append_links_each_entry_to_the_one_before(factory: SessionFactory) -> None:
    _fill(factory, 5)
    with factory() as s:
        entries = s.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
        assert entries[0].prev_hash == "0" * 64
        for before, after in zip(entries, entries[1:], strict=False):
            assert after.prev_hash == before.hash
        assert entries[2].data == {"to": "submitted", "i": 2, "score": 2 / 7, "名": "碳足迹"}
        assert entries[2].at.tzinfo is not None
        assert [e.seq for e in audit.entries_for(s, "application", "app-1")] == [2]
    report = _report(factory)
    assert (report.ok, report.entries_checked, report.problem) == (True, 5, None)


def test_empty_log_verifies(factory: SessionFactory) -> None:
    assert _report(factory).ok


def test_dedup_key_returns_existing_entry_instead_of_writing_twice(
        factory: SessionFactory) -> None:
    with transaction(factory) as s:
        first = _append(s, 1, dedup_key="wf-1/activity-7/issue")
    with transaction(factory) as s:  # a retried activity, in a later transaction
        again = _append(s, 99, dedup_key="wf-1/activity-7/issue")
    assert (again.seq, again.hash, again.data["i"]) == (first.seq, first.hash, 1)
    with factory() as s:
        assert s.exec(select(sa.func.count()).select_from(TABLE)).one() == 1


def test_rolled_back_append_leaves_no_trace(factory: SessionFactory) -> None:
    _fill(factory, 2)
    with pytest.raises(RuntimeError), transaction(factory) as s:
        _append(s, 3)
        raise RuntimeError("the recorded change failed")
    _fill(factory, 1)
    report = _report(factory)
    assert (report.ok, report.entries_checked) == (True, 3)


def test_data_is_canonicalised_and_hash_is_stable(factory: SessionFactory) -> None:
    when = datetime(2026, 5, 4, 12, 0, 1, 5, tzinfo=timezone(timedelta(hours=8)))
    with transaction(factory) as s:
        entry = audit.append(s, actor="system", action="issued", entity_type="certificate",
                             entity_id="c1", at=when,
                             data={"b": Decimal("61.20"), "a": when, "n": None, "l": (1, 2)})
    assert entry.data == {"a": "2026-05-04T04:00:01.000005Z", "b": "61.20", "l": [1, 2],
                          "n": None}
    with factory() as s:
        stored = s.get(AuditEntry, entry.seq)
        assert stored is not None and stored.at == when
    assert _report(factory).ok
    with pytest.raises(AuditDataNotCanonical), transaction(factory) as s:
        audit.append(s, actor="x", action="y", entity_type="z", entity_id="1",
                     data={"bad": float("nan")})


@pytest.mark.parametrize("style", ["transaction", "plain_session"])
def test_concurrent_appends_from_two_threads_stay_one_valid_chain(
        factory: SessionFactory, style: str) -> None:
    per_thread, errors = 20, []
    barrier = threading.Barrier(2)

    def worker(offset: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                if style == "transaction":
                    with transaction(factory) as s:
                        _append(s, offset + i)
                else:
                    with factory() as s:
                        _append(s, offset + i)
                        s.commit()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k * 1000,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = _report(factory)
    assert (report.ok, report.entries_checked) == (True, 2 * per_thread), report.message_en


def test_concurrent_retries_with_one_dedup_key_write_once(factory: SessionFactory) -> None:
    barrier, errors, seqs = threading.Barrier(4), [], []

    def worker() -> None:
        try:
            barrier.wait()
            with transaction(factory) as s:
                seqs.append(_append(s, 1, dedup_key="wf-9/issue").seq)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and seqs == [1, 1, 1, 1]
    assert _report(factory).entries_checked == 1


# --- tampering -----------------------------------------------------------------------------

Tamper = Callable[[], list[sa.Executable]]

CASES: dict[str, tuple[list[sa.Executable], int, str]] = {
    "edit data": ([sa.update(TABLE).where(TABLE.c.seq == 3).values(data={"to": "approved"})],
                  3, "edited"),
    "edit actor": ([sa.update(TABLE).where(TABLE.c.seq == 1).values(actor="someone else")],
                   1, "edited"),
    "edit time": ([sa.update(TABLE).where(TABLE.c.seq == 4).values(
        at=datetime(2020, 1, 1, tzinfo=UTC))], 4, "edited"),
    "delete middle row": ([sa.delete(TABLE).where(TABLE.c.seq == 3)], 3, "deleted"),
    "delete first row": ([sa.delete(TABLE).where(TABLE.c.seq == 1)], 1, "deleted"),
    "delete last row": ([sa.delete(TABLE).where(TABLE.c.seq == 6)], 6, "deleted"),
    "swap two rows": ([
        sa.update(TABLE).where(TABLE.c.seq == 2).values(seq=-1),
        sa.update(TABLE).where(TABLE.c.seq == 4).values(seq=2),
        sa.update(TABLE).where(TABLE.c.seq == -1).values(seq=4),
    ], 2, "reordered"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_tampering_is_detected_with_its_position(factory: SessionFactory, case: str) -> None:
    _fill(factory, 6)
    statements, seq, problem = CASES[case]
    _tamper(factory, *statements)
    report = _report(factory)
    assert not report.ok
    assert (report.first_bad_seq, report.problem) == (seq, problem), report.message_en
    assert str(seq) in report.message_en and str(seq) in report.message_zh


@pytest.mark.parametrize("seq", [3, 6])
def test_edit_with_recomputed_hash_is_detected(factory: SessionFactory, seq: int) -> None:
    """A forger who also recomputes the edited entry's own hash is caught by the next link
    (or, for the last entry, by the log head)."""
    _fill(factory, 6)
    with factory() as s:
        row = s.execute(sa.select(TABLE).where(TABLE.c.seq == seq)).one()
    forged = {"to": "approved"}
    new_hash = audit.entry_hash(at=row.at, actor=row.actor, action=row.action,
                                entity_type=row.entity_type, entity_id=row.entity_id,
                                data=forged, dedup_key=row.dedup_key, prev_hash=row.prev_hash)
    _tamper(factory, sa.update(TABLE).where(TABLE.c.seq == seq).values(data=forged,
                                                                         hash=new_hash))
    report = _report(factory)
    assert (report.ok, report.first_bad_seq, report.problem) == (False, seq, "edited")


TRICKY_DATA: list[dict[str, object]] = [
    {"big": 10**20, "huge_float": 1e20, "tiny": 5e-324, "sum": 0.1 + 0.2, "neg_zero": -0.0},
    {"中文键": "值", "emoji": "🔋", "quote": 'say "hi"\n', "ctrl": "\u0001", "b": "\u00e9"},
    {"nested": {"z": [], "a": {}, "m": [1, [2, [3, None]], True, False]}},
    {"Z": 1, "a": 2, "_": 3, "é": 4, "10": 5, "9": 6},
]


def test_tricky_json_hashes_the_same_after_a_round_trip(factory: SessionFactory) -> None:
    with transaction(factory) as s:
        written = [audit.append(s, actor="system", action="x", entity_type="t", entity_id=str(i),
                                data=data) for i, data in enumerate(TRICKY_DATA)]
    with factory() as s:
        for entry in written:
            stored = s.get(AuditEntry, entry.seq)
            assert stored is not None
            assert audit.canonical_json(stored.data) == audit.canonical_json(entry.data)
    assert _report(factory).ok
