"""Offline verification of a seal: trust list (+ optional synced status list), no network.

:func:`verify_seal` never raises for a forged or broken seal; it returns a red
:class:`SealVerification` whose ``reasons`` say why, in English and Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import cbor2
from cryptography.hazmat.primitives.asymmetric import ec

from signing.errors import SealError
from signing.problems import Problem
from signing.seal import CHINA, SealClaims, cose_public_key, decode_seal
from signing.trustlist import CertStatus, StatusList, TrustList

_MESSAGES: dict[str, tuple[str, str]] = {
    "bad_prefix": ("Not a Tanpass seal (wrong prefix).", "不是碳证通离线验证码（前缀错误）。"),
    "bad_encoding": ("The seal is damaged (Base45/zlib decoding failed).",
                     "验证码已损坏（Base45/zlib 解码失败）。"),
    "bad_cose": ("The seal is not a valid COSE_Sign1 ES256 message.",
                 "验证码不是有效的 COSE_Sign1 ES256 签名消息。"),
    "unknown_kid": ("The seal was signed by a key that is not in the trust list.",
                    "验证码的签名密钥不在信任列表中。"),
    "bad_signature": ("The seal's signature does not verify: the content was altered or forged.",
                      "验证码签名无效：内容被篡改或伪造。"),
    "bad_claims": ("The seal's content is malformed.", "验证码内容格式错误。"),
    "signer_not_valid": ("The seal was made outside its signer certificate's validity.",
                         "验证码签发时间不在签名证书有效期内。"),
    "not_yet_valid": ("The certificate is not yet valid on the checked date.",
                      "在核验日期证书尚未生效。"),
    "expired": ("The certificate has expired on the checked date.", "在核验日期证书已过期。"),
    "revoked": ("The certificate has been revoked.", "证书已被撤销。"),
    "suspended": ("The certificate is suspended.", "证书已被暂停。"),
}


def seal_problem(code: str, detail: str | None = None) -> Problem:
    """A bilingual :class:`Problem` for a seal failure ``code``."""
    en, zh = _MESSAGES[code]
    return Problem(code, f"{en} ({detail})" if detail else en, f"{zh}（{detail}）" if detail
                   and code in ("revoked", "suspended") else zh)


@dataclass(frozen=True)
class SealVerification:
    """Result of verifying an offline seal."""

    claims: SealClaims | None
    """Decoded claims when the signature verified (never shown from an unverified seal)."""
    kid: str | None
    """Hex key id from the seal, if it could be decoded."""
    signer_subject: str | None
    """Subject of the trusted seal signer certificate."""
    status: str
    """``valid``, ``suspended``, ``revoked``, ``expired``, ``not_yet_valid`` or ``invalid``."""
    checked_at: datetime
    """The instant the validity was evaluated for."""
    reasons: tuple[Problem, ...]
    """Every problem found; empty when ``ok``."""
    status_list_issued_at: datetime | None = None
    """Issue time of the status list consulted (None: no status list, revocations unknown)."""

    @property
    def ok(self) -> bool:
        """Authentic, trusted, within validity and not suspended/revoked in the status list."""
        return not self.reasons and self.claims is not None


def verify_seal(text: str, trust_list: TrustList, status_list: StatusList | None = None,
                at: datetime | None = None) -> SealVerification:
    """Verify ``text`` (``TP1:...``) offline; ``at`` defaults to now (timezone-aware)."""
    at = at or datetime.now(UTC)
    listed = status_list.issued_at if status_list else None

    def red(code: str, kid: str | None = None, detail: str | None = None) -> SealVerification:
        return SealVerification(None, kid, None, "invalid", at, (seal_problem(code, detail),),
                                listed)

    try:
        decoded = decode_seal(text)
    except SealError as exc:
        return red(exc.code, detail=exc.reason)
    kid = decoded.kid.hex()
    trusted = trust_list.keys.get(decoded.kid)
    if trusted is None:
        return red("unknown_kid", kid)
    pub = trusted.certificate.public_key()
    if not isinstance(pub, ec.EllipticCurvePublicKey):
        return red("bad_signature", kid, "trusted key is not EC P-256")
    decoded.message.key = cose_public_key(pub)
    try:
        if not decoded.message.verify_signature():
            return red("bad_signature", kid)
    except Exception as exc:  # noqa: BLE001 - pycose raises on malformed signatures
        return red("bad_signature", kid, type(exc).__name__)
    try:
        claims = SealClaims.from_cbor_map(cbor2.loads(decoded.message.payload))
    except Exception as exc:  # noqa: BLE001 - malformed CBOR / claims
        return red("bad_claims", kid, type(exc).__name__)
    reasons: list[Problem] = []
    cert = trusted.certificate
    if not cert.not_valid_before_utc <= claims.issued_at <= cert.not_valid_after_utc:
        reasons.append(seal_problem("signer_not_valid"))
    day = at.astimezone(CHINA).date()
    status = "valid"
    if day < claims.valid_from:
        status = "not_yet_valid"
        reasons.append(seal_problem("not_yet_valid", claims.valid_from.isoformat()))
    elif day > claims.valid_until:
        status = "expired"
        reasons.append(seal_problem("expired", claims.valid_until.isoformat()))
    entry = status_list.entries.get(claims.number) if status_list else None
    if entry is not None and entry.status is not CertStatus.valid and entry.since <= day:
        if entry.status is CertStatus.expired:
            if status != "expired":
                reasons.append(seal_problem("expired", entry.since.isoformat()))
        else:
            reasons.append(seal_problem(entry.status.value,
                                        f"{entry.since.isoformat()} {entry.reason}".strip()))
        status = entry.status.value
    return SealVerification(claims, kid, cert.subject.rfc4514_string(), status, at,
                            tuple(reasons), listed)
