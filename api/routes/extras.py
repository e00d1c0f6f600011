"""The portal's reads: verifier directory, evidence extraction and page images, carbon
labels, CBAM estimate and communication workbook, the public footprint drill-down."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api import policy, services_extras, services_records
from api.deps import CurrentUser, PageDep, SessionDep, VisibleApplication, VisibleCertificate
from api.openapi import problems_for
from api.pagination import paginate, sorts
from api.schemas_extras import CbamRead, ExtractionRead, PublicFootprint, VerifierRead
from store import User

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VERIFIER_SORTS = sorts(User, "display_name", kinds={"display_name": "str"})
EVIDENCE = "/applications/{application_id}/evidence/{evidence_id}"


@router.get("/verifiers", response_model=list[VerifierRead], tags=["users"],
            summary="Verifiers of accredited verification bodies (for assignment)")
def list_verifiers(user: CurrentUser, session: SessionDep, page: PageDep, request: Request,
                   response: Response,
                   sort: Annotated[Literal["display_name", "-display_name"], Query()]
                   = "display_name") -> list[VerifierRead]:
    """Active users with the verifier role whose organisation is an accredited verification
    body: who a certification officer may choose. Conflicts of interest are checked when the
    assignment is made (its refusal names each reason)."""
    rows = paginate(session, policy.verifiers_query(user), VERIFIER_SORTS[sort],
                    limit=page.limit, cursor=page.cursor, request=request, response=response)
    return services_extras.verifier_reads(session, rows)


@router.get(EVIDENCE + "/extraction", response_model=ExtractionRead,
            tags=["application records"],
            summary="Values read from a PDF evidence file, each with its page and box",
            responses=problems_for("conflict"))
async def evidence_extraction(app: VisibleApplication, session: SessionDep, evidence_id: str,
                              request: Request) -> ExtractionRead:
    """Recomputed from the stored file with `evidence.extract_pdf` (pure, same answer each
    time). Boxes are PDF points, origin top-left: `x0, top, x1, bottom`; `page_width` and
    `page_height` give the page's size in the same unit. 409 for a file that is not a PDF."""
    row = services_records.evidence(session, app, evidence_id)
    return await run_in_threadpool(services_extras.extraction, request.app.state.blobs, row)


@router.get(EVIDENCE + "/pages/{page}", response_class=Response, tags=["application records"],
            summary="One page of a PDF evidence file as a PNG image",
            responses={200: {"content": {"image/png": {}}, "headers": {
                "X-Points-To-Pixels": {"description": "Pixels per PDF point (dpi / 72, lower "
                                       "when the pixel limit applies)",
                                       "schema": {"type": "number"}},
                "X-Page-Count": {"description": "Pages in the file",
                                 "schema": {"type": "integer"}}}},
                       **problems_for("conflict")})
async def evidence_page(app: VisibleApplication, session: SessionDep, evidence_id: str,
                        request: Request,
                        page: Annotated[int, Path(ge=1, le=10_000, description="1-based")],
                        dpi: Annotated[int, Query(ge=36, le=services_extras.MAX_RENDER_DPI)]
                        = services_extras.RENDER_DPI) -> Response:
    """Rendered with PDFium at `dpi` (default 110); pages beyond the file answer 404. A box of
    the extraction maps to pixels by multiplying with `X-Points-To-Pixels`."""
    row = services_records.evidence(session, app, evidence_id)
    out = await run_in_threadpool(services_extras.page_png, request.app.state.blobs, row, page,
                                  dpi)
    return Response(out["png"], media_type="image/png", headers={
        "X-Points-To-Pixels": f"{out['scale']:.6f}", "X-Page-Count": str(out["count"]),
        "X-Page-Size-Points": f"{out['width']:.2f}x{out['height']:.2f}",
        "Content-Disposition": f'inline; filename="{row.id}-p{page}.png"'})


SizeMm = Annotated[float, Query(ge=8, le=60, description="Printed size of the mark in mm (8-60)")]


@router.get("/certificates/{number}/label.svg", response_class=Response, tags=["certificates"],
            summary="Carbon label artwork (SVG)",
            responses={200: {"content": {"image/svg+xml": {}}}})
async def label_svg(cert: VisibleCertificate, session: SessionDep,
                    size_mm: SizeMm = 20) -> Response:
    """Footprint figure, unit, grade (stars) where the CN label pack gave one, and a QR code
    of the public status link `…/?cert=NUMBER` when it can be printed legibly at this size
    (`X-Label-QR: included|omitted`)."""
    body, qr = await run_in_threadpool(services_extras.label, session, cert, size_mm, "svg")
    return _label(body, "image/svg+xml", cert.number, size_mm, "svg", qr)


@router.get("/certificates/{number}/label.png", response_class=Response, tags=["certificates"],
            summary="Carbon label artwork (PNG, 600 dpi)",
            responses={200: {"content": {"image/png": {}}}})
async def label_png(cert: VisibleCertificate, session: SessionDep,
                    size_mm: SizeMm = 20) -> Response:
    """As the SVG, rendered at 600 dpi with the physical size recorded in the file."""
    body, qr = await run_in_threadpool(services_extras.label, session, cert, size_mm, "png")
    return _label(body, "image/png", cert.number, size_mm, "png", qr)


def _label(body: bytes, media: str, number: str, size_mm: float, ext: str, qr: bool) -> Response:
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="label-{number}-{size_mm:g}mm.{ext}"',
        "X-Label-QR": "included" if qr else "omitted"})


@router.get("/applications/{application_id}/cbam", response_model=CbamRead,
            tags=["application records"],
            summary="CBAM: specific embedded emissions, cost estimate, de minimis (as of today)",
            responses=problems_for("conflict"))
async def cbam(app: VisibleApplication, session: SessionDep) -> CbamRead:
    """The cbam rule pack run over the latest dossier version and its footprint, as of today
    (China day). 409 when the application did not choose CBAM or has no dossier yet."""
    return await run_in_threadpool(services_extras.cbam, session, app)


@router.get("/applications/{application_id}/cbam/communication.xlsx", response_class=Response,
            tags=["reports"], summary="CBAM operator-to-importer communication (xlsx)",
            responses={200: {"content": {XLSX: {}}}, **problems_for("conflict")})
async def cbam_communication(app: VisibleApplication, session: SessionDep) -> Response:
    """Installation, goods, precursors and source streams, bilingual headers."""
    data, version = await run_in_threadpool(services_extras.cbam_workbook, session, app)
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="cbam-communication-{app.id}-v{version}.xlsx"'})


@router.get("/public/certificates/{number}/footprint", response_model=PublicFootprint,
            tags=["public verification"],
            summary="The footprint behind a certificate (stages, product tree, lines)",
            responses={404: {"description": "No certificate has this number "
                                            "(certificate_status not_found)"}})
def public_footprint(number: Annotated[str, Path(max_length=64)],
                     session: SessionDep) -> PublicFootprint:
    """What a label's QR code opens: total and stages, and the tree product -> sub-assembly ->
    line with each line's factor and source. A revoked or suspended certificate still answers,
    with its status."""
    return services_extras.public_footprint(session, number)
