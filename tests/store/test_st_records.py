"""Tables: constraints, time zones, validation, transactions, certificate numbers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import select

from store import (
    Application,
    ApplicationPublic,
    BlobStore,
    Certificate,
    DossierVersion,
    Evidence,
    FootprintRecord,
    InvalidUscc,
    NaiveDatetime,
    Organisation,
    OrganisationCreate,
    OrgKind,
    SessionFactory,
    User,
    UserCreate,
    next_certificate_number,
    save_blob,
    transaction,
)
from tests.store.st_factories import add_application, add_org, add_user, certificate_for


def test_one_certificate_per_application(factory: SessionFactory) -> None:
    with transaction(factory) as s:
        app = add_application(s)
        s.add(certificate_for(app, "TP-2026-000001"))
    with pytest.raises(sa.exc.IntegrityError), transaction(factory) as s:
        s.add(certificate_for(app, "TP-2026-000002"))
    with factory() as s:
        assert len(s.exec(select(Certificate)).all()) == 1


def test_certificate_numbers_are_unique(factory: SessionFactory) -> None:
    with transaction(factory) as s:
        s.add(certificate_for(add_application(s), "TP-2026-000001"))
    with pytest.raises(sa.exc.IntegrityError), transaction(factory) as s:
        s.add(certificate_for(add_application(s), "TP-2026-000001"))


def test_one_dossier_version_number_per_application(factory: SessionFactory) -> None:
    with transaction(factory) as s:
        app = add_application(s)
        other = add_application(s)
        s.add(DossierVersion(application_id=app.id, version=1, sha256="a" * 64, content={}))
        s.add(DossierVersion(application_id=other.id, version=1, sha256="b" * 64, content={}))
        s.add(DossierVersion(application_id=app.id, version=2, sha256="c" * 64, content={}))
    with pytest.raises(sa.exc.IntegrityError), transaction(factory) as s:
        s.add(DossierVersion(application_id=app.id, version=2, sha256="d" * 64, content={}))


def test_one_footprint_per_dossier_version(factory: SessionFactory) -> None:
    def record(app_id: str) -> FootprintRecord:
        return FootprintRecord(application_id=app_id, dossier_version=1, total=61.2,
                               unit="kg CO2e/kWh", factor_set_id="cn-2023", factor_set_version="1",
                               result={"stages": {"production": 12.5}})

    with transaction(factory) as s:
        app = add_application(s)
        s.add(record(app.id))
    with pytest.raises(sa.exc.IntegrityError), transaction(factory) as s:
        s.add(record(app.id))


def test_foreign_keys_and_check_constraints_are_enforced(factory: SessionFactory) -> None:
    with pytest.raises(sa.exc.IntegrityError), transaction(factory) as s:
        s.add(DossierVersion(application_id="0" * 32, version=1, sha256="a" * 64, content={}))
    with pytest.raises(sa.exc.IntegrityError), transaction(factory) as s:
        cert = certificate_for(add_application(s), "TP-2026-000009")
        cert.status = "cancelled"  # type: ignore[assignment]
        s.add(cert)
    with pytest.raises(sa.exc.IntegrityError), transaction(factory) as s:
        org = add_org(s)
        s.add(User(org_id=org.id, email="Li.Wei@Example.cn", display_name="x",
                   password_hash="x", roles=[]))


def test_transaction_rolls_back_everything_on_error(factory: SessionFactory) -> None:
    with pytest.raises(sa.exc.IntegrityError), transaction(factory) as s:
        app = add_application(s)
        s.add(DossierVersion(application_id=app.id, version=1, sha256="a" * 64, content={}))
        s.add(DossierVersion(application_id=app.id, version=1, sha256="b" * 64, content={}))
    with factory() as s:
        assert s.exec(select(Application)).all() == []
        assert s.exec(select(Organisation)).all() == []


def test_times_round_trip_as_aware_utc(factory: SessionFactory) -> None:
    shanghai = timezone(timedelta(hours=8))
    issued = datetime(2026, 3, 1, 16, 30, 15, 123456, tzinfo=shanghai)
    with transaction(factory) as s:
        cert = certificate_for(add_application(s), "TP-2026-000001")
        cert.issued_at = issued
        s.add(cert)
    with factory() as s:
        loaded = s.exec(select(Certificate)).one()
        assert loaded.issued_at == issued
        assert loaded.issued_at.utcoffset() == timedelta(0)
        assert loaded.issued_at.hour == 8
        # Comparisons in SQL use UTC on both databases.
        later = s.exec(select(Certificate).where(
            Certificate.issued_at > datetime(2026, 3, 1, 8, 30, 15, tzinfo=UTC))).all()
        assert len(later) == 1
        app = s.exec(select(Application)).one()
        public = ApplicationPublic.model_validate(app)
        assert public.created_at.tzinfo is not None


def test_naive_datetimes_are_refused(factory: SessionFactory) -> None:
    with pytest.raises(sa.exc.StatementError) as info, transaction(factory) as s:
        cert = certificate_for(add_application(s), "TP-2026-000001")
        cert.valid_until = datetime(2029, 1, 1)
        s.add(cert)
    assert isinstance(info.value.orig, NaiveDatetime)


def test_uscc_and_email_are_validated_on_create() -> None:
    with pytest.raises(ValidationError) as info:
        OrganisationCreate(name="x", uscc="91310000MA1FL8TQ3X", kind=OrgKind.exporter)
    assert "check character" in str(info.value)
    with pytest.raises(ValidationError) as table:
        Organisation.model_validate({"name": "x", "uscc": "9131", "kind": "exporter"})
    problem = table.value.errors()[0]["ctx"]["error"]
    assert isinstance(problem, InvalidUscc)
    assert (problem.code, problem.field, problem.value) == ("length", "uscc", "9131")
    assert "18" in problem.message_zh
    with pytest.raises(ValidationError):
        UserCreate(org_id="o", email="not-an-address", display_name="x",
                   password="long enough secret")
    user = UserCreate(org_id="o", email=" Li.Wei@Example.CN ", display_name="x",
                      password="long enough secret")
    assert user.email == "li.wei@example.cn"


def test_uscc_is_unique(factory: SessionFactory) -> None:
    with transaction(factory) as s:
        org = add_org(s)
    with pytest.raises(sa.exc.IntegrityError), transaction(factory) as s:
        s.add(Organisation(name="copy", uscc=org.uscc, kind=OrgKind.exporter))


def test_evidence_points_at_a_recorded_blob(factory: SessionFactory, tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    with transaction(factory) as s:
        app = add_application(s)
        user = add_user(s, s.get_one(Organisation, app.org_id))
        rec = save_blob(s, blobs, b"%PDF-1.7 bill", "application/pdf")
        assert save_blob(s, blobs, b"%PDF-1.7 bill", "application/pdf") is rec
        s.add(Evidence(application_id=app.id, org_id=app.org_id, blob_sha256=rec.sha256,
                       filename="bill.pdf", media_type="application/pdf", size=rec.size,
                       kind="energy_bill", uploaded_by=user.id))
    assert blobs.get(rec.sha256) == b"%PDF-1.7 bill"
    with pytest.raises(sa.exc.IntegrityError), transaction(factory) as s:
        s.add(Evidence(application_id=app.id, org_id=app.org_id, blob_sha256="f" * 64,
                       filename="x.pdf", media_type="application/pdf", size=1, kind="x"))


# --- certificate numbers -------------------------------------------------------------------


def test_certificate_numbers_count_per_year_and_roll_back(factory: SessionFactory) -> None:
    with transaction(factory) as s:
        assert next_certificate_number(s, 2026) == "TP-2026-000001"
        assert next_certificate_number(s, 2026) == "TP-2026-000002"
        assert next_certificate_number(s, 2027) == "TP-2027-000001"
    with pytest.raises(RuntimeError), transaction(factory) as s:
        assert next_certificate_number(s, 2026) == "TP-2026-000003"
        raise RuntimeError("issuance failed")
    with transaction(factory) as s:
        assert next_certificate_number(s, 2026) == "TP-2026-000003"


def test_certificate_numbers_are_unique_under_concurrency(factory: SessionFactory) -> None:
    per_thread, numbers, errors = 15, [], []
    barrier = threading.Barrier(3)

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                with transaction(factory) as s:
                    numbers.append(next_certificate_number(s, 2026))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"TP-2026-{i:06d}" for i in range(1, 3 * per_thread + 1)]
