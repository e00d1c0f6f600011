"""The issuance activity on its own (real SQLite store, dev PKI, no Temporal): the certificate is
made before the write transaction for the number the counter will give next; if another issuer
takes that number meanwhile, it is made again for the number actually drawn."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import cbor2
import pytest
from sqlmodel import func, select

import workflows.activities as activities_module
from footprint import calculate, demo_dossier
from signing import decode_seal, load_signer
from signing.seal import SealClaims
from store import (
    Application,
    BlobStore,
    Certificate,
    FootprintRecord,
    Product,
    next_certificate_number,
    transaction,
)
from tests.signing.conftest import run_tool
from tests.workflows.wf_support import local_store
from workflows.activities import CertificationActivities, footprint_unit
from workflows.types import IssueInput


@dataclass
class Issuing:
    acts: CertificationActivities
    factory: object
    apps: list[str]
    verifier: str
    certifier: str
    blobs: BlobStore

    def issue(self, app_id: str) -> str:
        return self.acts.issue_certificate(IssueInput(
            application_id=app_id, verifier_id=self.verifier, certifier_id=self.certifier,
            opinion="unmodified", decision_date=datetime(2026, 11, 21, 9, tzinfo=UTC).isoformat(),
            validity_days=1095, regimes=["cn_label"])).number


@pytest.fixture
def issuing(tmp_path: Path) -> Iterator[Issuing]:
    st = local_store(tmp_path, "issuance-test-password")
    settings, engine, factory, accounts = st.settings, st.engine, st.factory, st.accounts
    dossier = demo_dossier()
    result = calculate(dossier).model_dump(mode="json")
    apps = []
    with transaction(factory) as session:
        for i in range(3):
            product = Product(org_id=accounts.org_ids["exporter"], name="Smart meter",
                              model=f"T-{i}", category="smart_meter")
            session.add(product)
            session.flush()
            app = Application(org_id=product.org_id, product_id=product.id, regimes=["cn_label"],
                              status="issuing", workflow_id=f"test-{i}",
                              created_by=accounts.user_ids["exporter@demo.tanpass"])
            session.add(app)
            session.flush()
            session.add(FootprintRecord(
                application_id=app.id, dossier_version=1, total=result["total"],
                unit=footprint_unit(dossier.functional_unit.amount, dossier.functional_unit.unit),
                factor_set_id=result["factor_set_id"],
                factor_set_version=result["factor_set_version"], result=result))
            apps.append(app.id)
    signer = load_signer(settings)
    assert settings.blob_dir is not None
    blobs = BlobStore(settings.blob_dir)
    yield Issuing(CertificationActivities(factory, blobs, lambda: signer, settings), factory, apps,
                  accounts.user_ids["verifier@demo.tanpass"],
                  accounts.user_ids["certifier@demo.tanpass"], blobs)
    engine.dispose()


def _printed(issuing: Issuing, tmp_path: Path, number: str) -> tuple[str, SealClaims]:
    """The text of the registered PDF and the claims of the registered seal."""
    with issuing.factory() as session:  # type: ignore[operator]
        cert = session.exec(select(Certificate).where(Certificate.number == number)).one()
        sha, seal = cert.pdf_sha256, cert.seal
    path = tmp_path / f"{number}.pdf"
    path.write_bytes(issuing.blobs.get(sha))
    text = run_tool("pdftotext", "-enc", "UTF-8", str(path), "-", check=True).stdout
    cwt = cbor2.loads(decode_seal(seal).message.payload)
    return text, SealClaims.from_cbor_map(cwt)


def test_numbers_follow_and_each_pdf_and_seal_carry_their_own(issuing: Issuing,
                                                              tmp_path: Path) -> None:
    first, second = issuing.issue(issuing.apps[0]), issuing.issue(issuing.apps[1])
    assert (first, second) == ("TP-2026-000001", "TP-2026-000002")
    for number in (first, second):
        text, claims = _printed(issuing, tmp_path, number)
        assert number in text and claims.number == number


def test_number_taken_meanwhile_is_made_again_for_the_number_drawn(
        issuing: Issuing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    issuing.issue(issuing.apps[0])  # TP-2026-000001
    real_peek = activities_module.peek_next_certificate_number

    def peek_then_lose_it(session, year):  # noqa: ANN001, ANN202
        peeked = real_peek(session, year)
        with transaction(issuing.factory) as other:  # another issuer draws it and commits
            assert next_certificate_number(other, year) == peeked
        return peeked

    monkeypatch.setattr(activities_module, "peek_next_certificate_number", peek_then_lose_it)
    number = issuing.issue(issuing.apps[1])
    assert number == "TP-2026-000003"  # 000002 went to the other issuer
    text, claims = _printed(issuing, tmp_path, number)
    assert number in text and "TP-2026-000002" not in text
    assert claims.number == number


def test_a_retry_returns_the_certificate_issued(issuing: Issuing) -> None:
    number = issuing.issue(issuing.apps[2])
    assert issuing.issue(issuing.apps[2]) == number
    with issuing.factory() as session:  # type: ignore[operator]
        count = session.exec(select(func.count()).select_from(Certificate).where(
            Certificate.application_id == issuing.apps[2])).one()
    assert count == 1
