"""Certification process actions beyond submission: intake review, verifier assignment,
review work and findings, corrective actions, the verifier's opinion, and the certificate's
life (suspension, reinstatement, revocation, surveillance, renewal). Each action is one update
of the application's workflow, which enforces the process rules (workflows/certification.py
and its mixins in workflows/verification.py and workflows/lifecycle.py); routes only authorise
and translate."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from api import policy
from api.deps import CurrentUser, SessionDep, TemporalDep, require_role
from api.problems import Problem
from api.schemas import ActionRead
from api.schemas_process import (
    AssignmentCreate,
    CertificateActionCreate,
    CorrectiveAnswerCreate,
    CorrectiveCreate,
    FindingAckRead,
    FindingClose,
    FindingCreate,
    IntakeCreate,
    OpinionCreate,
    ProcessRead,
    RenewalRead,
    ReviewCreate,
    RoundRead,
    SurveillanceCreate,
)
from api.services import run_update
from workflows import client as wf
from workflows.types import (
    AssignVerifier,
    CertificateAction,
    CloseFinding,
    CorrectiveAnswer,
    CorrectiveRequest,
    IntakeDecision,
    RaiseFinding,
    RenewalRequest,
    ReviewWork,
    SiteVisit,
    SurveillanceDone,
    VerifierApproval,
)

router = APIRouter(tags=["process"])
APP = "/applications/{application_id}"
CERT = "/certificates/{number}"


async def _update(temporal: Any, application_id: str, name: str, req: Any) -> Any:
    return await run_update(wf.update(temporal, application_id, name, req))


@router.get(APP + "/process", response_model=ProcessRead,
            summary="Live process detail (workflow query)")
async def process_detail(application_id: str, user: CurrentUser, session: SessionDep,
                         temporal: TemporalDep) -> ProcessRead:
    app = policy.application_for(session, user, application_id)
    try:
        st = await wf.query_state(temporal, app.id)
    except Exception as exc:
        raise Problem("unavailable", "The process engine did not answer.",
                      "流程引擎未响应。") from exc
    return ProcessRead(application_id=app.id, status=st.status, cycle=st.cycle,
                       state=dataclasses.asdict(st))


@router.post(APP + "/intake", response_model=ActionRead,
             dependencies=[require_role("certifier")], summary="Document review")
async def intake(application_id: str, body: IntakeCreate, user: CurrentUser,
                 session: SessionDep, temporal: TemporalDep) -> ActionRead:
    app = policy.application_for(session, user, application_id)
    ack = await _update(temporal, app.id, "review_intake",
                        IntakeDecision(reviewer_id=user.id, accept=body.accept,
                                       reasons=list(body.reasons)))
    return ActionRead(status=ack.status)


@router.post(APP + "/assignment", response_model=ActionRead,
             dependencies=[require_role("certifier")], summary="Assign a verifier")
async def assign(application_id: str, body: AssignmentCreate, user: CurrentUser,
                 session: SessionDep, temporal: TemporalDep) -> ActionRead:
    """Refused (422) with each reason: not an accredited verification body's verifier,
    conflict of interest (the applicant's organisation or its consultant), rotation."""
    app = policy.application_for(session, user, application_id)
    req = AssignVerifier(verifier_id=body.verifier_id, assigned_by=user.id)
    ack = await run_update(_assign(temporal, app.id, req))
    return ActionRead(status=ack.status)


async def _assign(temporal: Any, application_id: str, req: AssignVerifier) -> Any:
    try:
        return await wf.update(temporal, application_id, "assign_verifier", req)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError) and cause.type == "AssignmentRejected":
            reasons = list(cause.details[0]["reasons"]) if cause.details else [str(cause)]
            raise Problem("rejected", str(cause), errors=[
                {"path": "verifier_id", "message": r} for r in reasons]) from exc
        raise


@router.post(APP + "/review", response_model=ActionRead,
             dependencies=[require_role("verifier")], summary="Record review work")
async def review(application_id: str, body: ReviewCreate, user: CurrentUser,
                 session: SessionDep, temporal: TemporalDep) -> ActionRead:
    app = policy.application_for(session, user, application_id)
    ack = await _update(temporal, app.id, "record_review", ReviewWork(
        verifier_id=user.id, lines_checked=list(body.lines_checked),
        sampling_notes=body.sampling_notes,
        site_visits=[SiteVisit(mode=v.mode, date=v.date.isoformat(), notes=v.notes)
                     for v in body.site_visits]))
    return ActionRead(status=ack.status)


@router.post(APP + "/findings", response_model=FindingAckRead, status_code=201,
             dependencies=[require_role("verifier")], summary="Raise a finding")
async def raise_finding(application_id: str, body: FindingCreate, user: CurrentUser,
                        session: SessionDep, temporal: TemporalDep) -> FindingAckRead:
    app = policy.application_for(session, user, application_id)
    ack = await _update(temporal, app.id, "raise_finding", RaiseFinding(
        verifier_id=user.id, kind=body.kind, lines=list(body.lines),
        description=body.description))
    return FindingAckRead(finding_id=ack.finding_id, status=ack.status)


@router.post(APP + "/findings/{finding_id}/closure", response_model=FindingAckRead,
             dependencies=[require_role("verifier")], summary="Close a finding")
