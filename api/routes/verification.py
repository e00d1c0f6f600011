"""Verification for customs and subsidy offices: by number, QR image, PDF, in batches; the
public status list and trust list for offline verifiers (docs/verification.md).

Single checks are public (anyone holding a certificate may check it; the answer shows only what
the certificate itself prints; rate-limited per client IP) and always answer 200 with a green
or red verdict. The same checks exist under /verification/ for signed-in officers, who are not
throttled per IP (a customs office behind one NAT address checks hundreds of lines a day). The
customs check and the subsidy batch need the customs or subsidy role. The subsidy batch is
checked (read-only) at ``/verification/subsidy/batch`` and recorded, approved claims stored
once per office, at ``/verification/subsidy/claims``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, UploadFile

from api import verification as service
from api.deps import CurrentUser, SessionDep, SettingsDep, require_role, short_read
from api.idempotency import IdempotencyDep
from api.openapi import problems_for
from api.problems import Problem
from api.schemas_verification import (
    CustomsCheck,
    CustomsCheckRequest,
    SealRequest,
    SubsidyBatch,
    Verification,
)
from api.verification_batch import (
    BatchInputError,
    ClaimConflict,
    check_claims,
    record_claims,
    results_workbook,
)
from store import sha256_hex

router = APIRouter(tags=["verification"])


def json_response(answer: Verification) -> Response:
    """``answer`` serialised once, by its own model. The by-number routes return this rather
    than the model: FastAPI would validate the model again against ``response_model`` (in a
    worker thread for a sync route: a second thread hop per request) before serialising it the
    same way. ``response_model`` stays declared for the OpenAPI document."""
    return Response(answer.model_dump_json(), media_type="application/json")

MAX_PDF = 20 * 1024 * 1024
MAX_IMAGE = 10 * 1024 * 1024
MAX_XLSX = 20 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AtQuery = Annotated[date | None, Query(description="date to check (China calendar day); "
                                       "default today")]


def get_keys(settings: SettingsDep) -> service.VerificationKeys:
    try:
        return service.verification_keys(settings)
    except Exception as exc:
        raise Problem("unavailable", "The verification keys cannot be loaded.",
                      "无法加载验证密钥。") from exc


KeysDep = Annotated[service.VerificationKeys, Depends(get_keys)]


def _read(upload: UploadFile, limit: int, what_en: str, what_zh: str) -> bytes:
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise Problem("validation", f"The {what_en} is larger than {limit // 2**20} MB.",
                      f"{what_zh}超过 {limit // 2**20} MB。",
                      errors=[{"path": "file", "message": "too large"}])
    return data


# --- public ------------------------------------------------------------------------------------


async def _by_number(request: Request, number: str, at: date | None) -> Response:
    """One statement by a unique index (``store.registry.snapshot``), a ``short_read``: on the
    event loop on SQLite, in a worker thread on PostgreSQL."""
    return json_response(await short_read(request, service.by_number, number, at))


@router.get("/public/verify/{number}", response_model=Verification)
async def verify_number(number: str, request: Request, at: AtQuery = None) -> Response:
    """Registry status on the date, holder and product. Unknown numbers answer red."""
    return await _by_number(request, number, at)


@router.post("/public/verify/seal", response_model=Verification)
def verify_seal_text(body: SealRequest, session: SessionDep, keys: KeysDep,
                     at: AtQuery = None) -> Verification:
    """The text of the QR (``TP1:...`` from a hand scanner, or a certificate link)."""
    return service.by_seal(session, keys, body.seal, at)


@router.post("/public/verify/qr", response_model=Verification)
def verify_qr_image(file: UploadFile, session: SessionDep, keys: KeysDep,
                    at: AtQuery = None) -> Verification:
    """A photo or scan of the certificate's QR code (PNG, JPEG, ...)."""
    return service.by_qr_image(session, keys, _read(file, MAX_IMAGE, "image", "图像"), at)


@router.post("/public/verify/pdf", response_model=Verification)
def verify_pdf_file(file: UploadFile, session: SessionDep, keys: KeysDep,
                    at: AtQuery = None) -> Verification:
    """The certificate PDF: signature intact and trusted, identical to the registry's file,
    status on the date."""
    return service.by_pdf(session, keys, _read(file, MAX_PDF, "PDF", "PDF 文件"), at)


@router.get("/public/status-list", responses={200: {"content": {"application/json": {}}}})
def status_list(session: SessionDep, keys: KeysDep) -> Response:
    """Signed ``tanpass-status-list`` v1 for offline verifiers (suspended, revoked, expired)."""
    return Response(service.status_list_json(session, keys), media_type="application/json",
                    headers={"Cache-Control": "public, max-age=300"})


@router.get("/public/trust-list", responses={200: {"content": {"application/json": {}}}})
def trust_list(keys: KeysDep) -> Response:
    """``tanpass-trust-list`` v1: the seal signer certificates by key id."""
    return Response(service.trust_list_json(keys), media_type="application/json",
                    headers={"Cache-Control": "public, max-age=3600"})


# --- officers: the same checks, signed in and not throttled per IP -----------------------------

OFFICERS = require_role("customs", "subsidy", "certifier", "admin")


@router.get("/verification/certificates/{certificate_number}", response_model=Verification,
            dependencies=[OFFICERS])
async def officer_number(certificate_number: str, request: Request,
                         at: AtQuery = None) -> Response:
    """As ``GET /public/verify/{number}``. The parameter is deliberately not named ``number``
    (the policy's tenant guard, which answers 404 for another tenant's certificate): an officer
    checks any certificate, sees only what it prints, and an unknown number answers red."""
    return await _by_number(request, certificate_number, at)


