"""An in-process API on a real SQLite database with two tenants' records, for tests that need
no workflow. The Temporal address points at a closed port: routes that need the process
engine answer 503 problem, which is the honest answer of this API without one."""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

with warnings.catch_warnings():  # starlette suggests httpx2, not installed here
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from config.settings import reset_settings_cache
from store import (
    ApiKey,
    Application,
    ApplicationEvent,
    Certificate,
    DossierVersion,
    Evidence,
    FindingRecord,
    FootprintRecord,
    Product,
    audit,
    save_blob,
    transaction,
    utcnow,
)

PASSWORD = "demo-password-for-tests"
FAKE_PDF = b"%PDF-1.4\n% not a real certificate, a test blob\n%%EOF\n"


@dataclass
class Tenant:
    key: str
    org_id: str
    user_id: str
    product_id: str = ""
    application_id: str = ""
    certificate_number: str = ""
    evidence_id: str = ""
    api_key_id: str = ""


@dataclass
class World:
    app: FastAPI
    client: TestClient
    root: Path
    user_ids: dict[str, str]
    org_ids: dict[str, str]
    tenants: dict[str, Tenant] = field(default_factory=dict)
    _tokens: dict[str, str] = field(default_factory=dict)

    def token(self, email: str) -> str:
        if email not in self._tokens:
            r = self.client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self._tokens[email] = r.json()["access_token"]
        return self._tokens[email]

    def auth(self, email: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(email)}"}


ENV = {
    "TANPASS_MODE": "test",
    "TANPASS_JWT_SECRET": "tests-only-jwt-secret-0123456789abcdef",
    "TANPASS_TEMPORAL_ADDRESS": "127.0.0.1:9",  # closed: the process engine is unavailable
    "TANPASS_API__PUBLIC_RATE_PER_MINUTE": "100000",
    "TANPASS_API__PUBLIC_BURST": "100000",
    "TANPASS_API__LOGIN_MAX_FAILURES_PER_IP": "100000",
}


@contextmanager
def environment(root: Path, **extra: str) -> Iterator[None]:
    saved = {k: v for k, v in os.environ.items() if k.startswith("TANPASS_") or k == "DATABASE_URL"}
    for k in saved:
        del os.environ[k]
    os.environ.update(ENV, TANPASS_VAR_DIR=str(root / "var"),
                      DATABASE_URL=f"sqlite:///{root / 'var' / 'api.sqlite3'}", **extra)
    _reset()
    try:
        yield
    finally:
        for k in [k for k in os.environ if k.startswith("TANPASS_") or k == "DATABASE_URL"]:
            del os.environ[k]
        os.environ.update(saved)
        _reset()


def _reset() -> None:
    reset_settings_cache()


@contextmanager
def make_world(root: Path, **env: str) -> Iterator[World]:
    from api.bootstrap import seed_demo
    from api.main import create_app

    with environment(root, **env):
        app = create_app()
        with TestClient(app, raise_server_exceptions=False) as client:
            with app.state.sessions() as s:
                accounts = seed_demo(s, PASSWORD)
            world = World(app, client, root, accounts.user_ids, accounts.org_ids)
            for key, email, status, year_seq in (
                ("A", "exporter@demo.tanpass", "awaiting_verification", 1),
                ("B", "exporter2@demo.tanpass", "awaiting_submission", 2),
            ):
                world.tenants[key] = add_tenant_records(app, key, accounts.org_ids[
                    "exporter" if key == "A" else "exporter2"], accounts.user_ids[email], status,
                    year_seq)
            yield world


_FOOTPRINT: dict | None = None


def footprint_result() -> dict:
    global _FOOTPRINT
    if _FOOTPRINT is None:
        from footprint import calculate, demo_dossier

        _FOOTPRINT = calculate(demo_dossier()).model_dump(mode="json")
    return _FOOTPRINT


def add_tenant_records(app: FastAPI, key: str, org_id: str, user_id: str, status: str,
                       seq: int) -> Tenant:
    """A product, an application with history, a dossier version, a footprint, a finding, an
    evidence file, a certificate and an API key for one tenant."""
    from footprint import demo_dossier

    t = Tenant(key=key, org_id=org_id, user_id=user_id)
    blobs = app.state.blobs
    now = utcnow()
    with transaction(app.state.sessions) as s:
        product = Product(org_id=org_id, name=f"Meter {key}", model=f"M-{key}", category="smart_meter")
        s.add(product)
        s.flush()
        application = Application(org_id=org_id, product_id=product.id, regimes=["cn_label"],
                                  status=status, workflow_id=f"wf-{uuid.uuid4().hex}",
                                  created_by=user_id)
        s.add(application)
        s.flush()
        s.add(ApplicationEvent(application_id=application.id, status=status, actor_id=user_id))
        s.add(DossierVersion(application_id=application.id, version=1, sha256="0" * 64,
                             content=demo_dossier().model_dump(mode="json"), submitted_by=user_id))
        fp = footprint_result()
        s.add(FootprintRecord(application_id=application.id, dossier_version=1, total=fp["total"],
                              unit="kg CO2e", factor_set_id=fp["factor_set_id"],
                              factor_set_version=fp["factor_set_version"], result=fp))
        s.add(FindingRecord(application_id=application.id, dossier_version=1, source="rule",
                            rule_id="cn_label.test", severity="minor", path="lines[0]",
                            message_en="test", message_zh="测试"))
        blob = save_blob(s, blobs, FAKE_PDF + key.encode(), "application/pdf")
        ev = Evidence(application_id=application.id, org_id=org_id, blob_sha256=blob.sha256,
                      filename="bill.pdf", media_type="application/pdf", size=blob.size,
                      kind="electricity_bill", uploaded_by=user_id)
        s.add(ev)
        cert = Certificate(number=f"TP-2026-{seq:06d}", application_id=application.id,
                           org_id=org_id, product_id=product.id, holder_name=f"Holder {key}",
                           holder_uscc="91510100MA61XY2K77", product_name=product.name,
                           product_model=product.model, total=fp["total"], unit="kg CO2e",
                           issued_at=now, valid_from=now, valid_until=now + timedelta(days=365),
                           pdf_sha256=blob.sha256)
        s.add(cert)
        apikey = ApiKey(owner_id=user_id, org_id=org_id, name=f"key {key}", secret_hash="0" * 64,
                        roles=["exporter"], scopes=["products:read"])
        s.add(apikey)
        s.flush()
        audit.append(s, actor=user_id, action="test.created", entity_type="application",
                     entity_id=application.id, data={"tenant": key})
        t.product_id, t.application_id = product.id, application.id
        t.certificate_number, t.evidence_id, t.api_key_id = cert.number, ev.id, apikey.id
    return t
