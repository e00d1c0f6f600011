"""Applications: open, submit a dossier, verify, decide. Each action is a workflow update."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body
from sqlmodel import col

from api import policy, services
from api.deps import CurrentUser, SessionDep, TemporalDep, require_role
from api.schemas import (
    ActionRead,
    ApplicationCreate,
    ApplicationDetail,
    ApplicationRead,
    DecisionCreate,
    SubmissionRead,
    VerificationCreate,
)
from store import Application, Organisation
from workflows import client as wf
from workflows.types import CertificationDecision, SubmitDossier, VerifierApproval

router = APIRouter(prefix="/applications", tags=["applications"])


@router.post("", response_model=ApplicationRead, status_code=201,
             dependencies=[require_role("exporter", "consultant")])
async def create_application(
    body: ApplicationCreate, user: CurrentUser, session: SessionDep, temporal: TemporalDep
) -> Application:
    product = policy.product_for(session, user, body.product_id)
    return await services.open_application(session, temporal, user, product, list(body.regimes))


@router.get("", response_model=list[ApplicationRead])
def list_applications(user: CurrentUser, session: SessionDep) -> list[Application]:
    q = policy.applications_query(user).order_by(col(Application.created_at).desc())
    return list(session.exec(q).all())


@router.get("/{application_id}", response_model=ApplicationDetail)
def get_application(application_id: str, user: CurrentUser, session: SessionDep) -> ApplicationDetail:
    app = policy.application_for(session, user, application_id)
    return services.application_detail(session, app)


@router.post("/{application_id}/dossier", response_model=SubmissionRead,
             dependencies=[require_role("exporter", "consultant")])
async def submit_dossier(
    application_id: str,
    user: CurrentUser,
    session: SessionDep,
    temporal: TemporalDep,
    dossier: dict[str, Any] = Body(..., description="A footprint dossier (see footprint.Dossier)"),
) -> Any:
    policy.application_for(session, user, application_id)
    services.validate_dossier(dossier)
    outcome = await services.run_update(
        wf.submit_dossier(temporal, application_id, SubmitDossier(dossier=dossier, submitted_by=user.id))
    )
    return SubmissionRead(**outcome.__dict__)


@router.post("/{application_id}/verification", response_model=ActionRead,
             dependencies=[require_role("verifier")])
async def verify(
    application_id: str, body: VerificationCreate, user: CurrentUser, session: SessionDep,
    temporal: TemporalDep,
) -> ActionRead:
    policy.application_for(session, user, application_id)
    org = session.get(Organisation, user.org_id)
    if org is None or org.kind != "verification_body" or not org.accredited:
        raise services.Problem("forbidden", "Only verifiers of an accredited verification body may verify.",
                               "只有获认可的核查机构的核查员可以核查。")
    ack = await services.run_update(
        wf.approve(temporal, application_id,
                   VerifierApproval(verifier_id=user.id, verifier_org_id=user.org_id, **body.model_dump()))
    )
    return ActionRead(status=ack.status)


@router.post("/{application_id}/decision", response_model=ActionRead,
             dependencies=[require_role("certifier")])
async def decide(
    application_id: str, body: DecisionCreate, user: CurrentUser, session: SessionDep,
    temporal: TemporalDep,
) -> ActionRead:
    policy.application_for(session, user, application_id)
    ack = await services.run_update(
        wf.decide(temporal, application_id,
                  CertificationDecision(certifier_id=user.id, approve=body.approve, reasons=body.reasons))
    )
    return ActionRead(status=ack.status)
