"""The portal's reads: verifier directory, evidence extraction and page images, labels, CBAM,
public footprint drill-down, printed validity days. Roles and other tenants' ids: the matrix."""

from __future__ import annotations

import io
import struct
from datetime import timedelta
from typing import Any

import openpyxl
import pytest

from store import Certificate, transaction, utcnow
from store.registry import printed_validity
from tests.api.api_world import World
from tests.api.cbam_example import add_cbam_application

V1 = "/api/v1"
EXPORTER, CERTIFIER, VERIFIER = ("exporter@demo.tanpass", "certifier@demo.tanpass",
                                 "verifier@demo.tanpass")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# --- verifiers ------------------------------------------------------------------------------

def test_verifiers_lists_accredited_verification_body_verifiers(world: World) -> None:
    r = world.client.get(f"{V1}/verifiers", headers=world.auth(CERTIFIER))
    assert r.status_code == 200, r.text
    rows = r.json()
    assert rows and all(v["accredited"] and v["verification_body"] for v in rows)
    assert world.user_ids[VERIFIER] in {v["id"] for v in rows}
    names = [v["display_name"] for v in rows]
    assert names == sorted(names)
    assert world.client.get(f"{V1}/verifiers", headers=world.auth(EXPORTER)).status_code == 403


# --- evidence -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bill(world: World) -> tuple[str, Any]:
    from evidence.samples import electricity_bill

    sample = electricity_bill("en")
    t = world.tenants["A"]
    r = world.client.post(f"{V1}/applications/{t.application_id}/evidence",
                          headers=world.auth(EXPORTER),
                          files={"file": (sample.filename, sample.data, "application/pdf")})
    assert r.status_code == 201, r.text
    return r.json()["id"], sample


def test_extraction_boxes_are_where_the_sample_drew_the_values(world: World, bill: Any) -> None:
    evidence_id, sample = bill
    t = world.tenants["A"]
    for who in (EXPORTER, CERTIFIER):  # the world has no verifier assignment
        r = world.client.get(f"{V1}/applications/{t.application_id}/evidence/{evidence_id}/"
                             "extraction", headers=world.auth(who))
        assert r.status_code == 200, (who, r.text)
    body = r.json()
    assert body["document_type"] == "electricity_bill" and body["scanned_pages"] == []
    assert [p["page"] for p in body["pages"]] == [1, 2]
    values = {v["field"]: v for v in body["values"]}
    for name in ("meter_number", "consumption_kwh", "billing_period_start"):
        drawn, got = sample.expected[name], values[name]["provenance"]
        assert got["page"] == drawn.page
        assert got["page_width"] == pytest.approx(595.2756, abs=0.01)
        want = (drawn.bbox.x0, drawn.bbox.top, drawn.bbox.x1, drawn.bbox.bottom)
        assert got["bbox"] == pytest.approx(want, abs=3.0), name
    assert values["consumption_kwh"]["value"] == "12345.60"
    assert values["billing_period_start"]["value"] == "2024-03-01"


def test_page_image_png_at_the_stated_scale(world: World, bill: Any) -> None:
    evidence_id, _ = bill
    t = world.tenants["A"]
    base = f"{V1}/applications/{t.application_id}/evidence/{evidence_id}/pages"
    r = world.client.get(f"{base}/2", headers=world.auth(CERTIFIER))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/png"
    scale = float(r.headers["X-Points-To-Pixels"])
    assert scale == pytest.approx(110 / 72, rel=1e-4) and r.headers["X-Page-Count"] == "2"
    w, h = png_size(r.content)
    assert (w, h) == (pytest.approx(595.2756 * scale, abs=1), pytest.approx(841.8898 * scale, abs=1))
    r = world.client.get(f"{base}/1", params={"dpi": 72}, headers=world.auth(EXPORTER))
    assert png_size(r.content) == (pytest.approx(595, abs=1), pytest.approx(842, abs=1))
    missing = world.client.get(f"{base}/3", headers=world.auth(EXPORTER))
    assert missing.status_code == 404 and missing.json()["pages"] == 2
    assert world.client.get(f"{base}/0", headers=world.auth(EXPORTER)).status_code == 422
    assert world.client.get(f"{base}/1", params={"dpi": 1000},
                            headers=world.auth(EXPORTER)).status_code == 422


