"""Subsidy claims across batches: a recorded batch makes later claims of the same office
``already_claimed``; other offices are separate programmes; a recording that hits the unique
key (a concurrent recording won) stores nothing of its batch; checking never writes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import func, select

import api.verification_batch as vb
from api.verification_batch import ClaimConflict, check_claims, record_claims
from store import (
    AuditEntry,
    Organisation,
    OrganisationCreate,
    OrgKind,
    SessionFactory,
    SubsidyClaim,
    User,
    transaction,
)
from tests.store.st_factories import make_uscc
from tests.verification.test_ver_subsidy import Row, workbook
from tests.verification.test_ver_subsidy import registry as _registry  # noqa: F401 - fixture

DAY = date(2026, 2, 10)


@dataclass
class Office:
    org_id: str
    user_id: str


@pytest.fixture(scope="module")
def registry(_registry: tuple) -> tuple:  # noqa: F811 - the fixture by its name
    """The generated registry of ``test_ver_subsidy`` (a fresh one for this module)."""
    return _registry


@pytest.fixture(scope="module")
def offices(registry) -> dict[str, Office]:
    factory, _ = registry
    out = {}
    rng = random.Random(11)
    with transaction(factory) as s:
        for key in ("north", "south"):
            org = Organisation.model_validate(OrganisationCreate(
                name=f"Subsidy office {key}", uscc=make_uscc(rng), kind=OrgKind.subsidy_office))
            user = User(org_id=org.id, email=f"{key}@subsidy.cn", display_name=key,
                        password_hash="x", roles=["subsidy"])
            s.add(org)
            s.flush()
            s.add(user)
            s.flush()
            out[key] = Office(org.id, user.id)
    return out


def _normal(registry, n: int, skip: int = 0) -> list:
    return [c for c in registry[1] if c.kind == "normal"][skip:skip + n]


def _book(certs: list) -> bytes:
    return workbook([Row(c.uscc, c.number, "1200.50", DAY, set()) for c in certs])


def _count(factory: SessionFactory, office: Office | None = None) -> int:
    with factory() as s:
        q = select(func.count()).select_from(SubsidyClaim)
        if office is not None:
            q = q.where(SubsidyClaim.office_org_id == office.org_id)
        return s.exec(q).one()


def test_recorded_batch_flags_later_batches_of_the_same_office_only(registry, offices) -> None:
    factory, _ = registry
    north, south = offices["north"], offices["south"]
    first = _normal(registry, 3)
    recorded = record_claims(factory, _book(first), office_org_id=north.org_id,
                             recorded_by=north.user_id)
    assert recorded.batch_id and recorded.approved == 3 and recorded.rejected == 0
    with factory() as s:
        rows = s.exec(select(SubsidyClaim).where(
            SubsidyClaim.batch_id == recorded.batch_id)).all()
        assert sorted(r.certificate_number for r in rows) == sorted(c.number for c in first)
        assert {r.amount for r in rows} == {Decimal("1200.50")}
        assert {(r.office_org_id, r.recorded_by, r.claim_date) for r in rows} == {
            (north.org_id, north.user_id, DAY)}
        assert s.exec(select(AuditEntry).where(
            AuditEntry.entity_id == recorded.batch_id)).one().action == "subsidy.claims_recorded"

    later = [first[1], *_normal(registry, 1, skip=3)]
    with factory() as s:
        batch = check_claims(s, _book(later), office_org_id=north.org_id)
    assert [r.status for r in batch.rows] == ["rejected", "approved"]
    assert [f.code for f in batch.rows[0].reasons] == ["already_claimed"]
    assert recorded.batch_id in batch.rows[0].reasons[0].message_en
    assert "已于" in batch.rows[0].reasons[0].message_zh
    assert batch.flags == {"already_claimed": 1} and batch.batch_id is None

    with factory() as s:  # another office: a separate programme
        other = check_claims(s, _book(later), office_org_id=south.org_id)
    assert [r.status for r in other.rows] == ["approved", "approved"]

    # recording the later batch stores only its approved claim
    again = record_claims(factory, _book(later), office_org_id=north.org_id,
                          recorded_by=north.user_id)
    assert again.approved == 1 and _count(factory, north) == 4


def test_check_only_never_writes(registry, offices) -> None:
    factory, _ = registry
    before = _count(factory)
    with factory() as s:
        batch = check_claims(s, _book(_normal(registry, 5, skip=10)),
                             office_org_id=offices["south"].org_id)
        assert batch.approved == 5
        assert not s.new and not s.dirty
    assert _count(factory) == before


def test_a_lost_race_stores_nothing_of_the_batch(registry, offices,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A concurrent recording of the same office stores one certificate after this batch was
    checked: the insert hits the unique key and the whole batch rolls back."""
    factory, _ = registry
    south = offices["south"]
    certs = _normal(registry, 4, skip=20)
    with transaction(factory) as s:  # the concurrent recording's row
        s.add(SubsidyClaim(office_org_id=south.org_id, certificate_number=certs[2].number,
                           claimant_uscc=certs[2].uscc, amount=Decimal("5.00"), claim_date=DAY,
                           batch_id="concurrent", recorded_by=south.user_id))
    before = _count(factory)
    # the check ran before the concurrent recording committed: it saw no recorded claims
    real, calls = vb._already_claimed, []

    def stale(*args: object) -> dict:
        calls.append(args)
        return {} if len(calls) == 1 else real(*args)

    monkeypatch.setattr(vb, "_already_claimed", stale)
    with pytest.raises(ClaimConflict) as caught:
        record_claims(factory, _book(certs), office_org_id=south.org_id,
                      recorded_by=south.user_id)
    monkeypatch.undo()
    assert caught.value.numbers == [certs[2].number]
    assert _count(factory) == before
    with factory() as s:
        assert s.exec(select(SubsidyClaim).where(
            SubsidyClaim.certificate_number == certs[0].number)).first() is None
        assert s.exec(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "subsidy.claims_recorded",
            AuditEntry.data["office_org_id"].as_string() == south.org_id)).one() == 0


