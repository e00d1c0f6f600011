"""store.registry on a SQLite database: transitions, exactly-once, status at a date, the list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from store import (
    AuditEntry,
    CertificateEvent,
    CertificateStatus,
    NotFound,
    make_engine,
    migrate,
    session_factory,
    transaction,
    verify_chain,
)
from store.registry import (
    NOT_YET_VALID,
    StatusChangeRefused,
    find_certificate,
    printed_validity,
    record_status_change,
    status_at,
    status_list_entries,
    validity_window,
)
from tests.store.st_factories import add_application, certificate_for

ISSUED = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)  # certificate_for: valid 2026-03-01 .. +3 years


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator:
    engine = make_engine(f"sqlite:///{tmp_path / 'reg.sqlite3'}")
    migrate(engine)
    factory = session_factory(engine)
    with transaction(factory) as s:
        for n in (1, 2):
            cert = certificate_for(add_application(s), f"TP-2026-00000{n}")
            s.add(cert)
            s.flush()
            s.add(CertificateEvent(certificate_id=cert.id, status="valid", reason="issued",
                                   at=ISSUED + timedelta(seconds=2)))
    yield factory
    engine.dispose()


def change(factory, number: str, status: str, at: datetime, key: str, reason: str = "r"):
    with transaction(factory) as s:
        return record_status_change(s, number, status, reason, None, at, key)


def test_suspend_reinstate_revoke_history_and_exactly_once(sessions) -> None:
    t1 = ISSUED + timedelta(days=30)
    t2 = ISSUED + timedelta(days=40)
    t3 = ISSUED + timedelta(days=50)
    change(sessions, "TP-2026-000001", "suspended", t1, "k1", "surveillance audit overdue")
    change(sessions, "TP-2026-000001", "suspended", t1, "k1")  # retried activity: no-op
    change(sessions, "tp-2026-000001 ", "valid", t2, "k2", "audit passed")
    change(sessions, "TP-2026-000001", "revoked", t3, "k3", "falsified evidence")
    with sessions() as s:
        assert status_at(s, "TP-2026-000001", ISSUED - timedelta(days=3)).status == NOT_YET_VALID
        assert status_at(s, "TP-2026-000001", ISSUED + timedelta(days=1)) == (
            "valid", "issued", ISSUED)
        assert status_at(s, "TP-2026-000001", t1) == ("suspended", "surveillance audit overdue", t1)
        assert status_at(s, "TP-2026-000001", t2 + timedelta(hours=1)).status == "valid"
        assert status_at(s, "TP-2026-000001", t3).status == "revoked"
        # a date is the end of that China day: revoked at 16:30 counts for all of 2026-04-20
        assert status_at(s, "TP-2026-000001", date(2026, 4, 20)).status == "revoked"
        assert status_at(s, "TP-2026-000001", date(2026, 4, 19)).status == "valid"
        # revoked stays revoked after the end of validity
        assert status_at(s, "TP-2026-000001", date(2030, 1, 1)).status == "revoked"
        assert status_at(s, "TP-2026-000001").status == "revoked"
        events = s.exec(select(CertificateEvent)).all()
        assert len(events) == 2 + 3
        actions = [e.action for e in s.exec(select(AuditEntry)).all()]
        assert actions == ["certificate.suspended", "certificate.reinstated", "certificate.revoked"]
        assert verify_chain(s).ok
        [entry] = status_list_entries(s)
        assert (entry.number, entry.status, entry.reason) == (
            "TP-2026-000001", CertificateStatus.revoked, "falsified evidence")
        assert entry.since == date(2026, 4, 20)


def test_refusals(sessions) -> None:
    at = ISSUED + timedelta(days=5)
    with pytest.raises(StatusChangeRefused) as exc:
        change(sessions, "TP-2026-000002", "valid", at, "a")
    assert exc.value.code == "unchanged"
    with pytest.raises(StatusChangeRefused) as exc:
        change(sessions, "TP-2026-000002", "revoked", ISSUED - timedelta(days=1), "b")
    assert exc.value.code == "too_early"
    with pytest.raises(StatusChangeRefused) as exc:
        change(sessions, "TP-2026-000002", "revoked", datetime.now(UTC) + timedelta(days=1), "c")
    assert exc.value.code == "future"
    change(sessions, "TP-2026-000002", "revoked", at, "d")
    with pytest.raises(StatusChangeRefused) as exc:
        change(sessions, "TP-2026-000002", "valid", at + timedelta(days=1), "e")
    assert exc.value.code == "final"
    with pytest.raises(NotFound):
        change(sessions, "TP-2026-999999", "revoked", at, "f")
    with sessions() as s:  # refused changes left nothing behind
        assert len(s.exec(select(AuditEntry)).all()) == 1


def test_expiry_is_derived_from_the_printed_last_day_in_china_time(sessions) -> None:
    with sessions() as s:
        cert_until = status_at(s, "TP-2026-000002", None)
        assert cert_until.status == "valid"
        cert = find_certificate(s, "TP-2026-000002")
        start, end = validity_window(cert)
        last = printed_validity(cert)[1]
        assert status_at(s, cert.number, last).status == "valid"
        assert status_at(s, cert.number, last + timedelta(days=1)) == (
            "expired", f"validity ended {last} / 有效期于 {last} 届满", end)
        assert status_at(s, cert.number, end - timedelta(microseconds=1)).status == "valid"
        assert status_at(s, cert.number, end).status == "expired"
        assert end.astimezone(UTC).hour == 16  # midnight China time
        with pytest.raises(NotFound):
            status_at(s, "TP-1999-000001")


def test_recorded_expiry_and_session_rollback(sessions) -> None:
    at = ISSUED + timedelta(days=100)
    change(sessions, "TP-2026-000002", "expired", at, "x", "superseded by renewal")
    with sessions() as s:
        assert status_at(s, "TP-2026-000002", at).status == "expired"
        assert status_at(s, "TP-2026-000002", at - timedelta(seconds=1)).status == "valid"
    with pytest.raises(RuntimeError), transaction(sessions) as s:
        record_status_change(s, "TP-2026-000001", "revoked", "r", None, at, "y")
        raise RuntimeError("activity failed after the change")
    with Session(sessions().get_bind()) as s:
        assert status_at(s, "TP-2026-000001").status == "valid"
