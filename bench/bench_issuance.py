"""Issuance benchmark: python -m bench.bench_issuance [N]

Tanpass: the real issuance activity (``CertificationActivities.issue_certificate``) for N
applications: certificate number, bilingual PDF rendered, COSE seal, PAdES signature with
timestamp and validation data, blob written, certificate and event rows, audit entry, one
transaction on a SQLite file.
Baseline: pyHanko making the same signature on the same certificate PDF alone (same key, same
in-process timestamper, same PAdES B-LT level with the CRLs in the DSS), N times, with pyHanko's
own ``SimpleSigner`` and ``DummyTimeStamper`` as pyHanko ships them. Tanpass signs with
subclasses that parse the private keys once (signing/signers.py) instead of once per signature;
the signing step alone with those is measured too and printed as a second, stricter ratio.
Target (issue 10): ratio >= 0.7 (against pyHanko alone).
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bench.common import BenchRow, machine

N_DEFAULT = 12


def _setup(var: Path, n: int):  # noqa: ANN202 - returns (activities, app ids, verifier, certifier)
    from api.bootstrap import seed_demo
    from config import Settings
    from footprint import calculate, demo_dossier
    from signing import load_signer
    from store import (
        Application,
        BlobStore,
        FootprintRecord,
        Product,
        make_engine,
        migrate,
        session_factory,
        transaction,
    )
    from workflows.activities import CertificationActivities, footprint_unit

    settings = Settings(var_dir=var, mode="test")
    engine = make_engine(settings.database_url)
    migrate(engine)
    factory = session_factory(engine)
    with factory() as session:
        accounts = seed_demo(session, "bench-password")
    dossier = demo_dossier()
    result = calculate(dossier).model_dump(mode="json")
    unit = footprint_unit(dossier.functional_unit.amount, dossier.functional_unit.unit)
    exporter = accounts.user_ids["exporter@demo.tanpass"]
    app_ids = []
    with transaction(factory) as session:
        for i in range(n):
            product = Product(org_id=accounts.org_ids["exporter"], name="Smart meter",
                              model=f"B-{i}", category="smart_meter")
            session.add(product)
            session.flush()
            app = Application(org_id=product.org_id, product_id=product.id, regimes=["cn_label"],
                              status="issuing", workflow_id=f"bench-{i}", created_by=exporter)
            session.add(app)
            session.flush()
            session.add(FootprintRecord(application_id=app.id, dossier_version=1,
                                        total=result["total"], unit=unit,
                                        factor_set_id=result["factor_set_id"],
                                        factor_set_version=result["factor_set_version"],
                                        result=result))
            app_ids.append(app.id)
    signer = load_signer(settings)
    assert settings.blob_dir is not None
    acts = CertificationActivities(factory, BlobStore(settings.blob_dir), lambda: signer, settings)
    return (acts, app_ids, accounts.user_ids["verifier@demo.tanpass"],
            accounts.user_ids["certifier@demo.tanpass"], signer, factory)


def run(n: int = N_DEFAULT) -> dict:
    from workflows.types import IssueInput

    with tempfile.TemporaryDirectory() as tmp:
        acts, app_ids, verifier, certifier, signer, _factory = _setup(Path(tmp), n)
        decided = datetime.now(UTC).isoformat()

        def issue(app_id: str) -> str:
            return acts.issue_certificate(IssueInput(
                application_id=app_id, verifier_id=verifier, certifier_id=certifier,
                opinion="unmodified", decision_date=decided, validity_days=1095,
                regimes=["cn_label"])).number

        issue(app_ids[0])  # warm-up (fonts, first signature), not timed
        t0 = time.perf_counter()
        numbers = [issue(a) for a in app_ids[1:]]
        tanpass_s = time.perf_counter() - t0
        # the same PDF, unsigned: render it again exactly as issuance did
        from signing import CertificateData, render_certificate_pdf, sign_pdf

        pdf = render_certificate_pdf(CertificateData(
            number=numbers[0], holder_name="成都智能电表有限公司", holder_uscc="91510100MA61XY2K77",
            product_name="Smart meter", product_model="B-1", functional_unit="1 piece",
            footprint_total=59.47, stage_breakdown={"raw_material": 4.1}, standard="GB/T 24067-2024",
            rule_packs=["cn_label"], verifier_name="v", verifier_body="b", opinion="unmodified",
            certifier_name="c", decision_date=datetime.now(UTC).date(),
            valid_from=datetime.now(UTC).date(), valid_until=datetime.now(UTC).date(),
            status_url="http://x", qr_payload="TP1:" + "A" * 400))
        # pyHanko alone, making the very signature issuance makes (PAdES B-LT: embedded chain,
        # RFC 3161 timestamp, CRLs in the DSS), called as pyHanko documents it: its own
        # SimpleSigner and DummyTimeStamper on the same keys and certificates, its own estimate
        # of the signature's size. Then Tanpass's signing step (signing.sign_pdf) alone.
        stock = _stock_pyhanko(signer)

        def timed(sign) -> float:  # noqa: ANN001
            sign()  # warm-up
            t0 = time.perf_counter()
            for _ in range(len(numbers)):
                sign()
            return time.perf_counter() - t0

        baseline_s = timed(lambda: _pyhanko_alone(pdf, stock))
        own_sign_s = timed(lambda: sign_pdf(pdf, signer, reason="Tanpass certificate",
                                            location="Tanpass"))
    count = len(numbers)
    ours, base, own_sign = count / tanpass_s, count / baseline_s, count / own_sign_s
    ratio = ours / base
    return BenchRow(
        name="Issuance (render+seal+sign+register)",
        tanpass=f"{ours:.2f} certs/s",
        baseline=f"{base:.2f} signatures/s (pyHanko alone, same B-LT signature)",
        ratio=ratio, target=">= 0.7", met=ratio >= 0.7,
        notes=(f"{count} certificates, SQLite, dev CA, in-process RFC 3161 timestamper; "
               f"Tanpass's own signing step alone (keys parsed once): {own_sign:.2f}/s, "
               f"issuance / that = {ours / own_sign:.2f}"),
        raw={"count": count, "tanpass_s": tanpass_s, "baseline_s": baseline_s,
             "own_sign_s": own_sign_s, "ratio_vs_own_signing": ours / own_sign},
    ).as_dict()


def _stock_pyhanko(material):  # noqa: ANN001, ANN202 - SignerMaterial in, SignerMaterial out
    """The same signer material with pyHanko's own SimpleSigner and DummyTimeStamper (which
    parse the private key for every signature), for the pyHanko-alone baseline."""
    from pyhanko.sign import signers
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    ours, tsa = material.signer, material.timestamper
    return replace(
        material,
        signer=signers.SimpleSigner(signing_cert=ours.signing_cert, signing_key=ours.signing_key,
                                    cert_registry=ours.cert_registry,
                                    signature_mechanism=ours.signature_mechanism),
        timestamper=DummyTimeStamper(tsa_cert=tsa.tsa_cert, tsa_key=tsa.tsa_key,
                                     certs_to_embed=tsa.certs_to_embed),
        learnt={},
    )


def _pyhanko_alone(pdf: bytes, material) -> bytes:  # noqa: ANN001
    """The B-LT signature of signing.pades, made with pyHanko's API directly: DSS with the
    chain, TSA certificate and CRLs in the same revision, PAdES subfilter, RFC 3161 timestamp."""
    import io

    from asn1crypto import crl as asn1_crl
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    from signing.keys import to_asn1

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    certs = [material.certificate, *material.chain, material.extra["tsa_certificate"]]
    DocumentSecurityStore.supply_dss_in_writer(
        writer, None, certs=[to_asn1(c) for c in certs],
        crls=[asn1_crl.CertificateList.load(der) for der in material.crls])
    meta = signers.PdfSignatureMetadata(
        field_name="TanpassCertificationBody", reason="Tanpass certificate", location="Tanpass",
        md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=False)
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=material.signer, timestamper=material.timestamper).sign_pdf(
        writer, output=out)
    return out.getvalue()


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else N_DEFAULT
    row = run(n)
    print(f"machine: {machine()}")
    print(f"{row['name']}: {row['tanpass']} vs {row['baseline']} -> ratio {row['ratio']:.2f} "
          f"(target {row['target']}: {'met' if row['met'] else 'NOT met'})")
    print(f"  {row['notes']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