def test_recording_twice_records_once(registry, offices) -> None:
    factory, _ = registry
    north = offices["north"]
    book = _book(_normal(registry, 2, skip=30))
    first = record_claims(factory, book, office_org_id=north.org_id, recorded_by=north.user_id)
    count = _count(factory)
    second = record_claims(factory, book, office_org_id=north.org_id, recorded_by=north.user_id)
    assert first.approved == 2 and second.approved == 0
    assert second.flags == {"already_claimed": 2}
    assert _count(factory) == count


def test_the_table_refuses_a_second_claim_of_an_office(registry, offices) -> None:
    from sqlalchemy.exc import IntegrityError

    factory, _ = registry
    north = offices["north"]
    cert = _normal(registry, 1, skip=40)[0]
    row = {"office_org_id": north.org_id, "certificate_number": cert.number,
           "claimant_uscc": cert.uscc, "amount": Decimal("1.00"), "claim_date": DAY,
           "batch_id": "b", "recorded_by": north.user_id}
    with transaction(factory) as s:
        s.add(SubsidyClaim(**row))
    with pytest.raises(IntegrityError), transaction(factory) as s:
        s.add(SubsidyClaim(**row))



@pytest.mark.parametrize("amount", ["0", "-5", "0.004", "1e12", "1e15", "NaN", "abc"])
def test_amounts_that_cannot_be_refunded_or_stored_are_bad_rows(registry, offices, amount) -> None:
    """Zero after rounding to whole fen, negative, or too large for Numeric(14, 2): flagged,
    never approved, so never recorded (a 0.00 claim or a database overflow would be a 500)."""
    factory, _ = registry
    cert = _normal(registry, 1, skip=40)[0]
    with factory() as s:
        batch = check_claims(s, workbook([Row(cert.uscc, cert.number, amount, DAY, set())]),
                             office_org_id=offices["south"].org_id)
    row = batch.rows[0]
    assert row.status != "approved"
    assert "bad_row" in {r.code for r in row.reasons}
