"""The shared half of the certification workflow: its state, how it calls activities and records.

:class:`WorkflowBase` holds what every stage of :class:`workflows.certification.CertificationWorkflow`
uses: the update checks (``_opened``, ``_recheck``, ``_expect``), dedup keys, the one way to run an
activity (timeout from the config, ``RETRY``), notifications, status changes (state, history,
search attributes, store and audit chain) and the recording of a dossier version. The stages are
mixins of it (:mod:`workflows.verification`, :mod:`workflows.lifecycle`); the workflow class
combines them. Imported inside the sandbox: no I/O at import.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from workflows.activities import CertificationActivities
    from workflows.types import (
        SYSTEM_ACTOR,
        AppStatus,
        AssessInput,
        AssessOutput,
        CertificationInput,
        CertificationState,
        NotificationInput,
        RecordSubmissionInput,
        RecordSubmissionOutput,
        StatusChange,
    )

RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=20,
    non_retryable_error_types=["InvalidDossier", "NotFound", "Conflict", "UnknownLine",
                               "InvalidReview"],
)

SA_STATUS = SearchAttributeKey.for_keyword("TanpassStatus")
SA_EXPORTER = SearchAttributeKey.for_keyword("TanpassExporter")
SA_REGIMES = SearchAttributeKey.for_keyword_list("TanpassRegimes")
SA_CERTIFICATE = SearchAttributeKey.for_keyword("TanpassCertificate")


def iso(value: datetime) -> str:
    return value.isoformat()


def dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def refuse(message: str) -> ApplicationError:
    """A handler's re-check failed: the update fails, the run goes on."""
    return ApplicationError(message, type="Conflict", non_retryable=True)


class WorkflowBase:
    """State and shared helpers of the certification workflow (set up by its ``__init__``)."""

    _input: CertificationInput
    _state: CertificationState
    _lock: asyncio.Lock
    _epoch: int  # bumped whenever timers or the status change: wakes the main loop

    # -- shared helpers -------------------------------------------------------------------

    async def _opened(self) -> None:
        await workflow.wait_condition(lambda: self._state.config_ready)

    def _recheck(self, check: Any, req: Any) -> None:
        try:
            check(req)
        except ValueError as exc:
            raise refuse(str(exc)) from exc

    def _expect(self, status: AppStatus, what: str) -> None:
        if self._state.status != status.value:
            raise ValueError(f"cannot {what} while the application is {self._state.status}")

    def _now(self) -> str:
        return iso(workflow.now())

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