def test_unreadable_or_unknown_evidence(world: World) -> None:
    t = world.tenants["A"]
    base = f"{V1}/applications/{t.application_id}/evidence"
    r = world.client.get(f"{base}/{t.evidence_id}/extraction", headers=world.auth(EXPORTER))
    assert r.status_code == 409 and r.json()["code"] == "corrupt_pdf"  # the world's fake PDF
    r = world.client.get(f"{base}/{t.evidence_id}/pages/1", headers=world.auth(EXPORTER))
    assert r.status_code == 409 and r.json()["code"] == "corrupt_pdf"
    r = world.client.get(f"{base}/{'0' * 32}/pages/1", headers=world.auth(EXPORTER))
    assert r.status_code == 404


# --- labels ---------------------------------------------------------------------------------

def test_label_svg_and_png(world: World) -> None:
    from signing.certificate import format_figure

    t = world.tenants["A"]
    base = f"{V1}/certificates/{t.certificate_number}"
    with world.app.state.sessions() as s:
        total = s.exec(Certificate.__table__.select().where(  # type: ignore[attr-defined]
            Certificate.number == t.certificate_number)).first().total
    r = world.client.get(f"{base}/label.svg", params={"size_mm": 30}, headers=world.auth(EXPORTER))
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert format_figure(total) in r.text and 'width="61.500mm"' in r.text
    assert r.headers["X-Label-QR"] == "included"
    small = world.client.get(f"{base}/label.svg", params={"size_mm": 8},
                             headers=world.auth(CERTIFIER))
    assert small.status_code == 200 and small.headers["X-Label-QR"] == "omitted"
    png = world.client.get(f"{base}/label.png", params={"size_mm": 20}, headers=world.auth(EXPORTER))
    assert png.status_code == 200 and png_size(png.content)[1] == round(20 / 25.4 * 600)
    for bad in (7.9, 61, "x"):
        r = world.client.get(f"{base}/label.png", params={"size_mm": bad},
                             headers=world.auth(EXPORTER))
        assert r.status_code == 422, bad
        assert r.json()["errors"][0]["path"] == "query/size_mm"


# --- CBAM -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cbam_app(world: World) -> str:
    t = world.tenants["A"]
    return add_cbam_application(world.app.state.sessions, t.org_id, t.user_id,
                                regimes=["cbam"])


def test_cbam_estimate_and_workbook(world: World, cbam_app: str) -> None:
    r = world.client.get(f"{V1}/applications/{cbam_app}/cbam", headers=world.auth(EXPORTER))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["covered"] is True and body["sector"] == "iron_steel"
    assert body["see"]["direct"] == pytest.approx(2.395)
    assert body["dossier_version"] == 1 and not body["blocking"]
    if body["estimate"] is not None:  # definitive period: cost per tonne and per shipment
        assert body["estimate"]["net_eur_per_shipment"] == pytest.approx(
            body["estimate"]["net_eur_per_t"] * 25)
    x = world.client.get(f"{V1}/applications/{cbam_app}/cbam/communication.xlsx",
                         headers=world.auth(CERTIFIER))
    assert x.status_code == 200, x.text
    book = openpyxl.load_workbook(io.BytesIO(x.content))
    assert book.sheetnames == ["Installation", "Goods", "Precursors", "Source Streams"]
    goods = list(book["Goods"].iter_rows(values_only=True))
    assert goods[1][3] == pytest.approx(2.395)


