"""The verifier's work on an application: review of lines, findings, corrective-action rounds.

A mixin of :class:`workflows.certification.CertificationWorkflow` (state and helpers from
:class:`workflows.base.WorkflowBase`). Every handler here runs while the application is
``awaiting_verification`` (or ``corrective_action`` for the exporter's answer); a round's
reminders and deadline are durable timers in the state, fired by the main loop through
``_fire_corrective``. The verifier's opinion, which ends this stage, is in the workflow module.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

from workflows.base import WorkflowBase, iso

with workflow.unsafe.imports_passed_through():
    from footprint import Dossier
    from workflows.activities import CertificationActivities
    from workflows.types import (
        FINDING_KINDS,
        NONCONFORMITIES,
        SYSTEM_ACTOR,
        AppStatus,
        CloseFinding,
        CorrectiveAnswer,
        CorrectiveRequest,
        FindingAck,
        FindingClosure,
        FindingRecordInput,
        FindingState,
        RaiseFinding,
        ReviewRecord,
        ReviewWork,
        RoundAck,
        RoundAnswer,
        RoundOpen,
        RoundState,
        Timer,
        UpdateAck,
    )


class VerificationStage(WorkflowBase):
    """Updates of the verifier (and the exporter's answer to a round) on the workflow's state."""

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
                             requested_by=req.verifier_id, requested_at=iso(now),
                             deadline=iso(deadline))
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
                    s.timers.append(Timer(iso(at), "ca_reminder", str(rnd.round)))
            s.timers.append(Timer(iso(deadline), "ca_deadline", str(rnd.round)))
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

    async def _fire_corrective(self, timer: Timer) -> None:
        """A corrective-action round's reminder or deadline (``timer.ref``: the round)."""
        s = self._state
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
            rnd.escalated_at = iso(workflow.now())
            await self._notify("ca_escalation", "certifier", rnd.deadline,
                               f"Escalation: corrective actions of round {rnd.round} were "
                               f"not answered by {rnd.deadline}",
                               f"升级：第 {rnd.round} 轮纠正措施未在 {rnd.deadline} 前答复",
                               round_no=rnd.round)
            self._history("corrective_action.escalated", SYSTEM_ACTOR,
                          f"round {rnd.round} deadline missed")

    # -- lookups -------------------------------------------------------------------------

    def _expect_verifier(self, verifier_id: str) -> None:
        self._expect(AppStatus.awaiting_verification, "record verification work")
        if verifier_id != self._state.verifier_id:
            raise ValueError("only the assigned verifier may do this")

    def _finding(self, finding_id: str) -> FindingState | None:
        return next((f for f in self._state.verifier_findings if f.id == finding_id), None)

    def _round(self, number: int) -> RoundState | None:
        return next((r for r in self._state.rounds if r.round == number), None)
