"""Operations that span the store and the process engine, kept out of the routes."""

from __future__ import annotations

from typing import Any

import pydantic
from sqlmodel import Session, select
from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.problems import Problem
from api.schemas import (
    ApplicationDetail,
    FindingRead,
    FootprintSummary,
    StatusEventRead,
    SubmissionRead,
)
from config import get_settings
from store import (
    Application,
    ApplicationEvent,
    Certificate,
    Evidence,
    FindingRecord,
    FootprintRecord,
    Product,
    SessionFactory,
    transaction,
)
from workflows import client as wf
from workflows.types import CertificationInput, ProcessConfig, SubmitDossier


async def open_application(
    sessions: SessionFactory, temporal: Client, user: Any, product: Product, regimes: list[str]
) -> Application:
    """Create the application row and start its workflow; neither survives without the other.

    The row is written in its own short transaction (``store.transaction``), never through the
    request's session: that session has already read (policy lookups), and on SQLite a write
    cannot follow a read snapshot that another writer has since overtaken ("database is locked").
    """
    settings = get_settings()
    from api.policy import tenant_of

    with transaction(sessions) as s:
        app = Application(org_id=tenant_of(user), product_id=product.id, regimes=list(regimes),
                          status="awaiting_submission", workflow_id="", created_by=user.id)
        app.workflow_id = wf.workflow_id_for(app.id)
        s.add(app)
    try:
        await wf.start_certification(
            temporal,
            settings.task_queue,
            CertificationInput(
                application_id=app.id,
                org_id=app.org_id,
                regimes=list(regimes),
                created_by=user.id,
                config=ProcessConfig(certificate_validity_days=settings.certificate_validity_days),
            ),
        )
    except Exception as exc:
        with transaction(sessions) as s:
            row = s.get(Application, app.id)
            if row is not None:
                s.delete(row)
        raise Problem("unavailable", "The process engine did not start the application.",
                      "流程引擎未能启动申请。") from exc
    return app


def _cause(exc: BaseException) -> str:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return str(exc)


async def run_update(coro):  # noqa: ANN001, ANN201 - awaits a workflow update
    """Await a workflow update; a refusal by its validator becomes a 422/409 problem, an
    engine that cannot be reached a 503, a process that is no longer running a 409."""
    try:
        return await coro
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        reason = _cause(exc)
        if isinstance(cause, ApplicationError) and cause.type == "Conflict":
            raise Problem("conflict", reason) from exc
        raise Problem("rejected", reason) from exc
    except RPCError as exc:
        if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
            raise Problem("conflict", "The process of this application is not running.",
                          "此申请的流程未在运行。") from exc
        raise Problem("unavailable", "The process engine did not answer.", "流程引擎未响应。",
                      headers={"Retry-After": "5"}) from exc
    except WorkflowUpdateRPCTimeoutOrCancelledError as exc:
        raise Problem("unavailable", "The process engine did not answer in time.",
                      "流程引擎未及时响应。", headers={"Retry-After": "5"}) from exc


async def submit(session: Session, temporal: Client, user: Any, app: Application,
                 dossier: dict) -> SubmissionRead:
    """Send a validated dossier to the application's process, with the evidence on file."""
    evidence = session.exec(
        select(Evidence.blob_sha256).where(Evidence.application_id == app.id)
        .order_by(Evidence.created_at)
    ).all()
    outcome = await run_update(wf.submit_dossier(
        temporal, app.id,
        SubmitDossier(dossier=dossier, submitted_by=user.id, evidence_sha256=list(evidence))))
    return SubmissionRead(**outcome.__dict__)


def validate_dossier(content: dict) -> None:
    """Reject a malformed dossier before it reaches the workflow, with each field's path."""
    from footprint import Dossier

    try:
        Dossier.model_validate(content)
    except pydantic.ValidationError as exc:
        errors = [
            {"path": "/".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        raise Problem("validation", "The dossier is not valid; see `errors`.",
                      "数据包无效，详见 errors。", errors=errors) from exc


def application_detail(session: Session, app: Application) -> ApplicationDetail:
    events = session.exec(
        select(ApplicationEvent).where(ApplicationEvent.application_id == app.id)
        .order_by(ApplicationEvent.at, ApplicationEvent.id)
    ).all()
    fp = session.exec(
        select(FootprintRecord).where(FootprintRecord.application_id == app.id)
        .order_by(FootprintRecord.dossier_version.desc())  # type: ignore[attr-defined]
    ).first()
    findings = session.exec(
        select(FindingRecord).where(FindingRecord.application_id == app.id)
        .order_by(FindingRecord.dossier_version, FindingRecord.rule_id)
    ).all()
    cert = session.exec(select(Certificate).where(Certificate.application_id == app.id)).first()
    detail = ApplicationDetail.model_validate(app, from_attributes=True)
    detail.history = [StatusEventRead.model_validate(e) for e in events]
    detail.findings = [FindingRead.model_validate(f) for f in findings]
    if fp is not None:
        detail.footprint = FootprintSummary(
            dossier_version=fp.dossier_version, total=fp.total, unit=fp.unit,
            factor_set_id=fp.factor_set_id, factor_set_version=fp.factor_set_version,
            per_stage=dict((fp.result or {}).get("per_stage") or {}),
        )
    detail.certificate_number = cert.number if cert else None
    return detail
