"""Activities of the certification workflow: every piece of I/O, each idempotent.

The class receives its dependencies (session factory, blob store, signer), so tests pass real
ones without patching. Idempotency comes from the store's unique keys: a dossier version per
(application, version), a footprint per (application, version), one certificate per
application, and dedup keys on status events and audit entries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, delete, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from compliance_rules import run_packs
from config import Settings
from footprint import Dossier, calculate
from signing import (
    CertificateData,
    SealClaims,
    SignerMaterial,
    make_seal,
    render_certificate_pdf,
    sign_pdf,
)
from store import (
    ApplicationEvent,
    BlobStore,
    Certificate,
    CertificateEvent,
    DossierVersion,
    FindingRecord,
    FootprintRecord,
    Organisation,
    Product,
    User,
    audit,
    next_certificate_number,
    peek_next_certificate_number,
    save_blob,
    transaction,
    utcnow,
)
from store.registry import china_date
from workflows.config import process_config
from workflows.faults import failpoint
from workflows.process_activities import ProcessActivities
from workflows.types import (
    SYSTEM_ACTOR,
    AssessInput,
    AssessOutput,
    ConfigRequest,
    IssuedCertificate,
    IssueInput,
    ProcessConfig,
    RecordSubmissionInput,
    RecordSubmissionOutput,
    StatusChange,
    StatusChanged,
)

REGIME_STANDARD = {
    "cn_label": "GB/T 24067-2024",
    "eu_battery": "Regulation (EU) 2023/1542",
    "cbam": "Regulation (EU) 2023/956",
    "pef": "Recommendation (EU) 2021/2279",
}


# Life-cycle stages as printed on certificates (GB/T 24067-2024 / ISO 14067 stage names).
STAGE_LABELS = {
    "raw_material": "原材料获取 Raw material acquisition",
    "production": "生产 Production",
    "distribution": "分销 Distribution",
    "use": "使用 Use",
    "end_of_life": "寿命终止 End of life",
}



def footprint_unit(amount: float, unit: str) -> str:
    """'kg CO2e/piece', or 'kg CO2e/1000 kg' when the functional unit is not one of something."""
    return f"kg CO2e/{unit}" if amount == 1 else f"kg CO2e/{amount:g} {unit}"


def canonical_sha256(content: dict[str, Any]) -> str:
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True)
class _Draft:
    """A certificate to issue, read from the store, before it has a number: the store's ids and
    instants, and what it prints (``printed``, its number, status URL and QR still empty)."""

    application_id: str
    org_id: str
    product_id: str
    previous_certificate_id: str | None
    decided: datetime
    valid_until: datetime
    unit: str
    printed: CertificateData


@dataclass(frozen=True)
class _Made:
    seal: str
    data: CertificateData
    pdf: bytes


class CertificationActivities(ProcessActivities):
    def __init__(
        self,
        session_factory: Callable[[], Session],
        blobs: BlobStore,
        signer_loader: Callable[[], SignerMaterial],
        settings: Settings,
    ) -> None:
        self._sessions = session_factory
        self._blobs = blobs
        self._signer_loader = signer_loader
        self._signer: SignerMaterial | None = None
        self._settings = settings

    def _signer_material(self) -> SignerMaterial:
        if self._signer is None:
            self._signer = self._signer_loader()
        return self._signer

    # -- configuration --------------------------------------------------------------------

    @activity.defn
    def resolve_config(self, req: ConfigRequest) -> ProcessConfig:
        """The worker's process durations, recorded in the run's history at its start."""
        return process_config(self._settings)

    # -- submission -----------------------------------------------------------------------

    @activity.defn
    def record_submission(self, inp: RecordSubmissionInput) -> RecordSubmissionOutput:
        digest = canonical_sha256(inp.dossier)
        with transaction(self._sessions) as session:
            app = self._application(session, inp.application_id)
            existing = session.exec(
                select(DossierVersion).where(
                    DossierVersion.application_id == inp.application_id,
                    DossierVersion.version == inp.version,
                )
            ).first()
            if existing is not None:  # a retry after the commit: same version, nothing new
                return RecordSubmissionOutput(version=existing.version, sha256=existing.sha256)
            session.add(
                DossierVersion(
                    application_id=inp.application_id,
                    version=inp.version,
                    sha256=digest,
                    content=inp.dossier,
                    submitted_by=inp.submitted_by,
                )
            )
            audit.append(
                session,
                actor=inp.submitted_by,
                action="dossier.submitted",
                entity_type="application",
                entity_id=app.id,
                data={"version": inp.version, "sha256": digest, "evidence": inp.evidence_sha256},
                dedup_key=f"dossier/{inp.application_id}/{inp.version}",
            )
        return RecordSubmissionOutput(version=inp.version, sha256=digest)

    @activity.defn
    def assess(self, inp: AssessInput) -> AssessOutput:
        """Footprint calculation and the chosen rule packs for one dossier version.

        The dossier is read and assessed outside the write transaction (a version never
        changes once recorded), so the store's write lock is held only to record the results."""
        with self._sessions() as session:
            self._application(session, inp.application_id)
            content = session.exec(
                select(DossierVersion.content).where(
                    DossierVersion.application_id == inp.application_id,
                    DossierVersion.version == inp.version,
                )
            ).one()
        try:
            dossier = Dossier.model_validate(content)
            result = calculate(dossier)
        except Exception as exc:  # a domain error is final: the exporter must fix the data
            raise ApplicationError(str(exc), type="InvalidDossier", non_retryable=True) from exc
        report = run_packs(list(inp.regimes), dossier, result, date.fromisoformat(inp.as_of))
        findings = [f.model_dump(mode="json") for f in report.findings]
        blocking = sum(1 for f in report.findings if f.severity == "blocking")
        result_json = result.model_dump(mode="json")
        # each pack's output as assessed (the label grade among them): printed later as is
        rule_outputs = {o["pack"]: o["output"] for o in report.model_dump(mode="json")["packs"]}
        with transaction(self._sessions) as session:
            session.exec(  # replace this version's records whole (idempotent on retry)
                delete(FootprintRecord).where(
                    FootprintRecord.application_id == inp.application_id,
                    FootprintRecord.dossier_version == inp.version,
                )
            )
            session.exec(
                delete(FindingRecord).where(
                    FindingRecord.application_id == inp.application_id,
                    FindingRecord.dossier_version == inp.version,
                    FindingRecord.source == "rule",
                )
            )
            session.add(
                FootprintRecord(
                    application_id=inp.application_id,
                    dossier_version=inp.version,
                    total=result.total,
                    unit=footprint_unit(dossier.functional_unit.amount, dossier.functional_unit.unit),
                    factor_set_id=result.factor_set_id,
                    factor_set_version=result.factor_set_version,
                    result=result_json,
                    rule_outputs=rule_outputs,
                )
            )
            for f in report.findings:
                session.add(
                    FindingRecord(
                        application_id=inp.application_id,
                        dossier_version=inp.version,
                        source="rule",
                        rule_id=f.rule_id,
                        severity=str(f.severity),
                        path=f.path,
                        message_en=f.message_en,
                        message_zh=f.message_zh,
                        status="open",
                    )
                )
        return AssessOutput(
            footprint_total=result.total,
            footprint_unit=dossier.functional_unit.unit,
            blocking_findings=blocking,
            findings=findings,
        )

    # -- status ---------------------------------------------------------------------------

    @activity.defn
    def record_status(self, change: StatusChange) -> StatusChanged:
        with transaction(self._sessions) as session:
            app = self._application(session, change.application_id)
            seen = session.exec(
                select(ApplicationEvent).where(ApplicationEvent.dedup_key == change.dedup_key)
            ).first()
            if seen is None:
                app.status = change.status
                app.updated_at = utcnow()
                session.add(app)
                at = datetime.fromisoformat(change.at) if change.at else utcnow()
                session.add(
                    ApplicationEvent(
                        application_id=app.id,
                        at=at,
                        status=change.status,
                        actor_id=None if change.actor_id == SYSTEM_ACTOR else change.actor_id,
                        note=change.note,
                        dedup_key=change.dedup_key,
                    )
                )
                audit.append(
                    session,
                    actor=change.actor_id,
                    action=f"application.{change.status}",
                    entity_type="application",
                    entity_id=app.id,
                    data={"note": change.note, **change.data},
                    dedup_key=change.dedup_key,
                    at=at,
                )
            return StatusChanged(status=change.status)

    # -- issuance -------------------------------------------------------------------------

    @activity.defn
    def issue_certificate(self, inp: IssueInput) -> IssuedCertificate:
        """Render, sign, store and register the certificate: exactly one per application.

        The costly part (PDF, seal, PAdES signature, blob file) is done before the write
        transaction, for the number the counter will give next, so the store's write lock is
        held only to register. If another issuer took that number meanwhile, the certificate
        is made again inside the transaction for the number actually drawn (as before)."""
        with self._sessions() as session:  # reads only: no write lock
            done = self._issued(session, inp.application_id)
            if done is not None:  # a retry after the commit: the certificate stands
                return done
            draft = self._draft(session, inp)
            expected = peek_next_certificate_number(session, draft.decided.year)
        made = self._make(draft, expected)
        self._blobs.put(made.pdf)  # the file first (as save_blob does): harmless if unused
        with transaction(self._sessions) as session:
            done = self._issued(session, inp.application_id)
            if done is not None:  # an earlier attempt committed while this one rendered
                return done
            number = next_certificate_number(session, draft.decided.year)
            if number != expected:  # another issuer took it: make it again for ours
                made = self._make(draft, number)
            sha = save_blob(session, self._blobs, made.pdf, "application/pdf").sha256
            cert = Certificate(
                number=number,
                application_id=draft.application_id,
                org_id=draft.org_id,
                product_id=draft.product_id,
                status="valid",
                holder_name=made.data.holder_name,
                holder_uscc=made.data.holder_uscc,
                product_name=made.data.product_name,
                product_model=made.data.product_model,
                total=draft.printed.footprint_total,
                unit=draft.unit,
                issued_at=draft.decided,
                valid_from=draft.decided,
                valid_until=draft.valid_until,
                pdf_sha256=sha,
                seal=made.seal,
                status_changed_at=draft.decided,
                verifier_id=inp.verifier_id,
                certifier_id=inp.certifier_id,
                previous_certificate_id=draft.previous_certificate_id,
            )
            session.add(cert)
            session.flush()
            session.add(CertificateEvent(certificate_id=cert.id, at=draft.decided, status="valid",
                                         reason="issued", actor_id=inp.certifier_id,
                                         dedup_key=f"certificate/{draft.application_id}/issued"))
            audit.append(
                session,
                actor=inp.certifier_id,
                action="certificate.issued",
                entity_type="certificate",
                entity_id=cert.id,
                data={"number": number, "pdf_sha256": sha,
                      "application_id": draft.application_id},
                dedup_key=f"certificate/{draft.application_id}",
            )
            cert_id = cert.id
            # Durability tests park here (inside the transaction, nothing committed yet) and
            # SIGKILL the worker: the retry must issue exactly one certificate.
            failpoint(self._settings, "issue_certificate")
        return IssuedCertificate(number=number, pdf_sha256=sha,
                                 valid_until=draft.valid_until.isoformat(),
                                 certificate_id=cert_id, valid_from=draft.decided.isoformat())

    @staticmethod
    def _issued(session: Session, application_id: str) -> IssuedCertificate | None:
        done = session.exec(
            select(Certificate).where(Certificate.application_id == application_id)
        ).first()
        if done is None:
            return None
        return IssuedCertificate(done.number, done.pdf_sha256 or "", done.valid_until.isoformat(),
                                 done.id, done.valid_from.isoformat())

    def _draft(self, session: Session, inp: IssueInput) -> _Draft:
        """Everything printed on the certificate except its number, read from the store."""
        app = self._application(session, inp.application_id)
        product = session.get(Product, app.product_id)
        org = session.get(Organisation, app.org_id)
        verifier = session.get(User, inp.verifier_id)
        certifier = session.get(User, inp.certifier_id)
        fp = session.exec(
            select(FootprintRecord)
            .where(FootprintRecord.application_id == app.id)
            .order_by(FootprintRecord.dossier_version.desc())  # type: ignore[attr-defined]
        ).first()
        if not (product and org and fp):
            raise ApplicationError("application has no product, holder or footprint",
                                   type="Conflict", non_retryable=True)
        verifier_org = session.get(Organisation, verifier.org_id) if verifier else None
        certifier_org = session.get(Organisation, certifier.org_id) if certifier else None
        issuer = (certifier_org.name if certifier_org else "") or "Tanpass certification body"
        decided = datetime.fromisoformat(inp.decision_date)
        valid_until = decided + (timedelta(seconds=inp.validity_seconds)
                                 if inp.validity_seconds is not None
                                 else timedelta(days=inp.validity_days))
        result = fp.result
        fu = result.get("functional_unit") or {}
        fu_text = f"{fu.get('amount', 1):g} {fu.get('unit', '')} {fu.get('description', '')}".strip()
        return _Draft(
            application_id=app.id, org_id=org.id, product_id=product.id,
            previous_certificate_id=app.previous_certificate_id, decided=decided,
            valid_until=valid_until, unit=fp.unit,
            printed=CertificateData(
                number="", status_url="", qr_payload="", issuer_name=issuer,
                holder_name=org.name_zh or org.name, holder_uscc=org.uscc,
                product_name=product.name, product_model=product.model,
                functional_unit=fu_text, footprint_total=float(fp.total),
                stage_breakdown={STAGE_LABELS.get(k, k): float(v)
                                 for k, v in (result.get("per_stage") or {}).items()},
                standard=(REGIME_STANDARD.get(inp.regimes[0], "ISO 14067:2018") if inp.regimes
                          else "ISO 14067:2018"),
                rule_packs=list(inp.regimes),
                verifier_name=verifier.display_name if verifier else inp.verifier_id,
                verifier_body=verifier_org.name if verifier_org else "",
                opinion=inp.opinion,
                certifier_name=certifier.display_name if certifier else inp.certifier_id,
                decision_date=china_date(decided), valid_from=china_date(decided),
                valid_until=china_date(valid_until),
            ),
        )

    def _make(self, d: _Draft, number: str) -> _Made:
        """Seal, PDF and PAdES signature of the certificate ``number`` (no store access)."""
        signer = self._signer_material()
        p = d.printed
        seal = make_seal(
            SealClaims(
                number=number,
                holder_uscc=p.holder_uscc,
                product=f"{p.product_name} {p.product_model}",
                footprint=p.footprint_total,
                unit=d.unit,
                valid_from=p.valid_from,
                valid_until=p.valid_until,
                issued_at=d.decided,
                issuer=p.issuer_name,
            ),
            signer,
        )
        data = replace(p, number=number, qr_payload=seal,
                       status_url=f"{self._settings.public_base_url}/?cert={number}")
        pdf = sign_pdf(
            render_certificate_pdf(data),
            signer,
            reason=f"Tanpass certificate {number}",
            location="Tanpass certification body",
        )
        return _Made(seal=seal, data=data, pdf=pdf)

    def all(self) -> list[Callable[..., Any]]:
        return [self.resolve_config, self.record_submission, self.assess, self.record_status,
                self.issue_certificate, *self.process_activities()]
