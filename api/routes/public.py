"""Public verification (no login): what customs, subsidy offices and buyers may check."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import SessionDep
from api.schemas import PublicVerification
from api.services_extras import public_certificate

router = APIRouter(prefix="/public", tags=["public verification"])


@router.get("/certificates/{number}", response_model=PublicVerification,
            responses={404: {"description": "No certificate has this number (status not_found)"}})
def verify_by_number(number: str, session: SessionDep) -> PublicVerification:
    cert = public_certificate(session, number)
    return PublicVerification(
        number=cert.number, status=cert.status, holder_name=cert.holder_name,
        holder_uscc=cert.holder_uscc, product_name=cert.product_name,
        product_model=cert.product_model, footprint=cert.total, unit=cert.unit,
        valid_from=cert.valid_from, valid_until=cert.valid_until,
        status_reason=cert.status_reason, pdf_sha256=cert.pdf_sha256,
    )
