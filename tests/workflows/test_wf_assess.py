"""The assess activity on its own (real SQLite store, no Temporal): it keeps each rule pack's
output with the footprint record, idempotently, and the label prints the grade it kept."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from api.services_extras import label_grade
from store import (
    Application,
    BlobStore,
    Certificate,
    DossierVersion,
    FootprintRecord,
    Product,
    transaction,
    utcnow,
)
from tests.compliance_rules.cr_builders import citrus
from tests.workflows.wf_support import local_store
from workflows.activities import CertificationActivities
from workflows.types import AssessInput


@dataclass
class Assessing:
    acts: CertificationActivities
    factory: object
    app_id: str
    org_id: str
    product_id: str

    def assess(self) -> None:
        self.acts.assess(AssessInput(application_id=self.app_id, version=1,
                                     regimes=["cn_label"], as_of="2026-11-21"))

    def record(self) -> FootprintRecord:
        with self.factory() as session:  # type: ignore[operator]
            return session.exec(select(FootprintRecord).where(
                FootprintRecord.application_id == self.app_id)).one()


@pytest.fixture
def assessing(tmp_path: Path) -> Iterator[Assessing]:
    st = local_store(tmp_path, "assess-test-password")
    settings, engine, factory, accounts = st.settings, st.engine, st.factory, st.accounts
    exporter = accounts.user_ids["exporter@demo.tanpass"]
    with transaction(factory) as session:
        product = Product(org_id=accounts.org_ids["exporter"], name="Navel orange",
                          model="A-5kg", category="citrus")
        session.add(product)
        session.flush()
        app = Application(org_id=product.org_id, product_id=product.id, regimes=["cn_label"],
                          status="assessing", workflow_id="test-assess", created_by=exporter)
        session.add(app)
        session.flush()
        session.add(DossierVersion(application_id=app.id, version=1, sha256="3" * 64,
                                   content=citrus(), submitted_by=exporter))
        ids = (app.id, product.org_id, product.id)
    assert settings.blob_dir is not None

    def no_signer():  # noqa: ANN202 - assessing signs nothing
        raise AssertionError("assess must not load the signer")

    yield Assessing(CertificationActivities(factory, BlobStore(settings.blob_dir), no_signer,
                                            settings), factory, *ids)
    engine.dispose()


def test_assess_stores_the_pack_outputs_once(assessing: Assessing) -> None:
    assessing.assess()
    grade = assessing.record().rule_outputs["cn_label"]["grade"]  # type: ignore[index]
    assert grade["stars"] == 2 and grade["benchmark_id"]
    assessing.assess()  # a retry rewrites this version's record: still one, same outputs
    assert assessing.record().rule_outputs["cn_label"]["grade"] == grade  # type: ignore[index]


def test_the_label_prints_the_grade_the_assessment_stored(assessing: Assessing) -> None:
    assessing.assess()
    now = utcnow()
    with transaction(assessing.factory) as session:  # type: ignore[arg-type]
        fp = session.exec(select(FootprintRecord).where(
            FootprintRecord.application_id == assessing.app_id)).one()
        outputs = dict(fp.rule_outputs or {})
        outputs["cn_label"] = {**outputs["cn_label"],
                               "grade": {**outputs["cn_label"]["grade"], "stars": 5}}
        fp.rule_outputs = outputs  # as if the benchmark had been stricter on the assessment day
        session.add(fp)
        cert = Certificate(number="TP-2026-000901", application_id=assessing.app_id,
                           org_id=assessing.org_id, product_id=assessing.product_id,
                           holder_name="Holder", holder_uscc="91510100MA61XY2K77",
                           product_name="Navel orange", product_model="A-5kg", total=fp.total,
                           unit=fp.unit, issued_at=now, valid_from=now,
                           valid_until=now + timedelta(days=365))
        session.add(cert)
    with assessing.factory() as session:  # type: ignore[operator]
        cert = session.exec(select(Certificate).where(
            Certificate.number == "TP-2026-000901")).one()
        assert label_grade(session, cert) == 5