async def close_finding(application_id: str, finding_id: str, body: FindingClose,
                        user: CurrentUser, session: SessionDep,
                        temporal: TemporalDep) -> FindingAckRead:
    app = policy.application_for(session, user, application_id)
    ack = await _update(temporal, app.id, "close_finding",
                        CloseFinding(verifier_id=user.id, finding_id=finding_id, note=body.note))
    return FindingAckRead(finding_id=ack.finding_id, status=ack.status)


@router.post(APP + "/corrective-actions", response_model=RoundRead,
             dependencies=[require_role("verifier")],
             summary="Send non-conformities to the exporter with a deadline")
async def request_corrective_action(application_id: str, body: CorrectiveCreate,
                                    user: CurrentUser, session: SessionDep,
                                    temporal: TemporalDep) -> RoundRead:
    app = policy.application_for(session, user, application_id)
    ack = await _update(temporal, app.id, "request_corrective_action", CorrectiveRequest(
        verifier_id=user.id, finding_ids=list(body.finding_ids), note=body.note))
    return RoundRead(**dataclasses.asdict(ack))


@router.post(APP + "/corrective-actions/answer", response_model=RoundRead,
             dependencies=[require_role("exporter", "consultant")],
             summary="Answer the open corrective-action round")
async def answer_corrective_action(application_id: str, body: CorrectiveAnswerCreate,
                                   user: CurrentUser, session: SessionDep,
                                   temporal: TemporalDep) -> RoundRead:
    app = policy.application_for(session, user, application_id)
    ack = await _update(temporal, app.id, "answer_corrective_action", CorrectiveAnswer(
        answered_by=user.id, responses=dict(body.responses), dossier=body.dossier,
        evidence_sha256=list(body.evidence_sha256)))
    return RoundRead(**dataclasses.asdict(ack))


@router.post(APP + "/opinion", response_model=ActionRead,
             dependencies=[require_role("verifier")],
             summary="Issue the verification opinion (ISO 14064-3)")
async def opinion(application_id: str, body: OpinionCreate, user: CurrentUser,
                  session: SessionDep, temporal: TemporalDep) -> ActionRead:
    app = policy.application_for(session, user, application_id)
    ack = await _update(temporal, app.id, "approve", VerifierApproval(
        verifier_id=user.id, verifier_org_id=user.org_id, opinion=body.opinion,
        level_of_assurance=body.level_of_assurance,
        materiality_percent=body.materiality_percent,
        misstatement_percent=body.misstatement_percent, notes=body.statement))
    return ActionRead(status=ack.status)


# -- certificate life --------------------------------------------------------------------------


def _certificate_app(session: SessionDep, user: Any, number: str) -> str:
    return policy.certificate_for(session, user, number).application_id


@router.post(CERT + "/suspension", response_model=ActionRead,
             dependencies=[require_role("certifier")], summary="Suspend a certificate")
async def suspend(number: str, body: CertificateActionCreate, user: CurrentUser,
                  session: SessionDep, temporal: TemporalDep) -> ActionRead:
    ack = await _update(temporal, _certificate_app(session, user, number), "suspend",
                        CertificateAction(actor_id=user.id, reason=body.reason))
    return ActionRead(status=ack.status)


@router.post(CERT + "/reinstatement", response_model=ActionRead,
             dependencies=[require_role("certifier")], summary="Reinstate a suspended certificate")
async def reinstate(number: str, body: CertificateActionCreate, user: CurrentUser,
                    session: SessionDep, temporal: TemporalDep) -> ActionRead:
    ack = await _update(temporal, _certificate_app(session, user, number), "reinstate",
                        CertificateAction(actor_id=user.id, reason=body.reason))
    return ActionRead(status=ack.status)


@router.post(CERT + "/revocation", response_model=ActionRead,
             dependencies=[require_role("certifier")], summary="Revoke a certificate")
async def revoke(number: str, body: CertificateActionCreate, user: CurrentUser,
                 session: SessionDep, temporal: TemporalDep) -> ActionRead:
    ack = await _update(temporal, _certificate_app(session, user, number), "revoke",
                        CertificateAction(actor_id=user.id, reason=body.reason))
    return ActionRead(status=ack.status)


@router.post(CERT + "/surveillance", response_model=ActionRead,
             dependencies=[require_role("certifier")], summary="Record a surveillance")
async def surveillance(number: str, body: SurveillanceCreate, user: CurrentUser,
                       session: SessionDep, temporal: TemporalDep) -> ActionRead:
    ack = await _update(temporal, _certificate_app(session, user, number),
                        "record_surveillance",
                        SurveillanceDone(actor_id=user.id, outcome=body.outcome,
                                         notes=body.notes))
    return ActionRead(status=ack.status)


@router.post(CERT + "/renewal", response_model=RenewalRead, status_code=201,
             dependencies=[require_role("exporter", "consultant")],
             summary="Open the renewal cycle of a valid certificate")
async def renew(number: str, user: CurrentUser, session: SessionDep,
                temporal: TemporalDep) -> RenewalRead:
    started = await _update(temporal, _certificate_app(session, user, number), "renew",
                            RenewalRequest(requested_by=user.id))
    return RenewalRead(application_id=started.application_id, cycle=started.cycle)
