"""Activities of the process steps around verification and the certificate's life.

A mixin of :class:`workflows.activities.CertificationActivities` (which holds the session
factory and settings). Every write happens in one ``store.transaction`` with a dedup key or an
id chosen by the workflow, so a retried activity writes nothing twice; a rule that the data
break (an unknown dossier line, a verifier in conflict) is a non-retryable ``ApplicationError``
or a result that says why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from store import (
    Application,
    ApplicationEvent,
    AssignmentStatus,
    AuditEntry,
    Certificate,
    CorrectiveRound,
    DossierVersion,
    FindingRecord,
    IntakeReview,
    Notification,
    Organisation,
    ReviewEntry,
    ReviewKind,
    RoundStatus,
    SurveillanceRecord,
    User,
    VerificationOpinion,
    VerifierAssignment,
    audit,
    transaction,
)
from store.registry import StatusChangeRefused, record_status_change
from workflows.types import (
    SYSTEM_ACTOR,
    AssignmentCheck,
    AssignmentResult,
    CertificateStatusInput,
    FindingClosure,
    FindingRecordInput,
    IntakeRecord,
    NotificationInput,
    OpinionRecord,
    RenewalOpen,
    RenewalOpened,
    ReviewRecord,
    RoundAnswer,
    RoundOpen,
    StatusChanged,
    SurveillanceInput,
    workflow_id_for,
)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def dossier_line_ids(content: Any) -> Iterator[str]:
    """Ids of every line of a dossier (JSON form), sub-assemblies included."""
    if isinstance(content, dict):
        for line in content.get("lines") or []:
            if isinstance(line, dict) and line.get("id"):
                yield str(line["id"])
        for key, value in content.items():
            if key != "lines":
                yield from dossier_line_ids(value)
    elif isinstance(content, list):
        for item in content:
            yield from dossier_line_ids(item)


class ProcessActivities:
    _sessions: Callable[[], Session]

    # -- helpers --------------------------------------------------------------------------

    def _dossier(self, session: Session, application_id: str, version: int) -> DossierVersion:
        row = session.exec(select(DossierVersion).where(
            DossierVersion.application_id == application_id,
            DossierVersion.version == version)).first()
        if row is None:
            raise ApplicationError(f"dossier v{version} of {application_id} not found",
                                   type="NotFound", non_retryable=True)
        return row

    def _check_lines(self, session: Session, application_id: str, version: int,
                     lines: list[str]) -> None:
        known = set(dossier_line_ids(self._dossier(session, application_id, version).content))
        unknown = [line for line in lines if line not in known]
        if unknown:
            raise ApplicationError(
                f"dossier v{version} has no line(s) {', '.join(unknown)}",
                {"unknown_lines": unknown}, type="UnknownLine", non_retryable=True)

    # -- intake ---------------------------------------------------------------------------

    def _application(self, session: Session, application_id: str) -> Application:
        app = session.get(Application, application_id)
        if app is None:
            raise ApplicationError(f"application {application_id} not found", type="NotFound",
                                   non_retryable=True)
        return app

    @activity.defn
    def record_intake(self, inp: IntakeRecord) -> StatusChanged:
        with transaction(self._sessions) as session:
            if session.exec(select(IntakeReview).where(
                    IntakeReview.dedup_key == inp.dedup_key)).first() is None:
                session.add(IntakeReview(
                    application_id=inp.application_id, dossier_version=inp.dossier_version,
                    reviewer_id=inp.reviewer_id, accepted=inp.accepted, reasons=inp.reasons,
                    at=_at(inp.at), dedup_key=inp.dedup_key))
        return StatusChanged(status="accepted" if inp.accepted else "returned")

    # -- verifier assignment ----------------------------------------------------------------

    @activity.defn
    def check_assignment(self, inp: AssignmentCheck) -> AssignmentResult:
        """Accept the verifier or say why not; the outcome is recorded either way."""
        with transaction(self._sessions) as session:
            seen = session.exec(select(VerifierAssignment).where(
                VerifierAssignment.dedup_key == inp.dedup_key)).first()
            if seen is not None:
                return AssignmentResult(seen.status == AssignmentStatus.active,
                                        seen.verifier_org_id, list(seen.reasons))
            app = self._application(session, inp.application_id)
            reasons, org_id = self._assignment_problems(session, app, inp)
            status = AssignmentStatus.rejected if reasons else AssignmentStatus.active
            session.add(VerifierAssignment(
                application_id=app.id, verifier_id=inp.verifier_id, verifier_org_id=org_id,
                assigned_by=inp.assigned_by, status=status, reasons=reasons, at=_at(inp.at),
                dedup_key=inp.dedup_key))
            audit.append(session, actor=inp.assigned_by,
                         action=f"assignment.{'accepted' if not reasons else 'rejected'}",
                         entity_type="application", entity_id=app.id,
                         data={"verifier_id": inp.verifier_id, "reasons": reasons},
                         dedup_key=inp.dedup_key, at=_at(inp.at))
        return AssignmentResult(not reasons, org_id, reasons)

    def _assignment_problems(self, session: Session, app: Application,
                             inp: AssignmentCheck) -> tuple[list[str], str | None]:
        user = session.get(User, inp.verifier_id)
        if user is None or not user.is_active:
            return ["no active user with that id"], None
        reasons: list[str] = []
        org = session.get(Organisation, user.org_id)
        if "verifier" not in user.roles:
            reasons.append("the person does not hold the verifier role")
        if org is None or org.kind != "verification_body":
            reasons.append("the person does not belong to a verification body")
        elif not org.accredited:
            reasons.append("the verification body is not accredited")
        if user.org_id == app.org_id:
            reasons.append("conflict of interest: the verifier belongs to the applicant's "
                           "organisation")
        if org is not None and org.consultant_for_org_id == app.org_id:
            reasons.append("conflict of interest: the verifier's organisation is the "
                           "applicant's consultant")
        run = self._consecutive_cycles(session, app, inp.verifier_id)
        if run >= inp.max_consecutive_cycles:
            reasons.append(f"rotation: the verifier verified the last {run} consecutive "
                           f"cycle(s); at most {inp.max_consecutive_cycles} in a row")
        return reasons, user.org_id

    def _consecutive_cycles(self, session: Session, app: Application, verifier_id: str) -> int:
        """How many cycles directly before this one the same verifier verified."""
        count, previous, seen = 0, app.previous_certificate_id, set()
        while previous and previous not in seen:
            seen.add(previous)
            cert = session.get(Certificate, previous)
            if cert is None or cert.verifier_id != verifier_id:
                break
            count += 1
            prior = session.get(Application, cert.application_id)
            previous = prior.previous_certificate_id if prior else None
        return count

    # -- review ---------------------------------------------------------------------------

    @activity.defn
    def record_review(self, inp: ReviewRecord) -> StatusChanged:
        work = inp.work
        for visit in work.site_visits:
            if visit.mode not in ("physical", "remote"):
                raise ApplicationError(f"site visit mode {visit.mode!r}: physical or remote",
                                       type="InvalidReview", non_retryable=True)
            try:
                date.fromisoformat(visit.date)
            except ValueError as exc:
                raise ApplicationError(f"site visit date {visit.date!r} is not a date",
                                       type="InvalidReview", non_retryable=True) from exc
        with transaction(self._sessions) as session:
            self._check_lines(session, inp.application_id, inp.dossier_version,
                              work.lines_checked)
            if session.exec(select(AuditEntry).where(
                    AuditEntry.dedup_key == inp.dedup_key)).first() is not None:
                return StatusChanged(status="recorded")  # a retry after the commit
            common = {"application_id": inp.application_id, "verifier_id": work.verifier_id,
                      "dossier_version": inp.dossier_version, "at": _at(inp.at)}
            for i, line in enumerate(work.lines_checked):
                session.add(ReviewEntry(kind=ReviewKind.line_checked, line_id=line,
                                        dedup_key=f"{inp.dedup_key}/line/{i}", **common))
            if work.sampling_notes:
                session.add(ReviewEntry(kind=ReviewKind.sampling, notes=work.sampling_notes,
                                        dedup_key=f"{inp.dedup_key}/sampling", **common))
            for i, visit in enumerate(work.site_visits):
                session.add(ReviewEntry(kind=ReviewKind.site_visit, notes=visit.notes,
                                        visit_mode=visit.mode,
                                        visit_date=date.fromisoformat(visit.date),
                                        dedup_key=f"{inp.dedup_key}/visit/{i}", **common))
            audit.append(session, actor=work.verifier_id, action="review.recorded",
                         entity_type="application", entity_id=inp.application_id,
                         data={"dossier_version": inp.dossier_version,
                               "lines_checked": work.lines_checked,
                               "sampling_notes": work.sampling_notes,
                               "site_visits": [vars(v) for v in work.site_visits]},
                         dedup_key=inp.dedup_key, at=_at(inp.at))
        return StatusChanged(status="recorded")

    @activity.defn
    def record_finding(self, inp: FindingRecordInput) -> StatusChanged:
        f = inp.finding
        with transaction(self._sessions) as session:
            if session.get(FindingRecord, f.id) is not None:
                return StatusChanged(status="open")
            self._check_lines(session, inp.application_id, f.dossier_version, f.lines)
            session.add(FindingRecord(
                id=f.id, application_id=inp.application_id, dossier_version=f.dossier_version,
                source="verifier", rule_id=f"verification.{f.kind}", severity=f.kind,
                path=", ".join(f.lines)[:500], message_en=f.description,
                message_zh=f.description, status="open", raised_by=f.raised_by,
                created_at=_at(f.raised_at)))
            audit.append(session, actor=f.raised_by, action="finding.raised",
                         entity_type="application", entity_id=inp.application_id,
                         data={"finding_id": f.id, "kind": f.kind, "lines": f.lines,
                               "description": f.description,
                               "dossier_version": f.dossier_version},
                         dedup_key=inp.dedup_key, at=_at(f.raised_at))
        return StatusChanged(status="open")

    @activity.defn
    def close_finding(self, inp: FindingClosure) -> StatusChanged:
        with transaction(self._sessions) as session:
            row = session.get(FindingRecord, inp.finding_id)
            if row is None:
                raise ApplicationError("finding not found", type="NotFound", non_retryable=True)
            if row.status != "closed":
                row.status = "closed"  # type: ignore[assignment]
                row.closed_at = _at(inp.at)
                session.add(row)
            audit.append(session, actor=inp.closed_by, action="finding.closed",
                         entity_type="application", entity_id=inp.application_id,
                         data={"finding_id": inp.finding_id, "note": inp.note},
                         dedup_key=inp.dedup_key, at=_at(inp.at))
        return StatusChanged(status="closed")

    # -- corrective actions ------------------------------------------------------------------

    @activity.defn
    def open_round(self, inp: RoundOpen) -> StatusChanged:
        r = inp.round
        with transaction(self._sessions) as session:
            app = self._application(session, inp.application_id)
            exists = session.exec(select(CorrectiveRound).where(
                CorrectiveRound.application_id == app.id,
                CorrectiveRound.round == r.round)).first()
            if exists is None:
                session.add(CorrectiveRound(
                    application_id=app.id, round=r.round, finding_ids=r.finding_ids,
                    requested_by=r.requested_by, requested_at=_at(r.requested_at),
                    deadline=_at(r.deadline), note=inp.note))
                self._notify(session, NotificationInput(
                    application_id=app.id, kind="ca_requested", recipient_role="exporter",
                    recipient_org_id=app.org_id,
                    subject_en=f"Corrective actions requested (round {r.round}), due "
                               f"{r.deadline}",
                    subject_zh=f"请于 {r.deadline} 前完成第 {r.round} 轮纠正措施",
                    dedup_key=f"{inp.dedup_key}/notify", at=r.requested_at, due_at=r.deadline,
                    round=r.round))
            audit.append(session, actor=r.requested_by, action="corrective_action.requested",
                         entity_type="application", entity_id=app.id,
                         data={"round": r.round, "finding_ids": r.finding_ids,
                               "deadline": r.deadline, "note": inp.note},
                         dedup_key=inp.dedup_key, at=_at(r.requested_at))
        return StatusChanged(status="open")

    @activity.defn
    def answer_round(self, inp: RoundAnswer) -> StatusChanged:
        a = inp.answer
        with transaction(self._sessions) as session:
            row = session.exec(select(CorrectiveRound).where(
                CorrectiveRound.application_id == inp.application_id,
                CorrectiveRound.round == inp.round)).one()
            if row.status != RoundStatus.answered:
                row.status = RoundStatus.answered
                row.answered_at = _at(inp.at)
                row.answered_by = a.answered_by
                row.responses = dict(a.responses)
                row.dossier_version = inp.dossier_version
                row.evidence_sha256 = list(a.evidence_sha256)
                session.add(row)
            audit.append(session, actor=a.answered_by, action="corrective_action.answered",
                         entity_type="application", entity_id=inp.application_id,
                         data={"round": inp.round, "responses": a.responses,
                               "dossier_version": inp.dossier_version,
                               "evidence": a.evidence_sha256},
                         dedup_key=inp.dedup_key, at=_at(inp.at))
        return StatusChanged(status="answered")

    # -- notifications (outbox) -------------------------------------------------------------

    @activity.defn
    def notify(self, inp: NotificationInput) -> StatusChanged:
        with transaction(self._sessions) as session:
            self._notify(session, inp)
        return StatusChanged(status="recorded")

    def _notify(self, session: Session, inp: NotificationInput) -> None:
        if session.exec(select(Notification).where(
                Notification.dedup_key == inp.dedup_key)).first() is not None:
            return
        at = _at(inp.at)
        session.add(Notification(
            application_id=inp.application_id, certificate_id=inp.certificate_id,
            kind=inp.kind, recipient_role=inp.recipient_role,
            recipient_org_id=inp.recipient_org_id, subject_en=inp.subject_en,
            subject_zh=inp.subject_zh, due_at=_at(inp.due_at) if inp.due_at else None,
            created_at=at, dedup_key=inp.dedup_key))
        if inp.round is not None and inp.kind in ("ca_reminder", "ca_escalation"):
            row = session.exec(select(CorrectiveRound).where(
                CorrectiveRound.application_id == inp.application_id,
                CorrectiveRound.round == inp.round)).first()
            if row is not None and row.status != RoundStatus.answered:
                if inp.kind == "ca_reminder":
                    row.reminders_sent += 1
                else:
                    row.status = RoundStatus.escalated
                    row.escalated_at = at
                session.add(row)
        audit.append(session, actor=SYSTEM_ACTOR, action=f"notification.{inp.kind}",
                     entity_type="certificate" if inp.certificate_id else "application",
                     entity_id=inp.certificate_id or inp.application_id,
                     data={"to": inp.recipient_role, "subject": inp.subject_en,
                           "due_at": inp.due_at, "round": inp.round},
                     dedup_key=inp.dedup_key, at=at)

    # -- opinion --------------------------------------------------------------------------

    @activity.defn
    def record_opinion(self, inp: OpinionRecord) -> StatusChanged:
        o = inp.opinion
        with transaction(self._sessions) as session:
            if session.exec(select(VerificationOpinion).where(
                    VerificationOpinion.dedup_key == inp.dedup_key)).first() is None:
                session.add(VerificationOpinion(
                    application_id=inp.application_id, verifier_id=o.verifier_id,
                    dossier_version=o.dossier_version, level_of_assurance=o.level_of_assurance,
                    materiality_percent=o.materiality_percent,
                    misstatement_percent=o.misstatement_percent, opinion=o.opinion,
                    statement=o.statement, at=_at(o.at), dedup_key=inp.dedup_key))
        return StatusChanged(status="recorded")

    # -- certificate life -------------------------------------------------------------------

    @activity.defn
    def change_certificate_status(self, inp: CertificateStatusInput) -> StatusChanged:
        """Certificate status, its event and audit entry (store.registry), and the
        application's status and event, in one transaction."""
        with transaction(self._sessions) as session:
            cert = session.get(Certificate, inp.certificate_id)
            app = session.get(Application, inp.application_id)
            if cert is None or app is None:
                raise ApplicationError("certificate not found", type="NotFound",
                                       non_retryable=True)
            try:
                record_status_change(session, cert, inp.status, inp.reason, inp.actor_id,
                                     _at(inp.at), inp.dedup_key)
            except StatusChangeRefused as exc:
                raise ApplicationError(str(exc), {"code": exc.code}, type="Conflict",
                                       non_retryable=True) from exc
            app_status = {"valid": "certified"}.get(inp.status, inp.status)
            if session.exec(select(ApplicationEvent).where(
                    ApplicationEvent.dedup_key == inp.dedup_key)).first() is None:
                app.status = app_status
                session.add(app)
                session.add(ApplicationEvent(
                    application_id=app.id, at=_at(inp.at), status=app_status,
                    actor_id=None if inp.actor_id == SYSTEM_ACTOR else inp.actor_id,
                    note=inp.reason, dedup_key=inp.dedup_key))
        return StatusChanged(status=inp.status)

    @activity.defn
    def record_surveillance(self, inp: SurveillanceInput) -> StatusChanged:
        with transaction(self._sessions) as session:
            if session.exec(select(SurveillanceRecord).where(
                    SurveillanceRecord.dedup_key == inp.dedup_key)).first() is None:
                session.add(SurveillanceRecord(
                    certificate_id=inp.certificate_id, due_at=_at(inp.due_at),
                    performed_by=inp.done.actor_id, outcome=inp.done.outcome,
                    notes=inp.done.notes, at=_at(inp.at), dedup_key=inp.dedup_key))
            audit.append(session, actor=inp.done.actor_id, action="surveillance.recorded",
                         entity_type="certificate", entity_id=inp.certificate_id,
                         data={"due_at": inp.due_at, "outcome": inp.done.outcome,
                               "notes": inp.done.notes},
                         dedup_key=inp.dedup_key, at=_at(inp.at))
        return StatusChanged(status=inp.done.outcome)

    @activity.defn
    def open_renewal(self, inp: RenewalOpen) -> RenewalOpened:
        """The next cycle's application, linked to the certificate it renews."""
        with transaction(self._sessions) as session:
            old = self._application(session, inp.application_id)
            new = session.get(Application, inp.new_application_id)
            if new is None:
                new = Application(
                    id=inp.new_application_id, org_id=old.org_id, product_id=old.product_id,
                    regimes=list(old.regimes), status="awaiting_submission",
                    workflow_id=workflow_id_for(inp.new_application_id), cycle=old.cycle + 1,
                    previous_certificate_id=inp.certificate_id, created_by=inp.requested_by,
                    created_at=_at(inp.at), updated_at=_at(inp.at))
                session.add(new)
                session.flush()
            audit.append(session, actor=inp.requested_by, action="application.renewal_opened",
                         entity_type="application", entity_id=new.id,
                         data={"renews_certificate_id": inp.certificate_id,
                               "previous_application_id": old.id, "cycle": new.cycle},
                         dedup_key=inp.dedup_key, at=_at(inp.at))
            return RenewalOpened(new.id, new.workflow_id, new.cycle, new.org_id,
                                 list(new.regimes))

    def process_activities(self) -> list[Callable[..., Any]]:
        return [self.record_intake, self.check_assignment, self.record_review,
                self.record_finding, self.close_finding, self.open_round, self.answer_round,
                self.notify, self.record_opinion, self.change_certificate_status,
                self.record_surveillance, self.open_renewal]
