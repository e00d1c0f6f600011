"""signing room of Tanpass: certificate and label rendering, PAdES signing and validation,
the offline QR seal, trust and status lists (see ../shared/ARCHITECTURE.md).

Typical issuance::

    signer = load_signer(get_settings())          # once per process; keep it
    pdf = render_certificate_pdf(CertificateData(...))
    signed = sign_pdf(pdf, signer, reason="...", location="...")
    verify_pdf(signed, list(signer.trust_roots)).ok   # True
"""

from signing.certificate import CertificateData, format_figure, render_certificate_pdf
from signing.errors import (
    DevMaterialRefusedError,
    FontNotFoundError,
    KeyMaterialError,
    RenderError,
    SealError,
    SigningError,
    TimestampError,
)
from signing.keys import SealKey, SignerMaterial, kid_of, load_dev_signer, load_signer
from signing.pades import async_sign_pdf, sign_pdf
from signing.pki import ensure_dev_pki
from signing.problems import Problem
from signing.verify import PdfVerification, async_verify_pdf, verify_pdf

__all__ = [
    "CertificateData",
    "DevMaterialRefusedError",
    "FontNotFoundError",
    "KeyMaterialError",
    "PdfVerification",
    "Problem",
    "RenderError",
    "SealError",
    "SealKey",
    "SignerMaterial",
    "SigningError",
    "TimestampError",
    "async_sign_pdf",
    "async_verify_pdf",
    "ensure_dev_pki",
    "format_figure",
    "kid_of",
    "load_dev_signer",
    "load_signer",
    "render_certificate_pdf",
    "sign_pdf",
    "verify_pdf",
]
