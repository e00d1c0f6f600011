"""A product walks from submission to a signed, registered certificate on the real stack."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest
from sqlmodel import func, select

from footprint import demo_dossier
from scripts.demo import advance, check, drive, login
from store import AuditEntry, Certificate, audit, make_engine, session_factory
from tests.harness import Stack, wait_until

pytestmark = pytest.mark.integration


def pdfsig(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def test_product_to_signed_certificate(
    shared_stack: Stack, shared_api: httpx.Client, tmp_path: Path
) -> None:
    stack, api = shared_stack, shared_api
    run = drive(api, stack.password)

    exporter = login(api, "exporter@demo.tanpass", stack.password)
    pdf = api.get(f"/api/v1/certificates/{run.certificate_number}/pdf", headers=exporter)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf.content)
    report = pdfsig(path)
    assert "Signature Validation: Signature is Valid." in report, report
    assert "Total document signed" in report, report

    public = api.get(f"/api/v1/public/certificates/{run.certificate_number}")
    assert public.status_code == 200
    body = public.json()
    assert body["status"] == "valid"
    assert body["holder_uscc"] == "91510100MA61XY2K77"
    assert body["footprint"] == pytest.approx(run.footprint_total)

    invented = api.get("/api/v1/public/certificates/TP-2099-999999")
    assert invented.status_code == 404
    assert invented.headers["content-type"].startswith("application/problem+json")
    assert invented.json()["certificate_status"] == "not_found"

    engine = make_engine(stack.database_url)
    with session_factory(engine)() as session:
        assert audit.verify_chain(session).ok
    engine.dispose()


def test_worker_restart_mid_run_loses_nothing(stack: Stack, api: httpx.Client) -> None:
    pw = stack.password
    exporter = login(api, "exporter@demo.tanpass", pw)
    product = check(api.post("/api/v1/products", headers=exporter,
                             json={"name": "Smart meter", "model": "DDZY-R1"}))
    app = check(api.post("/api/v1/applications", headers=exporter,
                         json={"product_id": product["id"], "regimes": ["cn_label"]}))
    outcome = check(api.post(f"/api/v1/applications/{app['id']}/dossier", headers=exporter,
                             json=demo_dossier().model_dump(mode="json")))
    assert outcome["status"] == "intake_review"

    stack.procs["worker"].kill()  # SIGKILL between submission and document review
    stack.start_worker()
    advance(api, pw, app["id"], "awaiting_verification")

    verifier = login(api, "verifier@demo.tanpass", pw)
    certifier = login(api, "certifier@demo.tanpass", pw)
    check(api.post(f"/api/v1/applications/{app['id']}/verification", headers=verifier, json={}))
    check(api.post(f"/api/v1/applications/{app['id']}/decision", headers=certifier,
                   json={"approve": True, "reasons": "ok"}))

    def certified() -> bool:
        detail = check(api.get(f"/api/v1/applications/{app['id']}", headers=exporter))
        return detail["status"] == "certified"

    wait_until(certified, 60, "certified status")
    engine = make_engine(stack.database_url)
    with session_factory(engine)() as session:
        n = session.exec(select(func.count()).select_from(Certificate)
                         .where(Certificate.application_id == app["id"])).one()
        assert n == 1
        issued = session.exec(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "certificate.issued")).one()
        assert issued == 1
        assert audit.verify_chain(session).ok
    engine.dispose()


def test_separation_of_duties_and_conflict_of_interest(
    shared_stack: Stack, shared_api: httpx.Client
) -> None:
    api = shared_api
    pw = shared_stack.password
    exporter = login(api, "exporter@demo.tanpass", pw)
    product = check(api.post("/api/v1/products", headers=exporter,
                             json={"name": "Smart meter", "model": "DDZY-S1"}))
    app = check(api.post("/api/v1/applications", headers=exporter,
                         json={"product_id": product["id"], "regimes": ["cn_label"]}))
    # approval before a dossier is refused by the workflow's validator, with the reason
    verifier = login(api, "verifier@demo.tanpass", pw)
    early = api.post(f"/api/v1/applications/{app['id']}/verification", headers=verifier, json={})
    assert early.status_code == 404  # not in the verifier's queue yet: no leak that it exists
    check(api.post(f"/api/v1/applications/{app['id']}/dossier", headers=exporter,
                   json=demo_dossier().model_dump(mode="json")))
    advance(api, pw, app["id"], "awaiting_verification")
    # an exporter cannot verify its own product
    own = api.post(f"/api/v1/applications/{app['id']}/verification", headers=exporter, json={})
    assert own.status_code == 403
    check(api.post(f"/api/v1/applications/{app['id']}/verification", headers=verifier, json={}))
    # a second decision on a refused application is rejected, a refusal is final
    certifier = login(api, "certifier@demo.tanpass", pw)
    refused = check(api.post(f"/api/v1/applications/{app['id']}/decision", headers=certifier,
                             json={"approve": False, "reasons": "boundary not justified"}))
    assert refused["status"] == "refused"
    wait_until(lambda: api.get(f"/api/v1/applications/{app['id']}", headers=exporter)
               .json()["status"] == "refused", 30, "refused in store")


def test_concurrent_application_creation_never_fails(shared_stack: Stack) -> None:
    """Eight exporters' requests at once: every one is created (SQLite write contention is a
    wait, never a 500), each with its own running workflow."""
    import concurrent.futures

    pw = shared_stack.password
    with httpx.Client(base_url=shared_stack.api_url, timeout=60) as api:
        exporter = login(api, "exporter@demo.tanpass", pw)
        product = check(api.post("/api/v1/products", headers=exporter,
                                 json={"name": "Smart meter", "model": "DDZY-C8"}))

    def create(_: int) -> int:
        with httpx.Client(base_url=shared_stack.api_url, timeout=60) as client:
            r = client.post("/api/v1/applications", headers=exporter,
                            json={"product_id": product["id"], "regimes": ["cn_label"]})
            return r.status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(create, range(8)))
    assert codes == [201] * 8


def test_blocking_rule_findings_return_the_dossier_with_the_findings(
    shared_stack: Stack, shared_api: httpx.Client
) -> None:
    """The chosen rule pack runs on submission; a blocking finding returns the dossier to the
    exporter with the findings listed (zh and en), and a corrected version goes on."""
    api, pw = shared_api, shared_stack.password
    exporter = login(api, "exporter@demo.tanpass", pw)
    product = check(api.post("/api/v1/products", headers=exporter,
                             json={"name": "Smart meter", "model": "DDZY-B1"}))
    app = check(api.post("/api/v1/applications", headers=exporter,
                         json={"product_id": product["id"], "regimes": ["cn_label"]}))
    bad = demo_dossier().model_dump(mode="json")
    bad["functional_unit"]["description"] = ""
    outcome = check(api.post(f"/api/v1/applications/{app['id']}/dossier", headers=exporter,
                             json=bad))
    assert outcome["status"] == "returned" and outcome["blocking_findings"] >= 1
    ids = {f["rule_id"] for f in outcome["findings"]}
    assert "cn_label.report.functional_unit" in ids
    detail = check(api.get(f"/api/v1/applications/{app['id']}", headers=exporter))
    assert detail["status"] == "returned"
    listed = [f for f in detail["findings"] if f["rule_id"] == "cn_label.report.functional_unit"]
    assert listed and listed[0]["severity"] == "blocking"
    assert listed[0]["message_zh"] and listed[0]["message_en"]

    fixed = check(api.post(f"/api/v1/applications/{app['id']}/dossier", headers=exporter,
                           json=demo_dossier().model_dump(mode="json")))
    assert fixed["status"] != "returned" and fixed["blocking_findings"] == 0
    assert fixed["version"] == 2