def test_cbam_conflicts(world: World) -> None:
    t = world.tenants["A"]
    r = world.client.get(f"{V1}/applications/{t.application_id}/cbam", headers=world.auth(EXPORTER))
    assert r.status_code == 409 and r.json()["code"] == "no_cbam_regime"
    empty = add_cbam_application(world.app.state.sessions, t.org_id, t.user_id,
                                 regimes=["cbam"], with_dossier=False)
    for path in ("cbam", "cbam/communication.xlsx"):
        r = world.client.get(f"{V1}/applications/{empty}/{path}", headers=world.auth(EXPORTER))
        assert r.status_code == 409 and r.json()["code"] == "no_dossier"


# --- public footprint and printed days ------------------------------------------------------

def test_public_footprint_matches_the_certificate(world: World) -> None:
    t = world.tenants["B"]
    r = world.client.get(f"{V1}/public/certificates/{t.certificate_number.lower()}/footprint")
    assert r.status_code == 200, r.text
    body = r.json()
    cert = world.client.get(f"{V1}/certificates/{t.certificate_number}",
                            headers=world.auth("exporter2@demo.tanpass")).json()
    assert body["total"] == cert["total"] and body["unit"] == cert["unit"]
    assert sum(body["per_stage"].values()) == pytest.approx(body["total"])
    tree = body["tree"]
    assert tree["total"] == pytest.approx(body["total"]) and tree["children"]

    def lines(node: dict[str, Any]) -> list[dict[str, Any]]:
        return node["lines"] + [x for c in node["children"] for x in lines(c)]

    every = lines(tree)
    assert sum(x["share"] for x in every) == pytest.approx(1.0, rel=1e-6)
    assert all(x["factor_id"] is None or x["factor_source"] for x in every)
    assert (body["valid_from_day"], body["valid_until_day"]) == (cert["valid_from_day"],
                                                                 cert["valid_until_day"])


def test_public_footprint_unknown_and_revoked(world: World) -> None:
    r = world.client.get(f"{V1}/public/certificates/TP-2099-000000/footprint")
    assert r.status_code == 404 and r.json()["certificate_status"] == "not_found"
    t = world.tenants["A"]
    with transaction(world.app.state.sessions) as s:
        from sqlmodel import select

        cert = s.exec(select(Certificate).where(Certificate.number == t.certificate_number)).one()
        saved = cert.status
        cert.status, cert.status_reason = "revoked", "test"
        s.add(cert)
    try:
        r = world.client.get(f"{V1}/public/certificates/{t.certificate_number}/footprint")
        assert r.status_code == 200 and r.json()["status"] == "revoked"
    finally:
        with transaction(world.app.state.sessions) as s:
            cert = s.exec(select(Certificate).where(
                Certificate.number == t.certificate_number)).one()
            cert.status, cert.status_reason = saved, None
            s.add(cert)


def test_printed_validity_days_in_read_models(world: World) -> None:
    t = world.tenants["A"]
    with transaction(world.app.state.sessions) as s:
        from sqlmodel import select

        cert = s.exec(select(Certificate).where(Certificate.number == t.certificate_number)).one()
        saved = (cert.valid_from, cert.valid_until)
        # 17:00 UTC is 01:00 the next day in China: the printed days differ from the UTC dates
        start = utcnow().replace(hour=17, minute=0, second=0, microsecond=0)
        cert.valid_from, cert.valid_until = start, start + timedelta(days=365)
        s.add(cert)
        s.flush()
        first, last = printed_validity(cert)
    try:
        assert first == (start + timedelta(hours=8)).date() != start.date()
        one = world.client.get(f"{V1}/certificates/{t.certificate_number}",
                               headers=world.auth(EXPORTER)).json()
        listed = [c for c in world.client.get(f"{V1}/certificates", headers=world.auth(EXPORTER)).json()
                  if c["number"] == t.certificate_number][0]
        public = world.client.get(f"{V1}/public/certificates/{t.certificate_number}").json()
        for body in (one, listed, public):
            assert (body["valid_from_day"], body["valid_until_day"]) == (first.isoformat(),
                                                                         last.isoformat())
    finally:
        with transaction(world.app.state.sessions) as s:
            cert = s.exec(select(Certificate).where(
                Certificate.number == t.certificate_number)).one()
            cert.valid_from, cert.valid_until = saved
            s.add(cert)


