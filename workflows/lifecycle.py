"""The certificate's life after issuance: surveillance, suspension, reinstatement, revocation,
expiry and renewal.

A mixin of :class:`workflows.certification.CertificationWorkflow` (state and helpers from
:class:`workflows.base.WorkflowBase`)::

    certified <--suspend / reinstate--> suspended;  certified|suspended --revoke--> revoked
    certified|suspended --(validity ends)--> expired;  certified --renew--> new cycle (child)

``_start_life`` schedules the surveillance reminders and deadlines and the expiry as durable
timers in the state; the main loop fires them through ``_fire_life``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow

from workflows.base import WorkflowBase, dt, iso

with workflow.unsafe.imports_passed_through():
    from workflows.activities import CertificationActivities
    from workflows.types import (
        SYSTEM_ACTOR,
        TERMINAL,
        AppStatus,
        CertificateAction,
        CertificateState,
        CertificateStatusInput,
        CertificationInput,
        IssuedCertificate,
        ProcessConfig,
        RenewalOpen,
        RenewalOpened,
        RenewalRequest,
        RenewalStarted,
        SurveillanceDone,
        SurveillanceInput,
        Timer,
        UpdateAck,
    )

LIFE = {AppStatus.certified.value, AppStatus.suspended.value}


def surveillance_dues(start: datetime, end: datetime, interval: timedelta) -> list[str]:
    """Surveillance due dates (ISO): every ``interval`` after ``start``, strictly before ``end``."""
    dues: list[str] = []
    due = start + interval
    while due < end and interval.total_seconds() > 0:
        dues.append(iso(due))
        due += interval
    return dues


class CertificateLife(WorkflowBase):
    """Updates and timers of an issued certificate, on the workflow's state."""

    # -- issuance and timers ----------------------------------------------------------------

    def _start_life(self, issued: IssuedCertificate) -> None:
        s = self._state
        dues = surveillance_dues(dt(issued.valid_from), dt(issued.valid_until),
                                 timedelta(seconds=s.config.surveillance_interval_seconds))
        s.certificate_number = issued.number
        s.certificate = CertificateState(id=issued.certificate_id, number=issued.number,
                                         status="valid", valid_from=issued.valid_from,
                                         valid_until=issued.valid_until, surveillance_due=dues)
        now = workflow.now()
        for i, d in enumerate(dues):
            reminder = dt(d) - timedelta(seconds=s.config.surveillance_reminder_seconds)
            if reminder > now:
                s.timers.append(Timer(iso(reminder), "surveillance_reminder", str(i)))
            s.timers.append(Timer(d, "surveillance_due", str(i)))
        s.timers.append(Timer(issued.valid_until, "expiry"))

    async def _fire_life(self, timer: Timer) -> None:
        """A surveillance reminder or deadline (``timer.ref``: its index), or the expiry."""
        s = self._state
        if timer.kind in ("surveillance_reminder", "surveillance_due") and s.certificate:
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
                type(self).run,  # CertificationWorkflow.run: this workflow's type
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
