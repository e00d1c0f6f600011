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
    TrustListError,
)
from signing.keys import SealKey, SignerMaterial, kid_of, load_dev_signer, load_signer
from signing.label import LabelData, label_qr_fits, render_label_png, render_label_svg
from signing.pades import async_sign_pdf, sign_pdf
from signing.pki import ensure_dev_pki
from signing.problems import Problem
from signing.seal import SealClaims, decode_seal, make_seal
from signing.seal_verify import SealVerification, verify_seal
from signing.trustlist import (
    CertStatus,
    StatusEntry,
    StatusList,
    TrustedKey,
    TrustList,
    build_status_list,
    build_trust_list,
    parse_status_list,
)
from signing.verify import PdfVerification, async_verify_pdf, verify_pdf

__all__ = [
    "CertStatus",
    "CertificateData",
    "DevMaterialRefusedError",
    "FontNotFoundError",
    "KeyMaterialError",
    "LabelData",
    "PdfVerification",
    "Problem",
    "RenderError",
    "SealClaims",
    "SealError",
    "SealKey",
    "SealVerification",
    "SignerMaterial",
    "SigningError",
    "StatusEntry",
    "StatusList",
    "TimestampError",
    "TrustList",
    "TrustListError",
    "TrustedKey",
    "async_sign_pdf",
    "async_verify_pdf",
    "build_status_list",
    "build_trust_list",
    "decode_seal",
    "ensure_dev_pki",
    "format_figure",
    "kid_of",
    "label_qr_fits",
    "load_dev_signer",
    "load_signer",
    "make_seal",
    "parse_status_list",
    "render_certificate_pdf",
    "render_label_png",
    "render_label_svg",
    "sign_pdf",
    "verify_pdf",
    "verify_seal",
]
