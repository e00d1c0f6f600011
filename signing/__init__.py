"""signing room of Tanpass: certificate and label rendering, PAdES signing and validation,
the offline QR seal, trust and status lists (see ../shared/ARCHITECTURE.md).

Typical issuance::

    signer = load_signer(get_settings())          # once per process; keep it
    pdf = render_certificate_pdf(CertificateData(...))
    signed = sign_pdf(pdf, signer, reason="...", location="...")
    verify_pdf(signed, list(signer.trust_roots)).ok   # True
"""


# Names are loaded on first use (PEP 562): the offline verifier at a customs desk needs only the
# seal and trust-list modules, not pyHanko and reportlab, and starts in a fraction of a second.
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE: dict[str, str] = {
    "CertStatus": "signing.trustlist",
    "CertificateData": "signing.certificate",
    "DevMaterialRefusedError": "signing.errors",
    "FontNotFoundError": "signing.errors",
    "KeyMaterialError": "signing.errors",
    "LabelData": "signing.label",
    "PdfVerification": "signing.verify",
    "Problem": "signing.problems",
    "RenderError": "signing.errors",
    "SealClaims": "signing.seal",
    "SealError": "signing.errors",
    "SealKey": "signing.sealkey",
    "SealVerification": "signing.seal_verify",
    "SignerMaterial": "signing.keys",
    "SigningError": "signing.errors",
    "StatusEntry": "signing.trustlist",
    "StatusList": "signing.trustlist",
    "TimestampError": "signing.errors",
    "TrustList": "signing.trustlist",
    "TrustListError": "signing.errors",
    "TrustedKey": "signing.trustlist",
    "async_sign_pdf": "signing.pades",
    "async_verify_pdf": "signing.verify",
    "build_status_list": "signing.trustlist",
    "build_trust_list": "signing.trustlist",
    "decode_seal": "signing.seal",
    "ensure_dev_pki": "signing.pki",
    "format_figure": "signing.certificate",
    "kid_of": "signing.sealkey",
    "label_qr_fits": "signing.label",
    "load_dev_signer": "signing.keys",
    "load_signer": "signing.keys",
    "make_seal": "signing.seal",
    "parse_status_list": "signing.trustlist",
    "render_certificate_pdf": "signing.certificate",
    "render_label_png": "signing.label",
    "render_label_svg": "signing.label",
    "sign_pdf": "signing.pades",
    "verify_pdf": "signing.verify",
    "verify_seal": "signing.seal_verify",
}

if TYPE_CHECKING:
    from signing.certificate import CertificateData, format_figure, render_certificate_pdf  # noqa: F401
    from signing.errors import (  # noqa: F401
        DevMaterialRefusedError,
        FontNotFoundError,
        KeyMaterialError,
        RenderError,
        SealError,
        SigningError,
        TimestampError,
        TrustListError,
    )
    from signing.keys import SealKey, SignerMaterial, kid_of, load_dev_signer, load_signer  # noqa: F401
    from signing.label import LabelData, label_qr_fits, render_label_png, render_label_svg  # noqa: F401
    from signing.pades import async_sign_pdf, sign_pdf  # noqa: F401
    from signing.pki import ensure_dev_pki  # noqa: F401
    from signing.problems import Problem  # noqa: F401
    from signing.seal import SealClaims, decode_seal, make_seal  # noqa: F401
    from signing.seal_verify import SealVerification, verify_seal  # noqa: F401
    from signing.trustlist import (  # noqa: F401
        CertStatus,
        StatusEntry,
        StatusList,
        TrustedKey,
        TrustList,
        build_status_list,
        build_trust_list,
        parse_status_list,
    )
    from signing.verify import PdfVerification, async_verify_pdf, verify_pdf  # noqa: F401


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'signing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

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
