"""Validation of signed certificate PDFs (pyHanko), answering in a flat, bilingual result.

:func:`verify_pdf` never raises for a forged, broken or unsigned PDF: every failure becomes a
:class:`~signing.problems.Problem` in a red :class:`PdfVerification`. It checks the first
(certification body's) signature: cryptographic integrity, chain to the given trust roots (with
the CRLs embedded in the document's DSS), the signature timestamp, whole-file coverage, and
whether anything but long-term-validation data was appended after signing. Appended
revisions are accepted only when pyHanko's difference analysis classes them as LTA updates
*and* they add a document timestamp; anything else (even a metadata edit) is red.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from signing._sync import run_sync
from signing.problems import Problem

CertLike = x509.Certificate | asn1_x509.Certificate | bytes

_MESSAGES: dict[str, tuple[str, str]] = {
    "unreadable": ("The file is not a readable PDF.", "文件不是可读取的 PDF。"),
    "unsigned": ("The PDF carries no signature.", "该 PDF 没有数字签名。"),
    "digest_mismatch": ("The signed content was altered: its digest does not match.",
                        "签名内容已被篡改：摘要不匹配。"),
    "bad_signature": ("The signature value does not verify against the signer certificate.",
                      "签名值无法用签名证书验证。"),
    "untrusted": ("The signer certificate does not chain to a trusted root, or is revoked "
                  "or expired.", "签名证书无法链接到受信任的根证书，或已被吊销、已过期。"),
    "no_trust_roots": ("No trust roots were given, so trust was not established.",
                       "未提供受信任的根证书，无法确认信任。"),
    "partial_coverage": ("The signature does not cover the signed revision entirely.",
                         "签名未完整覆盖所签署的文档版本。"),
    "modified_after_signing": ("The document was changed by an incremental update after "
                               "signing.", "文档在签名之后被增量更新修改。"),
    "timestamp_missing": ("The signature has no RFC 3161 timestamp.",
                          "签名缺少 RFC 3161 时间戳。"),
    "timestamp_invalid": ("The signature timestamp does not verify.", "签名时间戳验证失败。"),
    "validation_error": ("The signature could not be validated.", "无法验证该签名。"),
}


def problem(code: str, detail: str | None = None) -> Problem:
    """A :class:`Problem` for ``code`` with optional English detail appended."""
    en, zh = _MESSAGES[code]
    if detail:
        en = f"{en} ({detail})"
    return Problem(code, en, zh)


@dataclass(frozen=True)
class PdfVerification:
    """Result of verifying a signed PDF."""

    intact: bool
    """The signed byte ranges hash to the signed digest and the signature value verifies."""
    trusted: bool
    """Signer (and timestamp) chains end in a given trust root and are not revoked."""
    covers_whole_document: bool
    """The signature's byte range covers the whole file."""
    signer_subject: str | None
    """RFC 4514 subject of the signer certificate, if a signature was found."""
    signing_time: datetime | None
    """Time from the timestamp token, else the signer-reported time."""
    timestamp_ok: bool
    """A signature timestamp is present and cryptographically valid."""
    modified_after_signing: bool
    """Incremental updates were appended after the signed revision."""
    document_sha256: str
    """Hex SHA-256 of the whole file as given (compare with the registry)."""
    reasons: tuple[Problem, ...]
    """Every problem found; empty when ``ok``."""
    signature_count: int = 0
    """Number of signatures (excluding document timestamps) in the file."""
    signer_certificate_sha256: str | None = None
    """Hex SHA-256 of the signer certificate's DER."""

    @property
    def ok(self) -> bool:
        """All good: intact, trusted, timestamped, and nothing appended after signing except
        long-term-validation updates (DSS and document timestamps) -- no reasons at all."""
        return not self.reasons and self.intact and self.trusted and self.timestamp_ok


def _asn1(cert: CertLike) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, x509.Certificate):
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    if cert.lstrip().startswith(b"-----BEGIN"):
        cert = x509.load_pem_x509_certificate(cert).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(cert)


def _red(digest: str, *codes: tuple[str, str | None], **kw: Any) -> PdfVerification:
    base: dict[str, Any] = {
        "intact": False, "trusted": False, "covers_whole_document": False,
        "signer_subject": None, "signing_time": None, "timestamp_ok": False,
        "modified_after_signing": False,
    }
    base.update(kw)
    return PdfVerification(document_sha256=digest,
                           reasons=tuple(problem(c, d) for c, d in codes), **base)


async def async_verify_pdf(pdf: bytes, trust_roots: list[CertLike] | None) -> PdfVerification:
    """Coroutine form of :func:`verify_pdf`."""
    digest = hashlib.sha256(pdf).hexdigest()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = reader.embedded_regular_signatures
    except Exception as exc:  # noqa: BLE001 - any parse failure is a red answer
        return _red(digest, ("unreadable", type(exc).__name__))
    if not sigs:
        return _red(digest, ("unsigned", None))
    sig = sigs[0]
    try:
        roots = [_asn1(c) for c in trust_roots or []]
        kwargs: dict[str, Any] = {
            "trust_roots": roots, "allow_fetching": False, "revocation_mode": "soft-fail",
        }
        try:
            vc = DocumentSecurityStore.read_dss(reader).as_validation_context(kwargs)
        except Exception:  # noqa: BLE001 - no or unreadable DSS: validate without it
            vc = ValidationContext(**kwargs)
        status = await async_validate_pdf_signature(sig, vc)
    except Exception as exc:  # noqa: BLE001 - malformed CMS etc.
        return _red(digest, ("validation_error", f"{type(exc).__name__}: {exc}"),
                    signature_count=len(sigs))
    reasons: list[Problem] = []
    if not status.intact:
        reasons.append(problem("digest_mismatch"))
    elif not status.valid:
        reasons.append(problem("bad_signature"))
    ts = status.timestamp_validity
    timestamp_ok = bool(ts is not None and ts.intact and ts.valid)
    trusted = bool(status.trusted and (ts is None or ts.trusted))
    if not roots:
        reasons.append(problem("no_trust_roots"))
    elif not trusted:
        reasons.append(problem("untrusted"))
    if ts is None:
        reasons.append(problem("timestamp_missing"))
    elif not timestamp_ok:
        reasons.append(problem("timestamp_invalid"))
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    modified = not whole and status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    lta_only = (status.modification_level == ModificationLevel.LTA_UPDATES
                and bool(reader.embedded_timestamp_signatures))
    if modified and not lta_only:
        reasons.append(problem("modified_after_signing",
                               getattr(status.modification_level, "name", None)))
    elif not whole and not modified:
        reasons.append(problem("partial_coverage"))
    cert = status.signing_cert
    when = ts.timestamp if ts is not None else status.signer_reported_dt
    return PdfVerification(
        intact=bool(status.intact and status.valid), trusted=trusted,
        covers_whole_document=whole, signer_subject=cert.subject.human_friendly if cert else None,
        signing_time=when, timestamp_ok=timestamp_ok, modified_after_signing=not whole,
        document_sha256=digest, reasons=tuple(reasons), signature_count=len(sigs),
        signer_certificate_sha256=hashlib.sha256(cert.dump()).hexdigest() if cert else None,
    )


def verify_pdf(pdf: bytes, trust_roots: list[CertLike] | None = None) -> PdfVerification:
    """Verify the certification body's signature on ``pdf`` (see module docstring).

    ``trust_roots``: certificates (cryptography, asn1crypto, DER or PEM bytes) to trust; with
    ``None`` nothing is trusted and the result is red with ``no_trust_roots``.
    """
    return run_sync(async_verify_pdf(pdf, trust_roots))
