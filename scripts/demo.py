"""Drive one demo product through the whole process over the API, as the people would.

exporter: product -> application (CN carbon label) -> dossier; verifier: opinion; certifier:
decision -> signed, registered certificate. ``make demo`` runs it against a running system.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

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


def check(r: httpx.Response) -> dict:
    if r.status_code >= 400:
        raise RuntimeError(f"{r.request.method} {r.request.url.path} -> {r.status_code}: {r.text}")
    return r.json()


def drive(client: httpx.Client, password: str, *, product_name: str = "智能电能表 Smart electricity meter",
          model: str | None = None) -> DemoRun:
    from footprint import demo_dossier

    exporter = login(client, "exporter@demo.tanpass", password)
    verifier = login(client, "verifier@demo.tanpass", password)
    certifier = login(client, "certifier@demo.tanpass", password)
    model = model or f"DDZY-{int(time.time() * 1000) % 10**7}"
    product = check(client.post("/api/v1/products", headers=exporter,
                                json={"name": product_name, "model": model, "category": "smart_meter"}))
    app = check(client.post("/api/v1/applications", headers=exporter,
                            json={"product_id": product["id"], "regimes": ["cn_label"]}))
    dossier = demo_dossier().model_dump(mode="json")
    outcome = check(client.post(f"/api/v1/applications/{app['id']}/dossier", headers=exporter,
                                json=dossier))
    if outcome["status"] != "awaiting_verification":
        raise RuntimeError(f"dossier returned: {outcome}")
    check(client.post(f"/api/v1/applications/{app['id']}/verification", headers=verifier,
                      json={"opinion": "unmodified", "level_of_assurance": "reasonable",
                            "materiality_percent": 5.0, "notes": "site visit 2026-11-18"}))
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
