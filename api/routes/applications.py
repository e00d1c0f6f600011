"""Applications: open, submit a dossier, verify, decide. Each action is a workflow update."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response

from api import policy, services
from api.deps import (
    CurrentUser,
    PageDep,
    SessionDep,
    TemporalDep,
    VisibleApplication,
)
from api.idempotency import IdempotencyDep
from api.openapi import problems_for
from api.pagination import paginate, sorts
from api.schemas import (
    ActionRead,
    ApplicationCreate,
    ApplicationDetail,
    ApplicationRead,
    DecisionCreate,
    SubmissionRead,
    VerificationCreate,
)
from store import Application
from workflows import client as wf
from workflows.types import AppStatus, CertificationDecision, VerifierApproval

router = APIRouter(prefix="/applications", tags=["applications"])
SORTS = sorts(Application, "created_at", "updated_at")
StatusName = Literal[tuple(s.value for s in AppStatus)]  # type: ignore[valid-type]
UPDATE_PROBLEMS = problems_for("rejected", "conflict", "unavailable")


@router.post("", response_model=ApplicationRead, status_code=201,
             summary="Open an application (starts its certification process)")
async def create_application(
    body: ApplicationCreate, user: CurrentUser, session: SessionDep, temporal: TemporalDep,
    idem: IdempotencyDep, request: Request,
) -> Any:
    async def create() -> ApplicationRead:
        product = policy.product_for(session, user, body.product_id)
        app = await services.open_application(request.app.state.sessions, temporal, user, product,
                                               list(body.regimes))
        return ApplicationRead.model_validate(app)

    return await idem.arun(body, create)


@router.get("", response_model=list[ApplicationRead], summary="List applications")
def list_applications(
    user: CurrentUser, session: SessionDep, page: PageDep, request: Request, response: Response,
    sort: Annotated[Literal["created_at", "-created_at", "updated_at", "-updated_at"],
                    Query()] = "-created_at",
    status: Annotated[StatusName | None, Query()] = None,
    product_id: Annotated[str | None, Query(max_length=32)] = None,
) -> list[Application]:
    q = policy.applications_query(user)
    if status is not None:
        q = q.where(Application.status == status)
    if product_id is not None:
        q = q.where(Application.product_id == product_id)
    return paginate(session, q, SORTS[sort], limit=page.limit, cursor=page.cursor,
                    request=request, response=response)


@router.get("/{application_id}", response_model=ApplicationDetail,
            summary="One application with history, findings, footprint and certificate")
def get_application(app: VisibleApplication, session: SessionDep) -> ApplicationDetail:
    return services.application_detail(session, app)


@router.post("/{application_id}/dossier", response_model=SubmissionRead,
             summary="Submit a dossier (JSON)", responses=UPDATE_PROBLEMS)
async def submit_dossier(
    app: VisibleApplication,
    user: CurrentUser,
    session: SessionDep,
    temporal: TemporalDep,
    dossier: dict[str, Any] = Body(..., description="A footprint dossier (see footprint.Dossier)"),
) -> Any:
    """Validated at once (every invalid field with its path); then calculated and checked
    against the application's rule packs by the process."""
    services.validate_dossier(dossier)
    return await services.submit(session, temporal, user, app, dossier)


@router.post("/{application_id}/verification", response_model=ActionRead,
             summary="Give the verification opinion (ISO 14064-3)", responses=UPDATE_PROBLEMS)
async def verify(
    app: VisibleApplication, body: VerificationCreate, user: CurrentUser, session: SessionDep,
    temporal: TemporalDep,
) -> ActionRead:
    policy.ensure_accredited_verifier(session, user)
    ack = await services.run_update(
        wf.approve(temporal, app.id,
                   VerifierApproval(verifier_id=user.id, verifier_org_id=user.org_id, **body.model_dump()))
    )
    return ActionRead(status=ack.status)


@router.post("/{application_id}/decision", response_model=ActionRead,
             summary="Decide on certification (separation of duties enforced)",
             responses=UPDATE_PROBLEMS)
async def decide(
    app: VisibleApplication, body: DecisionCreate, user: CurrentUser, temporal: TemporalDep,
) -> ActionRead:
    ack = await services.run_update(
        wf.decide(temporal, app.id,
                  CertificationDecision(certifier_id=user.id, approve=body.approve, reasons=body.reasons))
    )
    return ActionRead(status=ack.status)