def _graded_certificate(world: World, number: str, rule_outputs: dict[str, Any] | None) -> None:
    """A certified cn_label application of the citrus dossier (the pack gives it 2 stars) whose
    footprint record keeps ``rule_outputs`` as stored by the assessment (None: assessed before
    pack outputs were stored), and its certificate ``number``."""
    import uuid

    from footprint import Dossier, calculate
    from store import Application, DossierVersion, FootprintRecord, Product
    from tests.compliance_rules.cr_builders import citrus

    t = world.tenants["A"]
    content = citrus()
    result = calculate(Dossier.model_validate(content))
    now = utcnow()
    with transaction(world.app.state.sessions) as s:
        product = Product(org_id=t.org_id, name="Navel orange", model="A-5kg", category="citrus")
        s.add(product)
        s.flush()
        app = Application(org_id=t.org_id, product_id=product.id, regimes=["cn_label"],
                          status="certified", workflow_id=f"wf-{uuid.uuid4().hex}",
                          created_by=t.user_id)
        s.add(app)
        s.flush()
        s.add(DossierVersion(application_id=app.id, version=1, sha256="2" * 64, content=content,
                             submitted_by=t.user_id))
        s.add(FootprintRecord(application_id=app.id, dossier_version=1, total=result.total,
                              unit="kg CO2e/kg", factor_set_id=result.factor_set_id,
                              factor_set_version=result.factor_set_version,
                              result=result.model_dump(mode="json"), rule_outputs=rule_outputs))
        s.add(Certificate(number=number, application_id=app.id, org_id=t.org_id,
                          product_id=product.id, holder_name="Holder A",
                          holder_uscc="91510100MA61XY2K77", product_name=product.name,
                          product_model=product.model, total=result.total, unit="kg CO2e/kg",
                          issued_at=now, valid_from=now, valid_until=now + timedelta(days=365)))


def _stars(world: World, number: str) -> tuple[int, int]:
    """(gold stars, all stars) on the certificate's SVG label."""
    r = world.client.get(f"{V1}/certificates/{number}/label.svg", headers=world.auth(EXPORTER))
    assert r.status_code == 200, r.text
    return r.text.count('fill="#ffd700"'), r.text.count("<polygon")


def test_label_shows_the_grade_the_cn_label_pack_gave(world: World) -> None:
    # assessed before pack outputs were stored: the pack runs again for the grade
    _graded_certificate(world, "TP-2026-000777", None)
    assert _stars(world, "TP-2026-000777") == (2, 5)  # 2 of 5 stars
    t = world.tenants["A"]
    assert _stars(world, t.certificate_number)[1] == 0  # no benchmark: figure without a grade


def test_label_shows_the_grade_stored_by_the_assessment(world: World) -> None:
    # the pack would give 2 stars today; what the assessment stored is what is printed
    grade = {"benchmark_id": "x", "benchmark": 1.0, "unit": "kg CO2e/kg", "ratio": 0.1,
             "stars": 4, "illustrative": True}
    _graded_certificate(world, "TP-2026-000778", {"cn_label": {"grade": grade}})
    assert _stars(world, "TP-2026-000778") == (4, 5)
    _graded_certificate(world, "TP-2026-000779", {"cn_label": {"grade": None}})
    assert _stars(world, "TP-2026-000779") == (0, 0)  # assessed without a benchmark: no grade
    _graded_certificate(world, "TP-2026-000780", {})
    assert _stars(world, "TP-2026-000780") == (0, 0)  # cn_label not assessed: no grade
