"""Verification service: one answer (green or red, with reasons in zh and en) for a certificate
checked by number, by its seal (QR text or QR image) or by the PDF itself; the public status
list and trust list for offline verifiers; the customs check. The subsidy batch check is in
``api.verification_batch``. Routes stay thin; this module holds the rules (docs/verification.md).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.schemas_verification import (
    CustomsCheck,
    DocumentCheck,
    Reason,
    SealCheck,
    SignatureCheck,
    Verification,
)
from config import Settings
from signing import (
    CertStatus,
    SignerMaterial,
    StatusEntry,
    TrustList,
    build_status_list,
    build_trust_list,
    load_signer,
    verify_pdf,
    verify_seal,
)
from store import Certificate
from store.reads import LoopReader
from store.registry import (
    CHINA,
    Snapshot,
    StatusAt,
    printed_validity,
    snapshot,
    status_list_entries,
    status_of,
)

ISSUER = "Tanpass certification body / 碳证通认证机构"
NUMBER_RE = re.compile(r"\bTP-\d{4}-\d{6}\b")
SEAL_CRYPTO_CODES = frozenset({"bad_prefix", "bad_encoding", "bad_cose", "unknown_kid",
                               "bad_signature", "bad_claims", "signer_not_valid"})
"""Seal problems about authenticity; validity and status come from the registry online."""

_MESSAGES: dict[str, tuple[str, str]] = {
    "not_found": ("No certificate with this number is registered: treat it as forged.",
                  "登记册中没有该编号的证书，应视为伪造。"),
    "suspended": ("The certificate is suspended on the checked date.", "在核验日期证书处于暂停状态。"),
    "revoked": ("The certificate has been revoked.", "证书已被撤销。"),
    "expired": ("The certificate has expired on the checked date.", "在核验日期证书已过期。"),
    "not_yet_valid": ("The certificate is not yet valid on the checked date.",
                      "在核验日期证书尚未生效。"),
    "document_differs": ("This file is not the document the registry holds for this certificate "
                         "(SHA-256 differs): it was altered or is not an original.",
                         "该文件与登记册中该证书的文件不一致（SHA-256 不同）：已被篡改或并非原件。"),
    "no_number": ("No Tanpass certificate number could be found in the file.",
                  "文件中找不到碳证通证书编号。"),
    "seal_not_registered": ("The seal is signed but is not the seal recorded for this "
                            "certificate.", "验证码签名有效，但与登记册中该证书的验证码不一致。"),
    "qr_unreadable": ("No QR code could be read in the image; photograph it again, flat and "
                      "in focus.", "图像中无法识别二维码，请重新拍摄（平整、清晰）。"),
    "qr_not_tanpass": ("The QR code is not a Tanpass seal or certificate link.",
                       "二维码不是碳证通验证码或证书链接。"),
    "no_product_code": ("The certified product has no CN/HS code; the declaration cannot be "
                        "matched.", "认证产品没有 CN/HS 编码，无法与申报比对。"),
    "code_mismatch": ("The declared code is not covered by the certified product code.",
                      "申报商品编码不在认证产品编码范围内。"),
    "code_coarser": ("The declared code is less specific than the certified product code; "
                     "declare the full code.", "申报商品编码比认证产品编码粗略，请申报完整编码。"),
}


def reason(code: str, detail: str | None = None) -> Reason:
    en, zh = _MESSAGES[code]
    if detail:
        en, zh = f"{en} ({detail})", f"{zh}（{detail}）"
    return Reason(code=code, message_en=en, message_zh=zh)


def today_in_china() -> date:
    return datetime.now(CHINA).date()


# --- keys ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationKeys:
    """What verification needs from the signer material, loaded once per process."""

    trust_roots: tuple[x509.Certificate, ...]
    trust_list: TrustList
    material: SignerMaterial


_keys: VerificationKeys | None = None
_keys_lock = threading.Lock()


def keys_from(material: SignerMaterial) -> VerificationKeys:
    seal_key = material.seal_key
    trust = build_trust_list([seal_key] if seal_key else [], issuer=ISSUER,
                             issued_at=datetime.combine(
                                 seal_key.certificate.not_valid_before_utc.date(),
                                 datetime.min.time(), UTC) if seal_key else None)
    return VerificationKeys(tuple(material.trust_roots), trust, material)


def verification_keys(settings: Settings) -> VerificationKeys:
    """The process-wide keys (signer material is slow to load: 0.3-0.6 s)."""
    global _keys
    if _keys is None:
        with _keys_lock:
            if _keys is None:
                _keys = keys_from(load_signer(settings))
    return _keys


def trust_list_json(keys: VerificationKeys) -> str:
    return keys.trust_list.to_json()


def status_list_json(session: Session, keys: VerificationKeys) -> str:
    """The signed status list: every suspended, revoked or expired-by-record certificate."""
    if keys.material.seal_key is None:
        raise RuntimeError("the signer material has no seal key to sign the status list")
    entries = [StatusEntry(e.number, CertStatus(e.status.value), e.since, e.reason)
               for e in status_list_entries(session)]
    return build_status_list(entries, issuer=ISSUER, key=keys.material.seal_key)


# --- the registry part of every answer ---------------------------------------------------------


def _load(session: Session, number: str | None = None, *,
          pdf_sha256: str | None = None) -> Certificate | None:
    stmt = select(Certificate)
    if pdf_sha256 is not None:
        stmt = stmt.where(Certificate.pdf_sha256 == pdf_sha256)
    elif number is not None:
        stmt = stmt.where(Certificate.number == number.strip().upper())
    else:
        return None
    return session.exec(stmt).first()


def _status_reason(state: StatusAt) -> list[Reason]:
    if state.status == "valid":
        return []
    detail = " ".join(p for p in (state.since.astimezone(CHINA).date().isoformat()
                                  if state.since else "", state.reason or "") if p)
    return [reason(state.status, detail or None)]


def answer_for(cert: Snapshot | None, day: date, method: str,
               number: str | None = None) -> Verification:
    """Status on ``day`` plus holder and product; red when not registered or not valid."""
    if cert is None:
        return Verification(verdict="red", method=method, checked_date=day, number=number,
                            status="not_found", reasons=[reason("not_found", number)]
                            if number else [reason("no_number")])
    state = status_of(cert, cert.history, day)
    first, last = printed_validity(cert)
    reasons = _status_reason(state)
    return Verification(
        verdict="red" if reasons else "green", method=method, checked_date=day,
        number=cert.number, status=state.status, status_since=state.since,
        status_reason=state.reason, holder_name=cert.holder_name, holder_uscc=cert.holder_uscc,
        product_name=cert.product_name, product_model=cert.product_model,
        cn_code=cert.cn_code, footprint=cert.total, unit=cert.unit,
        valid_from=first, valid_until=last, reasons=reasons)


def registry_answer(session: Session, cert: Certificate | None, day: date, method: str,
                    number: str | None = None) -> Verification:
    """:func:`answer_for` the certificate row ``cert`` (read again with its history in the
    session's transaction)."""
    return answer_for(snapshot(session, cert.number) if cert is not None else None, day, method,
                      number)


def _with(answer: Verification, extra: list[Reason], **fields: object) -> Verification:
    reasons = [*extra, *answer.reasons]
    return answer.model_copy(update={"reasons": reasons,
                                     "verdict": "red" if reasons else "green", **fields})


# --- by number, seal, QR image, PDF ----------------------------------------------------------------


def by_number(source: Engine | LoopReader | Session, number: str,
              day: date | None = None) -> Verification:
    """By number: one statement (``store.registry.snapshot``); pass the engine to read outside
    any transaction (the officer and public routes), or a session to read in its transaction."""
    key = number.strip().upper()
    return answer_for(snapshot(source, key), day or today_in_china(), "number", key)


def by_seal(session: Session, keys: VerificationKeys, text: str, day: date | None = None,
            method: str = "seal") -> Verification:
    """The seal's signature against the trust list, then the registry for its number."""
    day = day or today_in_china()
    text = text.strip()  # safe: a Base45 text never starts or ends with its space character
    if not text.startswith("TP1:"):
        number = number_in_link(text)
        if number is not None:
            return by_number(session, number, day).model_copy(update={"method": method})
    offline = verify_seal(text, keys.trust_list, None, datetime.now(UTC))
    crypto = [Reason(code=p.code, message_en=p.message_en, message_zh=p.message_zh)
              for p in offline.reasons if p.code in SEAL_CRYPTO_CODES]
    claims = offline.claims
    if claims is None:
        return Verification(verdict="red", method=method, checked_date=day,
                            seal=SealCheck(kid=offline.kid, authentic=False,
                                           matches_registry=False), reasons=crypto)
    cert = _load(session, claims.number)
    answer = registry_answer(session, cert, day, method, claims.number)
    registered = cert is not None and cert.seal == text
    extra = list(crypto)
    if cert is not None and not registered:
        extra.append(reason("seal_not_registered"))
    return _with(answer, extra, seal=SealCheck(kid=offline.kid, authentic=not crypto,
                                               matches_registry=registered))


def number_in_link(text: str) -> str | None:
    """The certificate number in a label/status link (``...?cert=TP-2026-000001``)."""
    try:
        query = parse_qs(urlparse(text).query)
    except ValueError:
        return None
    for value in query.get("cert", []):
        if NUMBER_RE.fullmatch(value.strip().upper()):
            return value.strip().upper()
    return None


def read_qr(image: bytes) -> list[str]:
    """QR payloads in an image (PNG/JPEG/...), decoded by the local ``zbarimg``."""
    exe = shutil.which("zbarimg")
    if exe is None:
        raise RuntimeError("zbarimg is not installed (Debian package zbar-tools)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload"
        path.write_bytes(image)
        proc = subprocess.run([exe, "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
                              capture_output=True, text=True, timeout=60, check=False)
    # one symbol per line; Base45 has a space in its alphabet, so never split on whitespace
    return [line.strip() for line in proc.stdout.splitlines() if line.strip()]


def by_qr_image(session: Session, keys: VerificationKeys, image: bytes,
                day: date | None = None) -> Verification:
    day = day or today_in_china()
    found = read_qr(image)
    if not found:
        return Verification(verdict="red", method="qr", checked_date=day,
                            reasons=[reason("qr_unreadable")])
    seals = [t for t in found if t.startswith("TP1:")]
    links = [t for t in found if number_in_link(t)]
    if seals or links:
        return by_seal(session, keys, (seals or links)[0], day, method="qr")
    return Verification(verdict="red", method="qr", checked_date=day,
                        reasons=[reason("qr_not_tanpass")])


def number_in_pdf(pdf: bytes) -> str | None:
    """The certificate number the file claims to be (document title, else signature reason)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        texts = []
        info = reader.trailer_view.get("/Info")
        if info is not None:
            texts.append(str(info.get_object().get("/Title", "")))
        for sig in reader.embedded_regular_signatures:
            texts.append(str(sig.sig_object.get("/Reason", "")))
    except Exception:  # noqa: BLE001 - an unreadable file simply names no number
        return None
    for text in texts:
        match = NUMBER_RE.search(text)
        if match:
            return match.group(0)
    return None


def by_pdf(session: Session, keys: VerificationKeys, pdf: bytes,
           day: date | None = None) -> Verification:
    """Signature (intact, trusted, whole document), identity with the registry's file, status."""
    day = day or today_in_china()
    check = verify_pdf(pdf, list(keys.trust_roots))
    signature = SignatureCheck(intact=check.intact, trusted=check.trusted,
                               covers_whole_document=check.covers_whole_document,
                               modified_after_signing=check.modified_after_signing,
                               timestamp_ok=check.timestamp_ok,
                               signer_subject=check.signer_subject,
                               signing_time=check.signing_time)
    cert = _load(session, pdf_sha256=check.document_sha256)
    number = cert.number if cert else number_in_pdf(pdf)
    if cert is None and number is not None:
        cert = _load(session, number)
    answer = registry_answer(session, cert, day, "pdf", number)
    extra = [Reason(code=p.code, message_en=p.message_en, message_zh=p.message_zh)
             for p in check.reasons]
    matches = cert is not None and cert.pdf_sha256 == check.document_sha256
    if cert is not None and not matches:
        extra.append(reason("document_differs", cert.number))
    document = DocumentCheck(sha256=check.document_sha256,
                             registry_sha256=cert.pdf_sha256 if cert else None,
                             matches_registry=matches)
    return _with(answer, extra, signature=signature, document=document)


# --- customs -------------------------------------------------------------------------------------


def digits(code: str) -> str:
    return re.sub(r"[\s.]", "", code)


def code_match(declared: str, certified: str | None) -> str:
    """How a declared tariff code relates to the certified product's code (both digits only).

    ``exact``: equal. ``covers``: the declared code starts with the certified code (a
    certificate for CN 8507 60 covers a declaration of 8507 60 00; one for 8507 60 00 covers the
    10-digit China tariff line 8507 60 00 10). ``coarser``: the certified code starts with the
    declared code (declared 850760, certified 85076000): the declaration does not show that the
    goods are the certified ones, so it is refused. Anything else: ``mismatch``."""
    if not certified:
        return "no_code"
    if declared == certified:
        return "exact"
    if declared.startswith(certified):
        return "covers"
    if certified.startswith(declared):
        return "coarser"
    return "mismatch"


def customs_check(session: Session, number: str, declared_code: str,
                  declaration_date: date) -> CustomsCheck:
    """The certificate on the declaration date, and its product code against the declared one."""
    declared = digits(declared_code)
    answer = by_number(session, number, declaration_date)
    certified = digits(answer.cn_code) if answer.cn_code else None
    match = code_match(declared, certified) if answer.status != "not_found" else "mismatch"
    reasons = list(answer.reasons)
    if answer.status != "not_found":
        if match == "no_code":
            reasons.append(reason("no_product_code"))
        elif match == "coarser":
            reasons.append(reason("code_coarser", f"{declared} / {certified}"))
        elif match == "mismatch":
            reasons.append(reason("code_mismatch", f"{declared} / {certified}"))
    return CustomsCheck(verdict="red" if reasons else "green", declared_code=declared,
                        certified_code=certified, code_match=match,  # type: ignore[arg-type]
                        declaration_date=declaration_date, certificate=answer, reasons=reasons)
