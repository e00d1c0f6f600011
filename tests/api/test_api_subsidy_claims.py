"""Recording subsidy claims through the API: check, record (idempotent), a later check flags
``already_claimed`` for the same office only, a lost race answers 409 and records nothing."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
import xlsxwriter
from sqlmodel import func, select

import api.verification_batch as vb
from store import SubsidyClaim, transaction, utcnow
from tests.api.api_world import World, add_tenant_records

HOLDER = "91510100MA61XY2K77"  # tests.api.api_world.add_tenant_records: the holder
BATCH = "/api/v1/verification/subsidy/batch?format=json"
CLAIMS = "/api/v1/verification/subsidy/claims"
SUBSIDY, ADMIN = "subsidy@demo.tanpass", "admin@demo.tanpass"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(*numbers: str) -> dict:
    day = (utcnow() + timedelta(hours=8, days=1)).date()  # tomorrow in China: certificates valid
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["USCC", "Certificate number", "Amount", "Claim date"])
    for r, number in enumerate(numbers, start=1):
        ws.write_row(r, 0, [HOLDER, number, "800.00", day.isoformat()])
    wb.close()
    return {"file": ("claims.xlsx", buf.getvalue(), XLSX)}


@pytest.fixture(scope="module")
def numbers(world: World) -> list[str]:
    """Three certificates of their own (others' tests change the tenants' certificates)."""
    email = "exporter@demo.tanpass"
    return [add_tenant_records(world.app, f"S{i}", world.org_ids["exporter"],
                               world.user_ids[email], "certified", 900 + i).certificate_number
            for i in range(3)]


def _claims(world: World, number: str) -> list[SubsidyClaim]:
    with world.app.state.sessions() as s:
        return list(s.exec(select(SubsidyClaim).where(
            SubsidyClaim.certificate_number == number)).all())


def test_record_then_later_batches_of_the_office_are_already_claimed(
        world: World, numbers: list[str]) -> None:
    number = numbers[0]
    h = world.auth(SUBSIDY)
    checked = world.client.post(BATCH, headers=h, files=_book(number))
    assert checked.status_code == 200, checked.text
    assert checked.json()["approved"] == 1 and checked.json()["batch_id"] is None
    assert _claims(world, number) == []  # checking never records

    key = {**h, "Idempotency-Key": "subsidy-claims-1"}
    first = world.client.post(CLAIMS, headers=key, files=_book(number))
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["approved"] == 1 and body["batch_id"]
    stored = _claims(world, number)
    assert [(c.batch_id, c.amount, c.office_org_id) for c in stored] == [
        (body["batch_id"], Decimal("800.00"), world.org_ids["subsidy"])]

    retry = world.client.post(CLAIMS, headers=key, files=_book(number))
    assert retry.status_code == 201 and retry.json() == body
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert len(_claims(world, number)) == 1

    later = world.client.post(BATCH, headers=h, files=_book(number)).json()
    row = later["rows"][0]
    assert row["status"] == "rejected" and row["approved_amount"] == 0
    assert [r["code"] for r in row["reasons"]] == ["already_claimed"]
    assert body["batch_id"] in row["reasons"][0]["message_en"]
    assert "已在本机构申请过补贴" in row["reasons"][0]["message_zh"]

    again = world.client.post(CLAIMS, headers=h, files=_book(number))
    assert again.status_code == 201 and again.json()["approved"] == 0
    assert len(_claims(world, number)) == 1

    # the administrator's organisation is another office: not affected
    other = world.client.post(BATCH, headers=world.auth(ADMIN), files=_book(number)).json()
    assert other["approved"] == 1 and other["flags"] == {}


def test_recording_needs_the_subsidy_role(world: World, numbers: list[str]) -> None:
    number = numbers[1]
    for who in ("exporter@demo.tanpass", "customs@demo.tanpass", "certifier@demo.tanpass"):
        r = world.client.post(CLAIMS, headers=world.auth(who), files=_book(number))
        assert r.status_code == 403, (who, r.text)
    assert world.client.post(CLAIMS, files=_book(number)).status_code == 401
    assert _claims(world, number) == []


def test_a_lost_race_answers_409_and_records_nothing(
        world: World, numbers: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = numbers[2], numbers[1]
    office = world.org_ids["subsidy"]
    with transaction(world.app.state.sessions) as s:  # a concurrent recording of the office
        s.add(SubsidyClaim(office_org_id=office, certificate_number=a, claimant_uscc=HOLDER,
                           amount=Decimal("1.00"), claim_date=utcnow().date(),
                           batch_id="concurrent", recorded_by=world.user_ids[SUBSIDY]))
    real, calls = vb._already_claimed, []

    def stale(*args: object) -> dict:  # the check ran before that recording committed
        calls.append(args)
        return {} if len(calls) == 1 else real(*args)

    monkeypatch.setattr(vb, "_already_claimed", stale)
    with world.app.state.sessions() as s:
        before = s.exec(select(func.count()).select_from(SubsidyClaim)).one()
    h = {**world.auth(SUBSIDY), "Accept-Language": "zh-CN", "Idempotency-Key": "race-1"}
    # A was taken by the concurrent recording; B is approved and would be recorded
    r = world.client.post(CLAIMS, headers=h, files=_book(a, b))
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert a in r.json()["detail"] and a in r.json()["certificates"]
    assert "未记录任何申请" in r.json()["detail"]
    with world.app.state.sessions() as s:
        assert s.exec(select(func.count()).select_from(SubsidyClaim)).one() == before
    assert _claims(world, b) == []  # not half a batch
    monkeypatch.undo()
    # the failed request left no idempotency record: the retry checks again and answers
    retry = world.client.post(CLAIMS, headers=h, files=_book(a, b))
    assert retry.status_code == 201
    assert [f["code"] for f in retry.json()["rows"][0]["reasons"]] == ["already_claimed"]
    assert retry.json()["rows"][1]["status"] == "approved" and len(_claims(world, b)) == 1
