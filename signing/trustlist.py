"""Documents that offline verifiers sync: the trust list and the status list (both JSON).

Trust list (``tanpass-trust-list`` v1): the seal signer certificates by key id, with the date each
was added. It is published by the certification body and pinned by verifiers out of band
(like the EU DCC trust list, it should be fetched over an authenticated channel).

Status list (``tanpass-status-list`` v1): certificate number -> status (valid / suspended /
revoked / expired), effective date and reason, plus ``issued_at``. It is signed (ES256, detached,
over the canonical JSON of the document without ``signature``) by a seal key from the trust
list, so an offline copy cannot be edited to hide a revocation.
"""

from __future__ import annotations

import base64
import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from signing.errors import TrustListError
from signing.sealkey import SealKey, kid_of

TRUST_FORMAT = "tanpass-trust-list"
STATUS_FORMAT = "tanpass-status-list"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _canonical(doc: Mapping[str, Any]) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class TrustedKey:
    """One seal signer in the trust list."""

    kid: bytes
    """Key id: first 8 bytes of SHA-256 of the certificate DER."""
    certificate: x509.Certificate
    """The seal signer certificate (EC P-256)."""
    added: date
    """Date the key was published in the trust list."""


@dataclass(frozen=True)
class TrustList:
    """Seal signer certificates by key id."""

    issuer: str
    """Who publishes the list."""
    issued_at: datetime
    """When this version of the list was issued."""
    keys: dict[bytes, TrustedKey] = field(default_factory=dict)
    """Key id -> trusted key."""

    def to_json(self) -> str:
        """The published JSON document."""
        return json.dumps({
            "format": TRUST_FORMAT, "version": 1, "issuer": self.issuer,
            "issued_at": self.issued_at.isoformat(),
            "keys": {_b64(k.kid): {
                "certificate": _b64(k.certificate.public_bytes(serialization.Encoding.DER)),
                "subject": k.certificate.subject.rfc4514_string(),
                "not_before": k.certificate.not_valid_before_utc.isoformat(),
                "not_after": k.certificate.not_valid_after_utc.isoformat(),
                "added": k.added.isoformat()} for k in self.keys.values()},
        }, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> TrustList:
        """Parse a trust list; raises :class:`TrustListError` if malformed or inconsistent."""
        try:
            doc = json.loads(text)
            if doc.get("format") != TRUST_FORMAT or doc.get("version") != 1:
                raise TrustListError("bad_format", "not a tanpass-trust-list v1 document")
            keys: dict[bytes, TrustedKey] = {}
            for kid_text, entry in doc["keys"].items():
                cert = x509.load_der_x509_certificate(_unb64(entry["certificate"]))
                kid = _unb64(kid_text)
                if kid_of(cert) != kid:
                    raise TrustListError("kid_mismatch", f"key id {kid_text} does not match "
                                         "its certificate")
                keys[kid] = TrustedKey(kid, cert, date.fromisoformat(entry["added"]))
            return cls(str(doc["issuer"]), datetime.fromisoformat(doc["issued_at"]), keys)
        except TrustListError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise TrustListError("malformed", f"{type(exc).__name__}: {exc}") from exc


def build_trust_list(certificates: Iterable[x509.Certificate | SealKey], *, issuer: str,
                     issued_at: datetime | None = None, added: date | None = None) -> TrustList:
    """A trust list of the given seal certificates (or seal keys' certificates)."""
    when = issued_at or datetime.now(UTC)
    keys = {}
    for item in certificates:
        cert = item.certificate if isinstance(item, SealKey) else item
        kid = kid_of(cert)
        keys[kid] = TrustedKey(kid, cert, added or when.date())
    return TrustList(issuer, when, keys)


class CertStatus(enum.StrEnum):
    """Registry status of a certificate."""

    valid = "valid"
    suspended = "suspended"
    revoked = "revoked"
    expired = "expired"


@dataclass(frozen=True)
class StatusEntry:
    """Status of one certificate in the status list."""

    number: str
    """Certificate number."""
    status: CertStatus
    """Current status."""
    since: date
    """Date the status took effect."""
    reason: str = ""
    """Reason (free text, e.g. ``surveillance audit failed`` / 监督审核不合格)."""


@dataclass(frozen=True)
class StatusList:
    """A verified status list."""

    issuer: str
    """Who publishes the list."""
    issued_at: datetime
    """When the list was issued (verifiers show its age)."""
    entries: dict[str, StatusEntry]
    """Certificate number -> entry."""
    signed_by: bytes
    """Key id of the seal key whose signature was verified."""


def build_status_list(entries: Iterable[StatusEntry], *, issuer: str, key: SealKey,
                      issued_at: datetime | None = None) -> str:
    """The signed status-list JSON document."""
    body: dict[str, Any] = {
        "format": STATUS_FORMAT, "version": 1, "issuer": issuer,
        "issued_at": (issued_at or datetime.now(UTC)).isoformat(),
        "entries": {e.number: {"status": CertStatus(e.status).value, "since": e.since.isoformat(),
                               "reason": e.reason} for e in entries},
    }
    sig = key.private_key.sign(_canonical(body), ec.ECDSA(hashes.SHA256()))
    body["signature"] = {"alg": "ES256", "kid": _b64(key.kid), "value": _b64(sig)}
    return json.dumps(body, ensure_ascii=False, indent=2)


def parse_status_list(text: str | bytes, trust_list: TrustList) -> StatusList:
    """Parse and verify a status list against ``trust_list``; raises :class:`TrustListError`."""
    try:
        doc = json.loads(text)
        if doc.get("format") != STATUS_FORMAT or doc.get("version") != 1:
            raise TrustListError("bad_format", "not a tanpass-status-list v1 document")
        sig = doc.pop("signature")
        kid = _unb64(sig["kid"])
        trusted = trust_list.keys.get(kid)
        if trusted is None:
            raise TrustListError("unknown_kid", "status list signed by a key not in the trust list")
        pub = trusted.certificate.public_key()
        if not isinstance(pub, ec.EllipticCurvePublicKey):
            raise TrustListError("bad_key", "trusted key is not an EC key")
        try:
            pub.verify(_unb64(sig["value"]), _canonical(doc), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature as exc:
            raise TrustListError("bad_signature", "status list signature does not verify") from exc
        entries = {num: StatusEntry(num, CertStatus(e["status"]), date.fromisoformat(e["since"]),
                                    str(e.get("reason", ""))) for num, e in doc["entries"].items()}
        return StatusList(str(doc["issuer"]), datetime.fromisoformat(doc["issued_at"]), entries,
                          kid)
    except TrustListError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TrustListError("malformed", f"{type(exc).__name__}: {exc}") from exc
