"""Reads of an application's records: history, dossier versions, footprint, findings,
evidence and the footprint workbook. The application is already visible to the caller (the
route's ``VisibleApplication`` went through the policy)."""

from __future__ import annotations

from sqlmodel import Session, select

from api.problems import Problem
from store import Application, DossierVersion, Evidence, FootprintRecord


def dossier_version(session: Session, app: Application, version: int) -> DossierVersion:
    row = session.exec(select(DossierVersion).where(
        DossierVersion.application_id == app.id, DossierVersion.version == version)).first()
    if row is None:
        raise Problem("not-found", f"The application has no dossier version {version}.",
                      f"该申请没有第 {version} 版数据包。")
    return row


def footprint(session: Session, app: Application, version: int | None) -> FootprintRecord:
    q = select(FootprintRecord).where(FootprintRecord.application_id == app.id)
    if version is not None:
        q = q.where(FootprintRecord.dossier_version == version)
    row = session.exec(q.order_by(FootprintRecord.dossier_version.desc())).first()  # type: ignore[attr-defined]
    if row is None:
        raise Problem("not-found", "No footprint has been calculated for this application yet.",
                      "此申请尚未计算碳足迹。")
    return row


def evidence(session: Session, app: Application, evidence_id: str) -> Evidence:
    row = session.exec(select(Evidence).where(
        Evidence.application_id == app.id, Evidence.id == evidence_id)).first()
    if row is None:
        raise Problem("not-found", "No such evidence file.", "未找到该证据文件。")
    return row


def footprint_workbook(row: FootprintRecord) -> bytes:
    from evidence import footprint_workbook as write
    from footprint import FootprintResult

    return write(FootprintResult.model_validate(row.result))


UPLOAD_CLOSED = ("issuing", "certified", "refused")


def ensure_open_for_evidence(app: Application) -> None:
    if app.status in UPLOAD_CLOSED:
        raise Problem("conflict", f"Evidence cannot be added while the application is {app.status}.",
                      f"申请状态为 {app.status} 时不能添加证据。")
