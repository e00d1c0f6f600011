"""Operations that span the store and the process engine, kept out of the routes."""

from __future__ import annotations

import pydantic
from sqlmodel import Session, select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from api.problems import Problem
from api.schemas import ApplicationDetail, FindingRead, FootprintSummary, StatusEventRead
from config import get_settings
from store import (
    Application,
    ApplicationEvent,
    Certificate,
    FindingRecord,
    FootprintRecord,
    Product,
    User,
)
from workflows import client as wf
from workflows.types import CertificationInput, ProcessConfig


async def open_application(
    session: Session, temporal: Client, user: User, product: Product, regimes: list[str]
) -> Application:
    """Create the application row and start its workflow; neither survives without the other."""
    settings = get_settings()
    app = Application(org_id=user.org_id, product_id=product.id, regimes=list(regimes),
                      status="awaiting_submission", workflow_id="", created_by=user.id)
    app.workflow_id = wf.workflow_id_for(app.id)
    session.add(app)
    session.commit()
    try:
        await wf.start_certification(
            temporal,
            settings.task_queue,
            CertificationInput(
                application_id=app.id,
                org_id=user.org_id,
                regimes=list(regimes),
                created_by=user.id,
                config=ProcessConfig(certificate_validity_days=settings.certificate_validity_days),
            ),
        )
    except Exception as exc:
        session.delete(app)
        session.commit()
        raise Problem("unavailable", "The process engine did not start the application.",
                      "流程引擎未能启动申请。") from exc
    session.refresh(app)
    return app


def _cause(exc: BaseException) -> str:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return str(exc)


async def run_update(coro):  # noqa: ANN001, ANN201 - awaits a workflow update
    """Await a workflow update; a refusal by its validator becomes a 422/409 problem."""
    try:
        return await coro
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        reason = _cause(exc)
        if isinstance(cause, ApplicationError) and cause.type == "Conflict":
            raise Problem("conflict", reason) from exc
        raise Problem("rejected", reason) from exc


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
