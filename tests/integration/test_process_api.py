"""The process routes over HTTP on the shared stack: roles, problem documents with reasons,
the live process detail, and the certificate's life seen by the public check."""

from __future__ import annotations

import httpx
import pytest

from footprint import demo_dossier
from scripts.demo import advance, check, drive, login
from tests.harness import Stack

pytestmark = pytest.mark.integration


def test_process_routes_end_to_end(shared_stack: Stack, shared_api: httpx.Client) -> None:
    api, pw = shared_api, shared_stack.password
    exporter = login(api, "exporter@demo.tanpass", pw)
    staff = login(api, "certifier2@demo.tanpass", pw)
    certifier = login(api, "certifier@demo.tanpass", pw)
    verifier = login(api, "verifier@demo.tanpass", pw)

    product = check(api.post("/api/v1/products", headers=exporter,
                             json={"name": "Smart meter", "model": "PROC-API-1"}))
    app = check(api.post("/api/v1/applications", headers=exporter,
                         json={"product_id": product["id"], "regimes": ["cn_label"]}))
    base = f"/api/v1/applications/{app['id']}"
    check(api.post(f"{base}/dossier", headers=exporter, json=demo_dossier().model_dump(mode="json")))
    # the exporter cannot review its own intake; a return needs reasons
    assert api.post(f"{base}/intake", headers=exporter, json={"accept": True}).status_code == 403
    bad = api.post(f"{base}/intake", headers=staff, json={"accept": False})
    assert bad.status_code == 422 and "reason" in bad.json()["detail"]
    advance(api, pw, app["id"], "awaiting_assignment")
    # an exporter's own user as verifier: refused with each reason
    me = check(api.get("/api/v1/auth/me", headers=exporter))
    refused = api.post(f"{base}/assignment", headers=staff, json={"verifier_id": me["id"]})
    assert refused.status_code == 422, refused.text
    reasons = [e["message"] for e in refused.json()["errors"]]
    assert any("applicant's organisation" in r for r in reasons)
    verifier_id = check(api.get("/api/v1/auth/me", headers=verifier))["id"]
    check(api.post(f"{base}/assignment", headers=staff, json={"verifier_id": verifier_id}))
    finding = check(api.post(f"{base}/findings", headers=verifier, json={
        "kind": "observation", "lines": ["copper"], "description": "check the scrap rate"}))
    assert finding["status"] == "open"
    detail = check(api.get(f"{base}/process", headers=verifier))
    assert detail["status"] == "awaiting_verification"
    assert detail["state"]["verifier_findings"][0]["lines"] == ["copper"]
    opinion = api.post(f"{base}/opinion", headers=verifier, json={
        "opinion": "unmodified", "level_of_assurance": "limited", "materiality_percent": 5,
        "misstatement_percent": 6.0})
    assert opinion.status_code == 422 and "cannot be unmodified" in opinion.json()["detail"]

    run = drive(api, pw, model="PROC-API-2")
    number = run.certificate_number
    cert = f"/api/v1/certificates/{number}"
    assert api.post(f"{cert}/suspension", headers=exporter,
                    json={"reason": "x"}).status_code == 403
    check(api.post(f"{cert}/suspension", headers=certifier, json={"reason": "surveillance refused"}))
    public = check(api.get(f"/api/v1/public/certificates/{number}"))
    assert public["status"] == "suspended"
    check(api.post(f"{cert}/reinstatement", headers=certifier, json={"reason": "audit passed"}))
    renewal = check(api.post(f"{cert}/renewal", headers=exporter))
    assert renewal["cycle"] == 2
    again = api.post(f"{cert}/renewal", headers=exporter)
    assert again.status_code in (409, 422) and "already open" in again.json()["detail"]
    check(api.post(f"{cert}/revocation", headers=certifier, json={"reason": "false declaration"}))
    assert check(api.get(f"/api/v1/public/certificates/{number}"))["status"] == "revoked"
    renewed = check(api.get(f"/api/v1/applications/{renewal['application_id']}", headers=exporter))
    assert renewed["cycle"] == 2 and renewed["status"] == "awaiting_submission"
