"""Certificates: the holder's and the certifier's view, their status history, the signed PDF."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import select

from api import policy
from api.deps import CurrentUser, PageDep, SessionDep, VisibleCertificate
from api.pagination import paginate, sorts
from api.schemas import CertificateEventRead, CertificateRead
from store import Certificate, CertificateEvent

router = APIRouter(prefix="/certificates", tags=["certificates"])
SORTS = sorts(Certificate, "issued_at", "valid_until", "number")
EVENT_SORTS = sorts(CertificateEvent, "at")


@router.get("", response_model=list[CertificateRead], summary="List certificates")
def list_certificates(
    user: CurrentUser, session: SessionDep, page: PageDep, request: Request, response: Response,
    sort: Annotated[Literal["issued_at", "-issued_at", "valid_until", "-valid_until", "number",
                            "-number"], Query()] = "-issued_at",
    status: Annotated[Literal["valid", "suspended", "revoked", "expired"] | None, Query()] = None,
    product_id: Annotated[str | None, Query(max_length=32)] = None,
) -> list[Certificate]:
    q = policy.certificates_query(user)
    if status is not None:
        q = q.where(Certificate.status == status)
    if product_id is not None:
        q = q.where(Certificate.product_id == product_id)
    return paginate(session, q, SORTS[sort], limit=page.limit, cursor=page.cursor,
                    request=request, response=response)


@router.get("/{number}", response_model=CertificateRead, summary="One certificate")
def get_certificate(cert: VisibleCertificate) -> Certificate:
    return cert


@router.get("/{number}/history", response_model=list[CertificateEventRead],
            summary="Status history (suspension, reinstatement, revocation, expiry)")
def certificate_history(cert: VisibleCertificate, session: SessionDep, page: PageDep,
                        request: Request, response: Response) -> list[CertificateEvent]:
    q = select(CertificateEvent).where(CertificateEvent.certificate_id == cert.id)
    return paginate(session, q, EVENT_SORTS["at"], limit=page.limit, cursor=page.cursor,
                    request=request, response=response)


@router.get("/{number}/pdf", response_class=Response, summary="The signed certificate (PDF)",
            responses={200: {"content": {"application/pdf": {}}}})
def certificate_pdf(cert: VisibleCertificate, request: Request) -> Response:
    if not cert.pdf_sha256:
        from api.problems import Problem

        raise Problem("not-found", "This certificate has no PDF yet.", "此证书尚无 PDF。")
    pdf = request.app.state.blobs.get(cert.pdf_sha256)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{cert.number}.pdf"',
                             "ETag": f'"{cert.pdf_sha256}"'})
