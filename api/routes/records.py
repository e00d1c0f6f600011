"""An application's records: status history, dossier versions, footprint, findings, evidence
files and the footprint workbook."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Path, Query, Request, Response, UploadFile
from sqlmodel import select

from api import services, services_records
from api.deps import (
    ApiSettingsDep,
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
    DossierVersionDetail,
    DossierVersionRead,
    EvidenceRead,
    EvidenceUploaded,
    FindingDetail,
    FootprintDetail,
    StatusEventPage,
    SubmissionRead,
)
from api.uploads import read_upload, safe_filename, store_evidence
from store import ApplicationEvent, DossierVersion, Evidence, FindingRecord, sha256_hex

router = APIRouter(prefix="/applications/{application_id}", tags=["application records"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVENT_SORTS = sorts(ApplicationEvent, "at")
VERSION_SORTS = sorts(DossierVersion, "version", kinds={"version": "int"})
FINDING_SORTS = sorts(FindingRecord, "created_at")
EVIDENCE_SORTS = sorts(Evidence, "created_at")


@router.get("/history", response_model=list[StatusEventPage], summary="Status history")
def history(app: VisibleApplication, session: SessionDep, page: PageDep, request: Request,
            response: Response,
            sort: Annotated[Literal["at", "-at"], Query()] = "at") -> list[ApplicationEvent]:
    q = select(ApplicationEvent).where(ApplicationEvent.application_id == app.id)
    return paginate(session, q, EVENT_SORTS[sort], limit=page.limit, cursor=page.cursor,
                    request=request, response=response)


@router.get("/dossier/versions", response_model=list[DossierVersionRead],
            summary="Dossier versions submitted")
def dossier_versions(app: VisibleApplication, session: SessionDep, page: PageDep,
                     request: Request, response: Response,
                     sort: Annotated[Literal["version", "-version"], Query()] = "version",
                     ) -> list[DossierVersion]:
    q = select(DossierVersion).where(DossierVersion.application_id == app.id)
    return paginate(session, q, VERSION_SORTS[sort], limit=page.limit, cursor=page.cursor,
                    request=request, response=response)


@router.get("/dossier/versions/{version}", response_model=DossierVersionDetail,
            summary="One dossier version with its content")
def dossier_version(app: VisibleApplication, session: SessionDep,
                    version: Annotated[int, Path(ge=1, le=1_000_000)]) -> DossierVersion:
    return services_records.dossier_version(session, app, version)


@router.post("/dossier/xlsx", response_model=SubmissionRead,
             summary="Submit a dossier as the xlsx submission template",
             responses=problems_for("payload-too-large", "rejected", "conflict"))
async def submit_dossier_xlsx(
    app: VisibleApplication, user: CurrentUser, session: SessionDep, temporal: TemporalDep,
    limits: ApiSettingsDep, file: Annotated[UploadFile, File(description="The filled template")],
) -> Any:
    """Every cell problem is answered at once with its sheet and cell as the path."""
    from evidence import WorkbookError, WorkbookInvalid, read_template

    data = await read_upload(file, limits.max_upload_bytes)
    try:
        dossier = read_template(data)
    except WorkbookInvalid as exc:
        errors = [{"path": f"file/{p.sheet}!{p.cell}", "message": p.message_en,
                   "message_zh": p.message_zh, "code": p.code} for p in exc.problems]
        raise services.Problem("validation", "The workbook has invalid cells; see `errors`.",
                               "工作簿中有无效单元格，详见 errors。", errors=errors) from exc
    except (WorkbookError, Exception) as exc:  # noqa: BLE001 - not a readable workbook at all
        raise services.Problem("upload-rejected", "The file is not a readable submission "
                               "template.", "文件不是可读取的提交模板。", code="not_a_template") from exc
    content = dossier.model_dump(mode="json")
    services.validate_dossier(content)
    return await services.submit(session, temporal, user, app, content)


@router.get("/footprint", response_model=FootprintDetail,
            summary="Footprint calculation (latest or of one dossier version)")
def footprint(app: VisibleApplication, session: SessionDep,
              version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None) -> FootprintDetail:
    row = services_records.footprint(session, app, version)
    return FootprintDetail(**{**(row.result or {}), "application_id": app.id,
                              "dossier_version": row.dossier_version, "total": row.total,
                              "unit": row.unit, "factor_set_id": row.factor_set_id,
                              "factor_set_version": row.factor_set_version,
                              "created_at": row.created_at})


@router.get("/findings", response_model=list[FindingDetail], summary="Findings")
def findings(
    app: VisibleApplication, session: SessionDep, page: PageDep, request: Request,
    response: Response,
    severity: Annotated[Literal["blocking", "major", "minor", "info"] | None, Query()] = None,
    status: Annotated[Literal["open", "closed"] | None, Query()] = None,
    dossier_version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    sort: Annotated[Literal["created_at", "-created_at"], Query()] = "created_at",
) -> list[FindingRecord]:
    q = select(FindingRecord).where(FindingRecord.application_id == app.id)
    if severity:
        q = q.where(FindingRecord.severity == severity)
    if status:
        q = q.where(FindingRecord.status == status)
    if dossier_version is not None:
        q = q.where(FindingRecord.dossier_version == dossier_version)
    return paginate(session, q, FINDING_SORTS[sort], limit=page.limit, cursor=page.cursor,
                    request=request, response=response)


@router.get("/evidence", response_model=list[EvidenceRead], summary="Evidence files")
def list_evidence(app: VisibleApplication, session: SessionDep, page: PageDep, request: Request,
                  response: Response,
                  sort: Annotated[Literal["created_at", "-created_at"], Query()] = "created_at",
                  ) -> list[Evidence]:
    q = select(Evidence).where(Evidence.application_id == app.id)
    return paginate(session, q, EVIDENCE_SORTS[sort], limit=page.limit, cursor=page.cursor,
                    request=request, response=response)


@router.post("/evidence", response_model=EvidenceUploaded, status_code=201,
             summary="Upload an evidence file (PDF, PNG or JPEG)",
             responses=problems_for("payload-too-large", "unsupported-media-type",
                                    "upload-rejected", "conflict"))
async def upload_evidence(
    request: Request, app: VisibleApplication, user: CurrentUser, limits: ApiSettingsDep,
    idem: IdempotencyDep,
    file: Annotated[UploadFile, File(description="PDF (bills, invoices, declarations), PNG or "
                                                 "JPEG; type is read from the content")],
) -> Any:
    """PDFs are read at once (document type, fields found, pages scanned); encrypted, broken
    or bomb-like files are refused with the reason. Stored by SHA-256."""
    services_records.ensure_open_for_evidence(app)
    data = await read_upload(file, limits.max_upload_bytes)
    name = safe_filename(file.filename)

    async def create() -> EvidenceUploaded:
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(
            store_evidence, request.app.state.sessions, request.app.state.blobs,
            application_id=app.id, org_id=app.org_id, user_id=user.id, filename=name,
            data=data, max_pixels=limits.max_image_pixels)

    return await idem.arun({"sha256": sha256_hex(data), "filename": name}, create)


@router.get("/evidence/{evidence_id}", response_model=EvidenceRead, summary="One evidence file")
def get_evidence(app: VisibleApplication, session: SessionDep, evidence_id: str) -> Evidence:
    return services_records.evidence(session, app, evidence_id)


@router.get("/evidence/{evidence_id}/content", response_class=Response,
            summary="The bytes of an evidence file",
            responses={200: {"content": {"application/pdf": {}, "image/png": {},
                                         "image/jpeg": {}}}})
def evidence_content(app: VisibleApplication, session: SessionDep, evidence_id: str,
                     request: Request) -> Response:
    row = services_records.evidence(session, app, evidence_id)
    data = request.app.state.blobs.get(row.blob_sha256)
    return Response(data, media_type=row.media_type, headers={
        "Content-Disposition": f'attachment; filename="{row.id}"',
        "ETag": f'"{row.blob_sha256}"', "X-Content-Type-Options": "nosniff"})


@router.get("/reports/footprint.xlsx", response_class=Response,
            summary="Footprint workbook (summary, stages, lines, DQR, uncertainty)",
            responses={200: {"content": {XLSX: {}}}})
def footprint_report(app: VisibleApplication, session: SessionDep,
                     version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None) -> Response:
    row = services_records.footprint(session, app, version)
    return Response(services_records.footprint_workbook(row), media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="footprint-{app.id}-v{row.dossier_version}.xlsx"'})
