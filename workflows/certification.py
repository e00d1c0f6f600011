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
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from footprint import Dossier
    from workflows.activities import CertificationActivities
    from workflows.types import (
        ASSURANCE_LEVELS,
        FINDING_KINDS,
        NONCONFORMITIES,
        OPINIONS,
        POSITIVE_OPINIONS,
        SYSTEM_ACTOR,
        TERMINAL,
        AppStatus,
        AssessInput,
        AssessOutput,
        AssignmentCheck,
        AssignmentResult,
        AssignVerifier,
        CertificateAction,
        CertificateState,
        CertificateStatusInput,
        CertificationDecision,
        CertificationInput,
        CertificationOutput,
        CertificationState,
        CloseFinding,
        ConfigRequest,
        CorrectiveAnswer,
        CorrectiveRequest,
        FindingAck,
        FindingClosure,
        FindingRecordInput,
        FindingState,
        IntakeDecision,
        IntakeRecord,
        IssuedCertificate,
        IssueInput,
        NotificationInput,
        OpinionRecord,
        OpinionState,
        ProcessConfig,
        RaiseFinding,
        RecordSubmissionInput,
        RecordSubmissionOutput,
        RenewalOpen,
        RenewalOpened,
        RenewalRequest,
        RenewalStarted,
        ReviewRecord,
        ReviewWork,
        RoundAck,
        RoundAnswer,
        RoundOpen,
        RoundState,
        StatusChange,
        SubmissionOutcome,
        SubmitDossier,
        SurveillanceDone,
        SurveillanceInput,
        Timer,
        UpdateAck,
        VerifierApproval,
    )

RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=20,
    non_retryable_error_types=["InvalidDossier", "NotFound", "Conflict", "UnknownLine",
                               "InvalidReview"],
)

SUBMITTABLE = {AppStatus.awaiting_submission.value, AppStatus.returned.value}
LIFE = {AppStatus.certified.value, AppStatus.suspended.value}
HISTORY_KEPT = 50  # status history entries carried across continue-as-new

SA_STATUS = SearchAttributeKey.for_keyword("TanpassStatus")
SA_EXPORTER = SearchAttributeKey.for_keyword("TanpassExporter")
SA_REGIMES = SearchAttributeKey.for_keyword_list("TanpassRegimes")
SA_CERTIFICATE = SearchAttributeKey.for_keyword("TanpassCertificate")


def _iso(value: datetime) -> str:
    return value.isoformat()


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _refuse(message: str) -> ApplicationError:
    """A handler's re-check failed: the update fails, the run goes on."""
    return ApplicationError(message, type="Conflict", non_retryable=True)


