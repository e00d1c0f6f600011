"""Drive one demo product through the whole process over the API, as the people would.

exporter: product -> application (CN carbon label) -> dossier; certification body staff:
document review, verifier assignment; verifier: review work (lines checked, sampling, site
visit) and opinion; certifier (not the verifier): decision -> signed, registered certificate.
``make demo`` runs it against a running system. ``advance(...)`` stops at an earlier step, for
tests that need an application waiting at that step.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field

import httpx

from config import get_settings


@dataclass(frozen=True)
class DemoRun:
    application_id: str
    certificate_number: str
    footprint_total: float
    footprint_unit: str


def login(client: httpx.Client, email: str, password: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@dataclass
class Logins:
    """Signed-in people, as a portal keeps them: each person logs in once and reuses the bearer
    token for every action until it nears its end (access tokens last 15 minutes), instead of
    hashing the password again for every application. Safe to share between threads."""

    max_age_s: float = 600.0
    _tokens: dict[tuple[str, str], tuple[float, dict[str, str]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def headers(self, client: httpx.Client, email: str, password: str) -> dict[str, str]:
        key = (str(client.base_url), email)
        with self._lock:
            held = self._tokens.get(key)
        if held is not None and time.monotonic() - held[0] < self.max_age_s:
            return held[1]
        headers = login(client, email, password)
        with self._lock:
            self._tokens[key] = (time.monotonic(), headers)
        return headers


def check(r: httpx.Response) -> dict:
    if r.status_code >= 400:
        raise RuntimeError(f"{r.request.method} {r.request.url.path} -> {r.status_code}: {r.text}")
    return r.json()


def drive(client: httpx.Client, password: str, *, product_name: str = "智能电能表 Smart electricity meter",
          model: str | None = None, logins: Logins | None = None) -> DemoRun:
    """One product from creation to an issued certificate. ``logins``: people already signed
    in (a fresh :class:`Logins`, i.e. everyone logs in, when not given)."""
    from footprint import demo_dossier

    logins = logins or Logins()
    exporter = logins.headers(client, "exporter@demo.tanpass", password)
    certifier = logins.headers(client, "certifier@demo.tanpass", password)
    model = model or f"DDZY-{int(time.time() * 1000) % 10**7}"
    product = check(client.post("/api/v1/products", headers=exporter,
                                json={"name": product_name, "model": model, "category": "smart_meter"}))
    app = check(client.post("/api/v1/applications", headers=exporter,
                            json={"product_id": product["id"], "regimes": ["cn_label"]}))
    dossier = demo_dossier().model_dump(mode="json")
    outcome = check(client.post(f"/api/v1/applications/{app['id']}/dossier", headers=exporter,
                                json=dossier))
    if outcome["status"] != "intake_review":
        raise RuntimeError(f"dossier returned: {outcome}")
    advance(client, password, app["id"], "awaiting_decision", dossier=dossier, logins=logins)
    check(client.post(f"/api/v1/applications/{app['id']}/decision", headers=certifier,
                      json={"approve": True, "reasons": "verified, no open findings"}))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        detail = check(client.get(f"/api/v1/applications/{app['id']}", headers=exporter))
        if detail["certificate_number"]:
            return DemoRun(app["id"], detail["certificate_number"], outcome["footprint_total"],
                           outcome["footprint_unit"])
        time.sleep(0.2)
    raise RuntimeError("no certificate within 60 s")


STEPS = ("intake_review", "awaiting_assignment", "awaiting_verification", "awaiting_decision")


def advance(client: httpx.Client, password: str, application_id: str, to: str, *,
            dossier: dict | None = None, verifier_email: str = "verifier@demo.tanpass",
            logins: Logins | None = None) -> None:
    """Move an application whose dossier is in document review (``intake_review``) on to
    ``to``: ``awaiting_assignment`` (review passed), ``awaiting_verification`` (verifier
    assigned) or ``awaiting_decision`` (review work recorded, unmodified opinion)."""
    from footprint import demo_dossier

    if to not in STEPS:
        raise ValueError(f"advance to one of {STEPS}")
    logins = logins or Logins()
    certifier = logins.headers(client, "certifier2@demo.tanpass", password)  # staff, not the decider
    verifier = logins.headers(client, verifier_email, password)
    base = f"/api/v1/applications/{application_id}"
    if to == "intake_review":
        return
    check(client.post(f"{base}/intake", headers=certifier, json={"accept": True}))
    if to == "awaiting_assignment":
        return
    verifier_id = check(client.get("/api/v1/auth/me", headers=verifier))["id"]
    check(client.post(f"{base}/assignment", headers=certifier, json={"verifier_id": verifier_id}))
    if to == "awaiting_verification":
        return
    lines = [line["id"] for line in (dossier or demo_dossier().model_dump(mode="json"))["lines"]]
    check(client.post(f"{base}/review", headers=verifier, json={
        "lines_checked": lines[:3], "sampling_notes": "3 lines traced to invoices and meters",
        "site_visits": [{"mode": "physical", "date": "2026-11-18", "notes": "assembly plant"}]}))
    check(client.post(f"{base}/opinion", headers=verifier, json={
        "opinion": "unmodified", "level_of_assurance": "reasonable", "materiality_percent": 5.0,
        "misstatement_percent": 0.0, "statement": "no material misstatement"}))


def main() -> int:
    settings = get_settings()
    password = (settings.secrets_dir / "demo_password").read_text().strip()
    with httpx.Client(base_url=settings.api_base_url, timeout=60) as client:
        run = drive(client, password)
    print(f"certificate issued: {run.certificate_number}  "
          f"({run.footprint_total:.4g} kg CO2e per {run.footprint_unit})")
    print(f"  public check:  {settings.api_base_url}/api/v1/public/certificates/{run.certificate_number}")
    print(f"  portal:        {settings.public_base_url}/?cert={run.certificate_number}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