@router.post("/verification/seal", response_model=Verification, dependencies=[OFFICERS])
def officer_seal(body: SealRequest, session: SessionDep, keys: KeysDep,
                 at: AtQuery = None) -> Verification:
    """As ``POST /public/verify/seal``."""
    return service.by_seal(session, keys, body.seal, at)


@router.post("/verification/qr", response_model=Verification, dependencies=[OFFICERS])
def officer_qr(file: UploadFile, session: SessionDep, keys: KeysDep,
               at: AtQuery = None) -> Verification:
    """As ``POST /public/verify/qr``."""
    return service.by_qr_image(session, keys, _read(file, MAX_IMAGE, "image", "图像"), at)


@router.post("/verification/pdf", response_model=Verification, dependencies=[OFFICERS])
def officer_pdf(file: UploadFile, session: SessionDep, keys: KeysDep,
                at: AtQuery = None) -> Verification:
    """As ``POST /public/verify/pdf``."""
    return service.by_pdf(session, keys, _read(file, MAX_PDF, "PDF", "PDF 文件"), at)


# --- customs and subsidy offices ---------------------------------------------------------------


@router.post("/verification/customs", response_model=CustomsCheck,
             dependencies=[require_role("customs", "admin")])
def customs(body: CustomsCheckRequest, session: SessionDep) -> CustomsCheck:
    """A declaration line (certificate number, declared HS/CN code, declaration date)."""
    declared = service.digits(body.declared_code)
    if not declared.isdigit() or len(declared) not in (4, 6, 8, 10):
        raise Problem("validation", "The declared code must have 4, 6, 8 or 10 digits.",
                      "申报商品编码应为 4、6、8 或 10 位数字。",
                      errors=[{"path": "body/declared_code", "message": "4, 6, 8 or 10 digits"}])
    return service.customs_check(session, body.certificate_number, declared,
                                 body.declaration_date)


SUBSIDY = require_role("subsidy", "admin")


def _claims_responses() -> dict[int | str, dict[str, Any]]:
    out = problems_for("conflict")
    out[409]["content"]["application/problem+json"]["examples"]["already-claimed"] = {
        "summary": "A concurrent recording of this office claimed a certificate first",
        "value": {"type": "https://tanpass.example/problems/conflict",
                  "title": "Conflicts with the current state", "status": 409,
                  "detail": "Already claimed from this office by another recording: "
                            "TP-2026-000001. Nothing of this batch was recorded; check it "
                            "again.",
                  "certificates": ["TP-2026-000001"], "instance": "/api/v1/verification/"
                  "subsidy/claims"}}
    return out


def _workbook(file: UploadFile) -> bytes:
    return _read(file, MAX_XLSX, "workbook", "工作簿")


def _input_problem(exc: BatchInputError) -> Problem:
    return Problem("validation", exc.message_en, exc.message_zh, errors=exc.errors)


@router.post("/verification/subsidy/batch", response_model=SubsidyBatch,
             dependencies=[SUBSIDY],
             responses={200: {"content": {XLSX: {}}, "description": "xlsx (default) or JSON"}})
def subsidy_batch(file: UploadFile, session: SessionDep, user: CurrentUser,
                  format: Literal["xlsx", "json"] = "xlsx") -> Response | SubsidyBatch:
    """Claims workbook in (USCC, certificate number, amount, claim date; zh or en headers);
    results workbook out, one verdict and its reasons per claim. Read-only: claims the
    caller's office already recorded are flagged ``already_claimed``; nothing is recorded
    (see ``POST /verification/subsidy/claims``)."""
    try:
        batch = check_claims(session, _workbook(file), office_org_id=user.org_id)
    except BatchInputError as exc:
        raise _input_problem(exc) from exc
    if format == "json":
        return batch
    return Response(results_workbook(batch), media_type=XLSX, headers={
        "Content-Disposition": 'attachment; filename="subsidy-check.xlsx"',
        "X-Tanpass-Claims": str(batch.claims), "X-Tanpass-Rejected": str(batch.rejected)})


@router.post("/verification/subsidy/claims", response_model=SubsidyBatch, status_code=201,
             dependencies=[SUBSIDY], summary="Check a claims workbook and record its approved "
             "claims", responses=_claims_responses())
def subsidy_claims(file: UploadFile, request: Request, user: CurrentUser,
                   idem: IdempotencyDep) -> Any:
    """The same workbook and checks as ``POST /verification/subsidy/batch`` (JSON answer), then
    every approved claim is recorded for the caller's office under the answer's ``batch_id``,
    in one transaction: a later batch of this office flags these certificates
    ``already_claimed``. A concurrent recording that claimed one of the certificates first
    answers 409 naming it, and nothing of this batch is recorded. Send an ``Idempotency-Key``
    to retry safely."""
    data = _workbook(file)

    def record() -> SubsidyBatch:
        try:
            return record_claims(request.app.state.sessions, data, office_org_id=user.org_id,
                                 recorded_by=user.id)
        except BatchInputError as exc:
            raise _input_problem(exc) from exc
        except ClaimConflict as exc:
            raise Problem(
                "conflict",
                "Already claimed from this office by another recording: "
                f"{', '.join(exc.numbers)}. Nothing of this batch was recorded; check it again.",
                f"以下证书已由本机构的另一次记录申请：{'、'.join(exc.numbers)}。本批次未记录任何"
                "申请，请重新核查。", certificates=exc.numbers) from exc

    return idem.run({"sha256": sha256_hex(data)}, record)
