"""The certification workflow: orchestration only, deterministic, all I/O in activities.

One run per application cycle:

    awaiting_submission --submit--> assessing --(blocking findings)--> returned --submit--> ...
                                        |
                                        v
    awaiting_verification --approve--> awaiting_decision --decide--> issuing -> certified
                                                              \\--> refused

Human actions arrive as updates whose validators reject a wrong action before anything is
recorded. The detail view is the ``state`` query.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from footprint import Dossier
    from workflows.activities import CertificationActivities
    from workflows.types import (
        AppStatus,
        AssessInput,
        AssessOutput,
        CertificationDecision,
        CertificationInput,
        CertificationOutput,
        CertificationState,
        IssuedCertificate,
        IssueInput,
        RecordSubmissionInput,
        RecordSubmissionOutput,
        StatusChange,
        SubmissionOutcome,
        SubmitDossier,
        UpdateAck,
        VerifierApproval,
    )

RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=20,
    non_retryable_error_types=["InvalidDossier", "NotFound", "Conflict"],
)

SYSTEM_ACTOR = "system"
SUBMITTABLE = {AppStatus.awaiting_submission.value, AppStatus.returned.value}


@workflow.defn
class CertificationWorkflow:
    @workflow.init
    def __init__(self, inp: CertificationInput) -> None:
        # The input is here from construction: an update may arrive in the very first
        # activation, before `run` has started.
        self._input: CertificationInput | None = inp
        self._state = CertificationState(
            application_id=inp.application_id, status=AppStatus.awaiting_submission.value
        )
        self._approval: VerifierApproval | None = None
        self._decision: CertificationDecision | None = None

    # -- main body ------------------------------------------------------------------------

    @workflow.run
    async def run(self, inp: CertificationInput) -> CertificationOutput:
        await self._set_status(AppStatus.awaiting_submission, inp.created_by, "application opened",
                               only_if_unchanged=True)

        await workflow.wait_condition(lambda: self._approval is not None)
        assert self._approval is not None
        await workflow.wait_condition(lambda: self._decision is not None)
        decision = self._decision
        assert decision is not None
        if not decision.approve:
            await self._set_status(AppStatus.refused, decision.certifier_id, decision.reasons)
            return self._output()

        await self._set_status(AppStatus.issuing, decision.certifier_id, decision.reasons)
        issued: IssuedCertificate = await workflow.execute_activity_method(
            CertificationActivities.issue_certificate,
            IssueInput(
                application_id=inp.application_id,
                verifier_id=self._approval.verifier_id,
                certifier_id=decision.certifier_id,
                opinion=self._approval.opinion,
                decision_date=workflow.now().isoformat(),
                validity_days=inp.config.certificate_validity_days,
                regimes=list(inp.regimes),
            ),
            start_to_close_timeout=self._timeout(),
            retry_policy=RETRY,
        )
        self._state.certificate_number = issued.number
        await self._set_status(
            AppStatus.certified, decision.certifier_id, f"certificate {issued.number} issued"
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._output()

    # -- submission -----------------------------------------------------------------------

    @workflow.update
    async def submit(self, req: SubmitDossier) -> SubmissionOutcome:
        assert self._input is not None
        inp = self._input
        if self._state.status not in SUBMITTABLE:  # two updates validated in one activation
            raise ApplicationError(
                f"a dossier cannot be submitted while the application is {self._state.status}",
                type="Conflict",
            )
        # The status moves synchronously, so a later submission in flight is refused.
        self._state.status = AppStatus.assessing.value
        version = self._state.dossier_versions + 1
        self._state.dossier_versions = version
        recorded: RecordSubmissionOutput = await workflow.execute_activity_method(
            CertificationActivities.record_submission,
            RecordSubmissionInput(
                application_id=inp.application_id,
                version=version,
                dossier=req.dossier,
                submitted_by=req.submitted_by,
                evidence_sha256=list(req.evidence_sha256),
            ),
            start_to_close_timeout=self._timeout(),
            retry_policy=RETRY,
        )
        await self._set_status(AppStatus.assessing, req.submitted_by, f"dossier v{version}")
        assessed: AssessOutput = await workflow.execute_activity_method(
            CertificationActivities.assess,
            AssessInput(
                application_id=inp.application_id,
                version=recorded.version,
                regimes=list(inp.regimes),
                as_of=workflow.now().date().isoformat(),
            ),
            start_to_close_timeout=self._timeout(),
            retry_policy=RETRY,
        )
        self._state.footprint_total = assessed.footprint_total
        self._state.footprint_unit = assessed.footprint_unit
        self._state.blocking_findings = assessed.blocking_findings
        self._state.findings = len(assessed.findings)
        if assessed.blocking_findings:
            status = AppStatus.returned
            note = f"v{version}: {assessed.blocking_findings} blocking finding(s)"
        else:
            status = AppStatus.awaiting_verification
            note = f"v{version}: no blocking findings"
        await self._set_status(status, SYSTEM_ACTOR, note)
        return SubmissionOutcome(
            version=version,
            status=status.value,
            footprint_total=assessed.footprint_total,
            footprint_unit=assessed.footprint_unit,
            blocking_findings=assessed.blocking_findings,
            findings=assessed.findings,
        )

    @submit.validator
    def _validate_submit(self, req: SubmitDossier) -> None:
        if self._state.status not in SUBMITTABLE:
            raise ValueError(f"a dossier cannot be submitted while the application is {self._state.status}")
        Dossier.model_validate(req.dossier)  # raises pydantic.ValidationError: update rejected

    # -- verification and decision --------------------------------------------------------

    @workflow.update
    async def approve(self, req: VerifierApproval) -> UpdateAck:
        self._approval = req
        self._state.verifier_id = req.verifier_id
        await self._set_status(
            AppStatus.awaiting_decision,
            req.verifier_id,
            f"opinion {req.opinion}, {req.level_of_assurance} assurance, materiality {req.materiality_percent}%",
            data={"opinion": req.opinion, "level_of_assurance": req.level_of_assurance,
                  "materiality_percent": req.materiality_percent, "notes": req.notes},
        )
        return UpdateAck(status=self._state.status)

    @approve.validator
    def _validate_approve(self, req: VerifierApproval) -> None:
        assert self._input is not None
        if self._state.status != AppStatus.awaiting_verification.value:
            raise ValueError(f"nothing to verify while the application is {self._state.status}")
        if req.verifier_org_id == self._input.org_id:
            raise ValueError("conflict of interest: the verifier belongs to the applicant's organisation")
        if req.opinion not in {"unmodified", "modified", "adverse", "disclaimer"}:
            raise ValueError(f"unknown opinion type {req.opinion!r}")
        if req.opinion in {"adverse", "disclaimer"}:
            raise ValueError("an adverse opinion or a disclaimer cannot approve a dossier")

    @workflow.update
    async def decide(self, req: CertificationDecision) -> UpdateAck:
        self._decision = req
        self._state.certifier_id = req.certifier_id
        await workflow.wait_condition(
            lambda: self._state.status in {AppStatus.refused.value, AppStatus.issuing.value,
                                           AppStatus.certified.value}
        )
        return UpdateAck(status=self._state.status)

    @decide.validator
    def _validate_decide(self, req: CertificationDecision) -> None:
        if self._state.status != AppStatus.awaiting_decision.value:
            raise ValueError(f"nothing to decide while the application is {self._state.status}")
        if self._approval is not None and req.certifier_id == self._approval.verifier_id:
            raise ValueError(
                "separation of duties (ISO/IEC 17065 7.6): the person who verified cannot decide"
            )

    @workflow.query
    def state(self) -> CertificationState:
        return self._state

    # -- helpers --------------------------------------------------------------------------

    def _timeout(self) -> timedelta:
        assert self._input is not None
        return timedelta(seconds=self._input.config.activity_timeout_seconds)

    def _output(self) -> CertificationOutput:
        return CertificationOutput(
            application_id=self._state.application_id,
            status=self._state.status,
            certificate_number=self._state.certificate_number,
        )

    async def _set_status(
        self,
        status: AppStatus,
        actor: str,
        note: str,
        data: dict | None = None,
        only_if_unchanged: bool = False,
    ) -> None:
        """Record a status change in the store and the audit log (idempotent by dedup key).

        ``only_if_unchanged``: record the opening status only if no update has moved it yet.
        """
        if only_if_unchanged and self._state.status != status.value:
            return
        self._state.status = status.value
        seq = len(self._state.history)
        self._state.history.append(
            {"at": workflow.now().isoformat(), "status": status.value, "actor": actor, "note": note}
        )
        info = workflow.info()
        await workflow.execute_activity_method(
            CertificationActivities.record_status,
            StatusChange(
                application_id=self._state.application_id,
                status=status.value,
                actor_id=actor,
                note=note,
                dedup_key=f"{info.workflow_id}/{info.run_id}/status/{seq}",
                data=data or {},
            ),
            start_to_close_timeout=self._timeout(),
            retry_policy=RETRY,
        )


__all__ = ["CertificationWorkflow", "ApplicationError"]
