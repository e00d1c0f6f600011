"""The certification workflow: orchestration only, deterministic, all I/O in activities.

One workflow per application cycle, living as long as the certificate it issues
(ISO/IEC 17065 process; ISO 14064-3 verification)::

    awaiting_submission --submit--> assessing --(blocking rule findings)--> returned
          returned --submit--> assessing --> intake_review
    intake_review --review_intake(return, reasons)--> returned
                  --review_intake(accept)--> awaiting_assignment
    awaiting_assignment --assign_verifier (conflict-of-interest check)--> awaiting_verification
    awaiting_verification: record_review, raise_finding, close_finding
          --request_corrective_action--> corrective_action (deadline: reminders, escalation)
          corrective_action --answer_corrective_action--> awaiting_verification
          --approve (opinion; no open non-conformity)--> awaiting_decision
    awaiting_decision --decide (not the verifier)--> refused | issuing -> certified
    certified <--suspend / reinstate--> suspended;  certified|suspended --revoke--> revoked
    certified|suspended --(validity ends)--> expired;  certified --renew--> new cycle (child)

Human actions are updates: a validator refuses a wrong action before anything is recorded; the
handler re-checks under a lock (two updates may pass validation in one activation), records
through activities, then changes the state. Deadlines are durable timers kept in the state and
fired by the main loop. The run continues as new when its history grows long, carrying the
state whole. Every status change is recorded in the store and the audit chain once (dedup keys
from a counter that survives continue-as-new).

This module holds the workflow class and its main flow: opening, the main loop (timers,
continue-as-new), submission, document review, verifier assignment, opinion and decision. The
class combines mixins that work on the same state: :mod:`workflows.verification` (review,
findings, corrective-action rounds), :mod:`workflows.lifecycle` (the certificate's life after
issuance), both on :mod:`workflows.base` (activity options, dedup keys, status changes, search
attributes). They are imported inside the sandbox like this module (no I/O at import).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows.base import SA_CERTIFICATE, SA_EXPORTER, SA_REGIMES, SA_STATUS, dt, refuse
from workflows.lifecycle import CertificateLife
from workflows.verification import VerificationStage

with workflow.unsafe.imports_passed_through():
    from footprint import Dossier
    from workflows.activities import CertificationActivities
    from workflows.types import (
        ASSURANCE_LEVELS,
        NONCONFORMITIES,
        OPINIONS,
        POSITIVE_OPINIONS,
        SYSTEM_ACTOR,
        TERMINAL,
        AppStatus,
        AssignmentCheck,
        AssignmentResult,
        AssignVerifier,
        CertificationDecision,
        CertificationInput,
        CertificationOutput,
        CertificationState,
        ConfigRequest,
        IntakeDecision,
        IntakeRecord,
        IssuedCertificate,
        IssueInput,
        OpinionRecord,
        OpinionState,
        SubmissionOutcome,
        SubmitDossier,
        Timer,
        UpdateAck,
        VerifierApproval,
    )

SUBMITTABLE = {AppStatus.awaiting_submission.value, AppStatus.returned.value}
HISTORY_KEPT = 50  # status history entries carried across continue-as-new


@workflow.defn
class CertificationWorkflow(VerificationStage, CertificateLife):
    """One application cycle; its updates, query and timers are declared here and in the mixins."""

    @workflow.init
    def __init__(self, inp: CertificationInput) -> None:
        # The input is here from construction: an update may arrive in the very first
        # activation, before `run` has started.
        self._input = inp
        if inp.resume is not None:
            self._state = inp.resume
        else:
            self._state = CertificationState(
                application_id=inp.application_id, status=AppStatus.awaiting_submission.value,
                cycle=inp.cycle, previous_certificate_id=inp.previous_certificate_id,
                org_id=inp.org_id, regimes=list(inp.regimes), config=inp.config,
                config_ready=False, caller_pinned_config=inp.config.pinned,
            )
        self._lock = asyncio.Lock()
        self._epoch = 0  # bumped whenever timers or the status change: wakes the main loop

    # -- main body: opening, durable timers, continue-as-new --------------------------------

    @workflow.run
    async def run(self, inp: CertificationInput) -> CertificationOutput:
        self._upsert_search_attributes()
        if not self._state.config_ready:
            if not inp.config.pinned:
                self._state.config = await self._act(
                    CertificationActivities.resolve_config, ConfigRequest(inp.application_id),
                    timeout=timedelta(seconds=inp.config.activity_timeout_seconds))
            await self._set_status(AppStatus.awaiting_submission, inp.created_by,
                                   "application opened" if inp.cycle == 1
                                   else f"renewal cycle {inp.cycle} opened",
                                   only_if_unchanged=True)
            self._state.config_ready = True

        while self._state.status not in TERMINAL:
            if self._history_too_long():
                await workflow.wait_condition(
                    lambda: workflow.all_handlers_finished() and not self._lock.locked())
                if self._state.status in TERMINAL:
                    break
                self._continue_as_new()
            due = min(self._state.timers, key=lambda t: t.at, default=None)
            epoch = self._epoch
            if due is not None:
                delay = (dt(due.at) - workflow.now()).total_seconds()
                if delay > 0:
                    try:
                        await workflow.wait_condition(lambda e=epoch: self._epoch != e,
                                                      timeout=delay)
                        continue
                    except TimeoutError:
                        pass
                async with self._lock:
                    if due in self._state.timers:
                        self._state.timers.remove(due)
                        await self._fire(due)
            else:
                await workflow.wait_condition(
                    lambda e=epoch: self._epoch != e or self._history_too_long())

        await workflow.wait_condition(workflow.all_handlers_finished)
        return CertificationOutput(self._state.application_id, self._state.status,
                                   self._state.certificate_number)

    def _history_too_long(self) -> bool:
        info = workflow.info()
        return (info.get_current_history_length() > self._state.config.history_limit
                or info.is_continue_as_new_suggested())

    def _continue_as_new(self) -> None:
        self._state.runs += 1
        self._state.history = self._state.history[-HISTORY_KEPT:]
        workflow.continue_as_new(CertificationInput(
            application_id=self._input.application_id, org_id=self._input.org_id,
            regimes=list(self._input.regimes), created_by=self._input.created_by,
            config=self._state.config, cycle=self._state.cycle,
            previous_certificate_id=self._state.previous_certificate_id, resume=self._state))

    async def _fire(self, timer: Timer) -> None:
        if timer.kind in ("ca_reminder", "ca_deadline"):
            await self._fire_corrective(timer)
        else:
            await self._fire_life(timer)

    # -- submission -----------------------------------------------------------------------

    @workflow.update
    async def submit(self, req: SubmitDossier) -> SubmissionOutcome:
        await self._opened()
        async with self._lock:
            if self._state.status not in SUBMITTABLE:  # two updates validated in one activation
                raise refuse(f"a dossier cannot be submitted while the application is "
                             f"{self._state.status}")
            self._state.status = AppStatus.assessing.value
            assessed, version = await self._record_dossier(req.dossier, req.submitted_by,
                                                           req.evidence_sha256, AppStatus.returned)
            if assessed.blocking_findings:
                status = AppStatus.returned
                note = f"v{version}: {assessed.blocking_findings} blocking finding(s)"
            else:
                status = AppStatus.intake_review
                note = f"v{version}: no blocking findings; document review"
            await self._set_status(status, SYSTEM_ACTOR, note)
            return SubmissionOutcome(
                version=version, status=status.value,
                footprint_total=assessed.footprint_total,
                footprint_unit=assessed.footprint_unit,
                blocking_findings=assessed.blocking_findings, findings=assessed.findings)

    @submit.validator
    def _validate_submit(self, req: SubmitDossier) -> None:
        if self._state.status not in SUBMITTABLE:
            raise ValueError(f"a dossier cannot be submitted while the application is "
                             f"{self._state.status}")
        Dossier.model_validate(req.dossier)  # raises pydantic.ValidationError: update rejected

    # -- intake (document review) -----------------------------------------------------------

    @workflow.update
    async def review_intake(self, req: IntakeDecision) -> UpdateAck:
        await self._opened()
        async with self._lock:
            self._recheck(self._validate_intake, req)
            await self._act(CertificationActivities.record_intake, IntakeRecord(
                application_id=self._state.application_id,
                dossier_version=self._state.dossier_versions, reviewer_id=req.reviewer_id,
                accepted=req.accept, reasons=list(req.reasons), at=self._now(),
                dedup_key=self._key("intake")))
            self._state.intake_reviewer_id = req.reviewer_id
            self._state.intake_reasons = list(req.reasons)
            if req.accept:
                await self._set_status(AppStatus.awaiting_assignment, req.reviewer_id,
                                       "document review passed",
                                       data={"reasons": list(req.reasons)})
            else:
                await self._set_status(AppStatus.returned, req.reviewer_id,
                                       "returned at document review: " + "; ".join(req.reasons),
                                       data={"reasons": list(req.reasons)})
            return UpdateAck(self._state.status)

    @review_intake.validator
    def _validate_intake(self, req: IntakeDecision) -> None:
        self._expect(AppStatus.intake_review, "review the documents")
        if not req.reviewer_id:
            raise ValueError("the reviewer is required")
        if not req.accept and not [r for r in req.reasons if r.strip()]:
            raise ValueError("returning an application needs at least one reason")

    # -- verifier assignment ----------------------------------------------------------------

    @workflow.update
    async def assign_verifier(self, req: AssignVerifier) -> UpdateAck:
        await self._opened()
        async with self._lock:
            self._recheck(self._validate_assign, req)
            at = self._now()
            result: AssignmentResult = await self._act(
                CertificationActivities.check_assignment,
                AssignmentCheck(application_id=self._state.application_id,
                                verifier_id=req.verifier_id, assigned_by=req.assigned_by,
                                max_consecutive_cycles=self._state.config.max_consecutive_cycles,
                                at=at, dedup_key=self._key("assignment")))
            if not result.accepted:
                self._state.rejected_assignments.append(
                    {"verifier_id": req.verifier_id, "reasons": result.reasons, "at": at})
                raise ApplicationError(
                    "verifier assignment rejected: " + "; ".join(result.reasons),
                    {"reasons": result.reasons}, type="AssignmentRejected", non_retryable=True)
            self._state.verifier_id = req.verifier_id
            self._state.verifier_org_id = result.verifier_org_id
            await self._set_status(AppStatus.awaiting_verification, req.assigned_by,
                                   f"verifier {req.verifier_id} assigned",
                                   data={"verifier_id": req.verifier_id})
            return UpdateAck(self._state.status)

    @assign_verifier.validator
    def _validate_assign(self, req: AssignVerifier) -> None:
        self._expect(AppStatus.awaiting_assignment, "assign a verifier")
        if not req.verifier_id or not req.assigned_by:
            raise ValueError("the verifier and the person assigning are required")
        if req.verifier_id == req.assigned_by:
            raise ValueError("a verifier cannot assign themself")

    # -- opinion and decision ---------------------------------------------------------------

    @workflow.update
    async def approve(self, req: VerifierApproval) -> UpdateAck:
        """The verifier's opinion (the first flow called it approval)."""
        await self._opened()
        async with self._lock:
            self._recheck(self._validate_approve, req)
            opinion = OpinionState(
                verifier_id=req.verifier_id, level_of_assurance=req.level_of_assurance,
                materiality_percent=req.materiality_percent,
                misstatement_percent=req.misstatement_percent, opinion=req.opinion,
                statement=req.notes, at=self._now(),
                dossier_version=self._state.dossier_versions)
            await self._act(CertificationActivities.record_opinion,
                            OpinionRecord(self._state.application_id, opinion,
                                          self._key("opinion")))
            self._state.opinion = opinion
            await self._set_status(
                AppStatus.awaiting_decision, req.verifier_id,
                f"opinion {req.opinion}, {req.level_of_assurance} assurance, materiality "
                f"{req.materiality_percent}%",
                data={"opinion": req.opinion, "level_of_assurance": req.level_of_assurance,
                      "materiality_percent": req.materiality_percent,
                      "misstatement_percent": req.misstatement_percent, "notes": req.notes})
            return UpdateAck(self._state.status)

    @approve.validator
    def _validate_approve(self, req: VerifierApproval) -> None:
        self._expect_verifier(req.verifier_id)
        if req.verifier_org_id == self._state.org_id:
            raise ValueError("conflict of interest: the verifier belongs to the applicant's "
                             "organisation")
        if req.opinion not in OPINIONS:
            raise ValueError(f"unknown opinion type {req.opinion!r}")
        if req.level_of_assurance not in ASSURANCE_LEVELS:
            raise ValueError(f"level of assurance is reasonable or limited, not "
                             f"{req.level_of_assurance!r}")
        if not 0 < req.materiality_percent <= 100:
            raise ValueError("materiality is a percentage above 0 and at most 100")
        misstatement = req.misstatement_percent
        if misstatement is not None and misstatement < 0:
            raise ValueError("a misstatement is not negative")
        if (misstatement is not None and misstatement >= req.materiality_percent
                and req.opinion == "unmodified"):
            raise ValueError(f"a misstatement of {misstatement}% reaches the materiality of "
                             f"{req.materiality_percent}%: the opinion cannot be unmodified")
        still_open = [f.id for f in self._state.verifier_findings
                      if f.status == "open" and f.kind in NONCONFORMITIES]
        if still_open:
            raise ValueError(f"non-conformities still open: {', '.join(still_open)}")

    @workflow.update
    async def decide(self, req: CertificationDecision) -> UpdateAck:
        await self._opened()
        async with self._lock:
            self._recheck(self._validate_decide, req)
            s = self._state
            s.certifier_id = req.certifier_id
            s.decision_reasons = req.reasons
            if not req.approve:
                await self._set_status(AppStatus.refused, req.certifier_id, req.reasons)
                return UpdateAck(s.status)
            await self._set_status(AppStatus.issuing, req.certifier_id, req.reasons)
            assert s.verifier_id is not None and s.opinion is not None
            issued: IssuedCertificate = await self._act(
                CertificationActivities.issue_certificate,
                IssueInput(application_id=s.application_id, verifier_id=s.verifier_id,
                           certifier_id=req.certifier_id, opinion=s.opinion.opinion,
                           decision_date=self._now(),
                           validity_days=s.config.certificate_validity_days,
                           regimes=list(s.regimes), validity_seconds=s.config.validity()))
            self._start_life(issued)
            await self._set_status(AppStatus.certified, req.certifier_id,
                                   f"certificate {issued.number} issued",
                                   data={"number": issued.number})
            return UpdateAck(s.status)

    @decide.validator
    def _validate_decide(self, req: CertificationDecision) -> None:
        self._expect(AppStatus.awaiting_decision, "decide")
        if req.certifier_id in {self._state.verifier_id,
                                *(f.raised_by for f in self._state.verifier_findings)}:
            raise ValueError(
                "separation of duties (ISO/IEC 17065 7.6): the person who verified cannot decide")
        if not req.reasons.strip():
            raise ValueError("a certification decision states its reasons")
        opinion = self._state.opinion
        if req.approve and (opinion is None or opinion.opinion not in POSITIVE_OPINIONS):
            raise ValueError("an adverse opinion or a disclaimer cannot lead to certification")

    # -- query ----------------------------------------------------------------------------

    @workflow.query
    def state(self) -> CertificationState:
        return self._state


__all__ = ["SA_CERTIFICATE", "SA_EXPORTER", "SA_REGIMES", "SA_STATUS", "ApplicationError",
           "CertificationWorkflow"]