@workflow.defn
class CertificationWorkflow:
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
                delay = (_dt(due.at) - workflow.now()).total_seconds()
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
        s = self._state
        if timer.kind in ("ca_reminder", "ca_deadline"):
            rnd = self._round(int(timer.ref))
            if rnd is None or rnd.status == "answered":
                return
            if timer.kind == "ca_reminder":
                rnd.reminders_sent += 1
                await self._notify("ca_reminder", "exporter", rnd.deadline,
                                   f"Reminder: corrective actions of round {rnd.round} are due "
                                   f"{rnd.deadline}",
                                   f"提醒：第 {rnd.round} 轮纠正措施须于 {rnd.deadline} 前完成",
                                   round_no=rnd.round, org=s.org_id)
            else:
                rnd.status = "escalated"
                rnd.escalated_at = _iso(workflow.now())
                await self._notify("ca_escalation", "certifier", rnd.deadline,
                                   f"Escalation: corrective actions of round {rnd.round} were "
                                   f"not answered by {rnd.deadline}",
                                   f"升级：第 {rnd.round} 轮纠正措施未在 {rnd.deadline} 前答复",
                                   round_no=rnd.round)
                self._history("corrective_action.escalated", SYSTEM_ACTOR,
                              f"round {rnd.round} deadline missed")
        elif timer.kind in ("surveillance_reminder", "surveillance_due") and s.certificate:
            due = s.certificate.surveillance_due[int(timer.ref)]
            if due in s.certificate.surveillance_done or s.status not in LIFE:
                return
            if timer.kind == "surveillance_reminder":
                await self._notify("surveillance_reminder", "certifier", due,
                                   f"Surveillance of {s.certificate_number} is due {due}",
                                   f"证书 {s.certificate_number} 的监督审核将于 {due} 到期",
                                   cert=True)
            else:
                await self._notify("surveillance_overdue", "certifier", due,
                                   f"Escalation: surveillance of {s.certificate_number} was "
                                   f"due {due} and is not recorded",
                                   f"升级：证书 {s.certificate_number} 的监督审核已于 {due} "
                                   "到期但未记录", cert=True)
        elif timer.kind == "expiry" and s.certificate and s.status in LIFE:
            await self._certificate_status(AppStatus.expired, "expired", SYSTEM_ACTOR,
                                           f"validity ended {s.certificate.valid_until}")

    # -- submission -----------------------------------------------------------------------

    @workflow.update
    async def submit(self, req: SubmitDossier) -> SubmissionOutcome:
        await self._opened()
        async with self._lock:
            if self._state.status not in SUBMITTABLE:  # two updates validated in one activation
                raise _refuse(f"a dossier cannot be submitted while the application is "
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

    async def _record_dossier(self, dossier: dict[str, Any], by: str, evidence: list[str],
                              back: AppStatus) -> tuple[AssessOutput, int]:
        inp = self._input
        version = self._state.dossier_versions + 1
        self._state.dossier_versions = version
        recorded: RecordSubmissionOutput = await self._act(
            CertificationActivities.record_submission,
            RecordSubmissionInput(application_id=inp.application_id, version=version,
                                  dossier=dossier, submitted_by=by,
                                  evidence_sha256=list(evidence)))
        await self._set_status(AppStatus.assessing, by, f"dossier v{version}")
        try:
            assessed: AssessOutput = await self._act(
                CertificationActivities.assess,
                AssessInput(application_id=inp.application_id, version=recorded.version,
                            regimes=list(inp.regimes), as_of=workflow.now().date().isoformat()))
        except ActivityError as exc:  # the data cannot be calculated: back to the exporter
            await self._set_status(back, SYSTEM_ACTOR, f"v{version} cannot be assessed")
            raise ApplicationError(f"dossier v{version} cannot be assessed: {exc.cause}",
                                   type="InvalidDossier", non_retryable=True) from exc
        self._state.footprint_total = assessed.footprint_total
        self._state.footprint_unit = assessed.footprint_unit
        self._state.blocking_findings = assessed.blocking_findings
        self._state.findings = len(assessed.findings)
        return assessed, version

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

    # -- review: lines, sampling, site visits, findings -------------------------------------

    @workflow.update
    async def record_review(self, req: ReviewWork) -> UpdateAck:
        await self._opened()
        async with self._lock:
            self._recheck(self._validate_review, req)
            await self._act(CertificationActivities.record_review, ReviewRecord(
                application_id=self._state.application_id,
                dossier_version=self._state.dossier_versions, work=req, at=self._now(),
                dedup_key=self._key("review")))
            s = self._state
            s.lines_checked.extend(x for x in dict.fromkeys(req.lines_checked)
                                   if x not in s.lines_checked)
            if req.sampling_notes:
                s.sampling_notes.append(req.sampling_notes)
            s.site_visits.extend({"mode": v.mode, "date": v.date, "notes": v.notes}
                                 for v in req.site_visits)
            return UpdateAck(s.status)

    @record_review.validator
    def _validate_review(self, req: ReviewWork) -> None:
        self._expect_verifier(req.verifier_id)
        if not (req.lines_checked or req.sampling_notes or req.site_visits):
            raise ValueError("nothing to record")
        for visit in req.site_visits:
            if visit.mode not in ("physical", "remote"):
                raise ValueError(f"a site visit is physical or remote, not {visit.mode!r}")

    @workflow.update
    async def raise_finding(self, req: RaiseFinding) -> FindingAck:
        await self._opened()
        async with self._lock:
            self._recheck(self._validate_finding, req)
            finding = FindingState(
                id=workflow.uuid4().hex, kind=req.kind, lines=list(req.lines),
                description=req.description, raised_by=req.verifier_id, raised_at=self._now(),
                dossier_version=self._state.dossier_versions)
            await self._act(CertificationActivities.record_finding, FindingRecordInput(
                self._state.application_id, finding, self._key("finding")))
            self._state.verifier_findings.append(finding)
            return FindingAck(finding.id, finding.status)

    @raise_finding.validator
    def _validate_finding(self, req: RaiseFinding) -> None:
        self._expect_verifier(req.verifier_id)
        if req.kind not in FINDING_KINDS:
            raise ValueError(f"a finding is one of {', '.join(FINDING_KINDS)}, not {req.kind!r}")
        if not req.lines:
            raise ValueError("a finding points to at least one dossier line")
        if not req.description.strip():
            raise ValueError("a finding needs a description")

    @workflow.update
    async def close_finding(self, req: CloseFinding) -> FindingAck:
        await self._opened()
        async with self._lock:
            self._recheck(self._validate_close, req)
            finding = self._finding(req.finding_id)
            assert finding is not None
            at = self._now()
            await self._act(CertificationActivities.close_finding, FindingClosure(
                self._state.application_id, finding.id, req.verifier_id, req.note, at,
                self._key("finding-closed")))
            finding.status, finding.closed_by, finding.closed_at = "closed", req.verifier_id, at
            finding.closing_note = req.note
            return FindingAck(finding.id, finding.status)

    @close_finding.validator
    def _validate_close(self, req: CloseFinding) -> None:
        self._expect_verifier(req.verifier_id)
        finding = self._finding(req.finding_id)
        if finding is None:
            raise ValueError(f"no finding {req.finding_id}")
        if finding.status != "open":
            raise ValueError(f"finding {req.finding_id} is already {finding.status}")
        if finding.kind in NONCONFORMITIES and not any(
                (r := self._round(n)) is not None and r.status == "answered"
                for n in finding.rounds):
            raise ValueError("a non-conformity is closed after the exporter's corrective "
                             "action has been answered")

    # -- corrective actions -----------------------------------------------------------------

    @workflow.update
    async def request_corrective_action(self, req: CorrectiveRequest) -> RoundAck:
        await self._opened()
        async with self._lock:
            self._recheck(self._validate_ca_request, req)
            s = self._state
            ids = list(req.finding_ids) or [f.id for f in s.verifier_findings
                                             if f.status == "open" and f.kind in NONCONFORMITIES]
            now = workflow.now()
            deadline = now + timedelta(seconds=s.config.corrective_action_seconds)
            rnd = RoundState(round=len(s.rounds) + 1, finding_ids=ids,
                             requested_by=req.verifier_id, requested_at=_iso(now),
                             deadline=_iso(deadline))
            await self._act(CertificationActivities.open_round,
                            RoundOpen(s.application_id, rnd, req.note, self._key("round")))
            s.rounds.append(rnd)
            for fid in ids:
                finding = self._finding(fid)
                if finding is not None:
                    finding.rounds.append(rnd.round)
            for before in s.config.corrective_action_reminders_seconds:
                at = deadline - timedelta(seconds=before)
                if at > now:
                    s.timers.append(Timer(_iso(at), "ca_reminder", str(rnd.round)))
            s.timers.append(Timer(_iso(deadline), "ca_deadline", str(rnd.round)))
            await self._set_status(AppStatus.corrective_action, req.verifier_id,
                                   f"round {rnd.round}: {len(ids)} finding(s), due {rnd.deadline}",
                                   data={"round": rnd.round, "finding_ids": ids,
                                         "deadline": rnd.deadline})
            return RoundAck(rnd.round, rnd.status, rnd.deadline)

    @request_corrective_action.validator
    def _validate_ca_request(self, req: CorrectiveRequest) -> None:
        self._expect_verifier(req.verifier_id)
        open_ncs = {f.id for f in self._state.verifier_findings
                    if f.status == "open" and f.kind in NONCONFORMITIES}
        if req.finding_ids:
            unknown = [fid for fid in req.finding_ids if fid not in open_ncs]
            if unknown:
                raise ValueError(f"not open non-conformities: {', '.join(unknown)}")
        elif not open_ncs:
            raise ValueError("there is no open non-conformity to correct")

    @workflow.update
    async def answer_corrective_action(self, req: CorrectiveAnswer) -> RoundAck:
        await self._opened()
        async with self._lock:
            self._recheck(self._validate_ca_answer, req)
            s = self._state
            rnd = s.rounds[-1]
            version: int | None = None
            if req.dossier is not None:
                _, version = await self._record_dossier(req.dossier, req.answered_by,
                                                        req.evidence_sha256,
                                                        AppStatus.corrective_action)
            at = self._now()
            await self._act(CertificationActivities.answer_round, RoundAnswer(
                s.application_id, rnd.round, req, version, at, self._key("round-answer")))
            rnd.status, rnd.answered_at, rnd.answered_by = "answered", at, req.answered_by
            rnd.dossier_version = version
            s.timers = [t for t in s.timers
                        if not (t.kind.startswith("ca_") and t.ref == str(rnd.round))]
            await self._set_status(AppStatus.awaiting_verification, req.answered_by,
                                   f"round {rnd.round} answered"
                                   + (f" with dossier v{version}" if version else ""),
                                   data={"round": rnd.round, "dossier_version": version})
            return RoundAck(rnd.round, rnd.status, rnd.deadline, version)

    @answer_corrective_action.validator
    def _validate_ca_answer(self, req: CorrectiveAnswer) -> None:
        self._expect(AppStatus.corrective_action, "answer corrective actions")
        rnd = self._state.rounds[-1]
        missing = [fid for fid in rnd.finding_ids if not req.responses.get(fid, "").strip()]
        if missing:
            raise ValueError(f"each finding of round {rnd.round} needs a response; missing "
                             f"{', '.join(missing)}")
        extra = [fid for fid in req.responses if fid not in rnd.finding_ids]
        if extra:
            raise ValueError(f"not findings of round {rnd.round}: {', '.join(extra)}")
        if req.dossier is not None:
            Dossier.model_validate(req.dossier)

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

    def _start_life(self, issued: IssuedCertificate) -> None:
        s = self._state
        start, end = _dt(issued.valid_from), _dt(issued.valid_until)
        interval = timedelta(seconds=s.config.surveillance_interval_seconds)
        dues: list[str] = []
        due = start + interval
        while due < end and interval.total_seconds() > 0:
            dues.append(_iso(due))
            due += interval
        s.certificate_number = issued.number
        s.certificate = CertificateState(id=issued.certificate_id, number=issued.number,
                                         status="valid", valid_from=issued.valid_from,
                                         valid_until=issued.valid_until, surveillance_due=dues)
        now = workflow.now()
        for i, d in enumerate(dues):
            reminder = _dt(d) - timedelta(seconds=s.config.surveillance_reminder_seconds)
            if reminder > now:
                s.timers.append(Timer(_iso(reminder), "surveillance_reminder", str(i)))
            s.timers.append(Timer(d, "surveillance_due", str(i)))
        s.timers.append(Timer(issued.valid_until, "expiry"))

    # -- certificate life -------------------------------------------------------------------

    @workflow.update
    async def suspend(self, req: CertificateAction) -> UpdateAck:
        return await self._life_action(req, AppStatus.suspended, "suspended",
                                       self._validate_suspend)

    @suspend.validator
    def _validate_suspend(self, req: CertificateAction) -> None:
        self._expect_life(req, {AppStatus.certified.value}, "suspend")

    @workflow.update
    async def reinstate(self, req: CertificateAction) -> UpdateAck:
        return await self._life_action(req, AppStatus.certified, "valid",
                                       self._validate_reinstate)

    @reinstate.validator
    def _validate_reinstate(self, req: CertificateAction) -> None:
        self._expect_life(req, {AppStatus.suspended.value}, "reinstate")

    @workflow.update
    async def revoke(self, req: CertificateAction) -> UpdateAck:
        return await self._life_action(req, AppStatus.revoked, "revoked",
                                       self._validate_revoke)

    @revoke.validator
    def _validate_revoke(self, req: CertificateAction) -> None:
        self._expect_life(req, LIFE, "revoke")

    async def _life_action(self, req: CertificateAction, status: AppStatus, cert_status: str,
                           check: Any) -> UpdateAck:
        await self._opened()
        async with self._lock:
            self._recheck(check, req)
            await self._certificate_status(status, cert_status, req.actor_id, req.reason)
            return UpdateAck(self._state.status)

    def _expect_life(self, req: CertificateAction, allowed: set[str], what: str) -> None:
        if self._state.status not in allowed or self._state.certificate is None:
            raise ValueError(f"cannot {what} while the application is {self._state.status}")
        if not req.actor_id or not req.reason.strip():
            raise ValueError(f"to {what} a certificate needs the person and a reason")

    async def _certificate_status(self, status: AppStatus, cert_status: str, actor: str,
                                  reason: str) -> None:
        s = self._state
        assert s.certificate is not None
        at = self._now()
        await self._act(CertificationActivities.change_certificate_status,
                        CertificateStatusInput(s.application_id, s.certificate.id, cert_status,
                                               reason, actor, at, self._key("certificate")))
        s.certificate.status, s.certificate.status_reason = cert_status, reason
        if status in TERMINAL:
            s.timers = []
        self._move(status, actor, reason)

    @workflow.update
    async def record_surveillance(self, req: SurveillanceDone) -> UpdateAck:
        await self._opened()
        async with self._lock:
            self._recheck(self._validate_surveillance, req)
            cert = self._state.certificate
            assert cert is not None
            due = self._pending_surveillance()
            assert due is not None
            await self._act(CertificationActivities.record_surveillance, SurveillanceInput(
                cert.id, due, req, self._now(), self._key("surveillance")))
            cert.surveillance_done.append(due)
            index = str(cert.surveillance_due.index(due))
            self._state.timers = [t for t in self._state.timers
                                  if not (t.kind.startswith("surveillance") and t.ref == index)]
            self._epoch += 1
            return UpdateAck(self._state.status)

    @record_surveillance.validator
    def _validate_surveillance(self, req: SurveillanceDone) -> None:
        if self._state.status not in LIFE:
            raise ValueError(f"no surveillance while the application is {self._state.status}")
        if self._pending_surveillance() is None:
            raise ValueError("no surveillance is due during this certificate's validity")
        if req.outcome not in ("satisfactory", "unsatisfactory"):
            raise ValueError("the outcome is satisfactory or unsatisfactory")
        if not req.actor_id:
            raise ValueError("the person is required")

    def _pending_surveillance(self) -> str | None:
        cert = self._state.certificate
        if cert is None:
            return None
        return next((d for d in cert.surveillance_due if d not in cert.surveillance_done), None)

    @workflow.update
    async def renew(self, req: RenewalRequest) -> RenewalStarted:
        await self._opened()
        async with self._lock:
            self._recheck(self._validate_renew, req)
            s = self._state
            assert s.certificate is not None
            opened: RenewalOpened = await self._act(
                CertificationActivities.open_renewal,
                RenewalOpen(application_id=s.application_id,
                            new_application_id=workflow.uuid4().hex,
                            certificate_id=s.certificate.id, requested_by=req.requested_by,
                            at=self._now(), dedup_key=self._key("renewal")))
            # a run given its durations passes them on; otherwise the renewal reads settings
            config = s.config if s.caller_pinned_config else ProcessConfig()
            await workflow.start_child_workflow(
                CertificationWorkflow.run,
                CertificationInput(application_id=opened.application_id, org_id=opened.org_id,
                                   regimes=opened.regimes, created_by=req.requested_by,
                                   config=config, cycle=opened.cycle,
                                   previous_certificate_id=s.certificate.id),
                id=opened.workflow_id,
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
            )
            s.certificate.renewal_application_id = opened.application_id
            self._history("renewal", req.requested_by,
                          f"renewal cycle {opened.cycle}: application {opened.application_id}")
            return RenewalStarted(opened.application_id, opened.workflow_id, opened.cycle)

    @renew.validator
    def _validate_renew(self, req: RenewalRequest) -> None:
        if self._state.status != AppStatus.certified.value or self._state.certificate is None:
            raise ValueError(f"only a valid certificate is renewed; the application is "
                             f"{self._state.status}")
        if self._state.certificate.renewal_application_id:
            raise ValueError("a renewal is already open: application "
                             f"{self._state.certificate.renewal_application_id}")
        if not req.requested_by:
            raise ValueError("the person is required")

    # -- query ----------------------------------------------------------------------------

    @workflow.query
    def state(self) -> CertificationState:
        return self._state

    # -- helpers --------------------------------------------------------------------------

    async def _opened(self) -> None:
        await workflow.wait_condition(lambda: self._state.config_ready)

    def _recheck(self, check: Any, req: Any) -> None:
        try:
            check(req)
        except ValueError as exc:
            raise _refuse(str(exc)) from exc

    def _expect(self, status: AppStatus, what: str) -> None:
        if self._state.status != status.value:
            raise ValueError(f"cannot {what} while the application is {self._state.status}")

    def _expect_verifier(self, verifier_id: str) -> None:
        self._expect(AppStatus.awaiting_verification, "record verification work")
        if verifier_id != self._state.verifier_id:
            raise ValueError("only the assigned verifier may do this")

    def _finding(self, finding_id: str) -> FindingState | None:
        return next((f for f in self._state.verifier_findings if f.id == finding_id), None)

    def _round(self, number: int) -> RoundState | None:
        return next((r for r in self._state.rounds if r.round == number), None)

    def _now(self) -> str:
        return _iso(workflow.now())

    def _key(self, kind: str) -> str:
        """A dedup key unique to this recorded operation, stable across retries and replays."""
        self._state.events += 1
        return f"{workflow.info().workflow_id}/{kind}/{self._state.events}"

    async def _act(self, method: Any, arg: Any, timeout: timedelta | None = None) -> Any:
        return await workflow.execute_activity_method(
            method, arg,
            start_to_close_timeout=timeout
            or timedelta(seconds=self._state.config.activity_timeout_seconds),
            retry_policy=RETRY,
        )

    async def _notify(self, kind: str, role: str, due: str, en: str, zh: str, *,
                      round_no: int | None = None, org: str | None = None,
                      cert: bool = False) -> None:
        s = self._state
        s.notifications += 1
        await self._act(CertificationActivities.notify, NotificationInput(
            application_id=s.application_id, kind=kind, recipient_role=role, subject_en=en,
            subject_zh=zh, dedup_key=self._key(f"notify-{kind}"), at=self._now(), due_at=due,
            round=round_no, certificate_id=s.certificate.id if cert and s.certificate else None,
            recipient_org_id=org))

    def _history(self, status: str, actor: str, note: str) -> None:
        self._state.history.append(
            {"at": self._now(), "status": status, "actor": actor, "note": note})

    def _move(self, status: AppStatus, actor: str, note: str) -> None:
        """The in-workflow half of a status change: state, history, search attributes."""
        self._state.status = status.value
        self._history(status.value, actor, note)
        self._upsert_search_attributes()
        self._epoch += 1

    def _upsert_search_attributes(self) -> None:
        s = self._state
        updates = [SA_STATUS.value_set(s.status), SA_EXPORTER.value_set(s.org_id),
                   SA_REGIMES.value_set(list(s.regimes))]
        if s.certificate_number:
            updates.append(SA_CERTIFICATE.value_set(s.certificate_number))
        workflow.upsert_search_attributes(updates)

    async def _set_status(self, status: AppStatus, actor: str, note: str,
                          data: dict[str, Any] | None = None,
                          only_if_unchanged: bool = False) -> None:
        """Record a status change in the store and the audit chain (once, by dedup key).

        ``only_if_unchanged``: record the opening status only if no update has moved it yet.
        """
        if only_if_unchanged and self._state.status != status.value:
            return
        self._move(status, actor, note)
        await self._act(CertificationActivities.record_status, StatusChange(
            application_id=self._state.application_id, status=status.value, actor_id=actor,
            note=note, dedup_key=self._key("status"), data=data or {}, at=self._now()))


__all__ = ["CertificationWorkflow", "ApplicationError"]
