"""Certificates: the holder's and the certifier's view, and the signed PDF."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import col

from api import policy
from api.deps import CurrentUser, SessionDep
from api.schemas import CertificateRead
from store import Certificate

router = APIRouter(prefix="/certificates", tags=["certificates"])


@router.get("", response_model=list[CertificateRead])
def list_certificates(user: CurrentUser, session: SessionDep) -> list[Certificate]:
    q = policy.certificates_query(user).order_by(col(Certificate.issued_at).desc())
    return list(session.exec(q).all())


@router.get("/{number}", response_model=CertificateRead)
def get_certificate(number: str, user: CurrentUser, session: SessionDep) -> Certificate:
    return policy.certificate_for(session, user, number)


@router.get("/{number}/pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def certificate_pdf(number: str, user: CurrentUser, session: SessionDep, request: Request) -> Response:
    cert = policy.certificate_for(session, user, number)
    pdf = request.app.state.blobs.get(cert.pdf_sha256)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{number}.pdf"',
                             "ETag": f'"{cert.pdf_sha256}"'})
