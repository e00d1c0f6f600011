"""The offline seal: a compact signed payload carried by the QR code.

Built after the EU Digital COVID Certificate::

    claims --CBOR (CWT)--> COSE_Sign1 (ES256, kid in protected header) --zlib--> Base45 --> "TP1:"

The CWT carries ``iss`` (1), ``exp`` (4, end of validity), ``nbf`` (5), ``iat`` (6) and the
certificate under the private claim :data:`CLAIM_KEY`. The key id is the first 8 bytes of the
SHA-256 of the seal signer's certificate (DER). Verifiers need only a trust list (kid -> cert)
and, to see revocations, a synced status list; no network.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

import base45
import cbor2
from cryptography.hazmat.primitives.asymmetric import ec
from pycose.algorithms import Es256
from pycose.headers import KID, Algorithm
from pycose.keys import EC2Key
from pycose.keys.curves import P256
from pycose.messages import Sign1Message

from signing.errors import SealError
from signing.sealkey import SealKey

if TYPE_CHECKING:
    from signing.keys import SignerMaterial

PREFIX = "TP1:"
"""Context identifier of seal version 1 (like ``HC1:`` for the EU DCC)."""
CLAIM_KEY = -70001
"""Private CWT claim key holding the certificate claims."""
CHINA = timezone(timedelta(hours=8))
"""Validity dates are calendar days in China Standard Time."""


@dataclass(frozen=True)
class SealClaims:
    """What the offline seal asserts about one certificate."""

    number: str
    """Certificate number."""
    holder_uscc: str
    """Unified Social Credit Code of the holder."""
    product: str
    """Product name (and model)."""
    footprint: float
    """Carbon footprint figure as printed on the certificate."""
    unit: str
    """Unit of the figure, e.g. ``kg CO2e/kWh``."""
    valid_from: date
    """First day of validity (China time)."""
    valid_until: date
    """Last day of validity (China time)."""
    issued_at: datetime
    """When the seal was made (timezone-aware)."""
    issuer: str
    """Certification body that issued the certificate."""

    def to_cbor_map(self) -> dict[int, Any]:
        """The CWT claims map."""
        nbf = datetime.combine(self.valid_from, time.min, CHINA)
        exp = datetime.combine(self.valid_until + timedelta(days=1), time.min, CHINA)
        return {
            1: self.issuer, 4: int(exp.timestamp()), 5: int(nbf.timestamp()),
            6: int(self.issued_at.timestamp()),
            CLAIM_KEY: {"v": 1, "n": self.number, "h": self.holder_uscc, "p": self.product,
                        "f": float(self.footprint), "u": self.unit,
                        "df": self.valid_from.isoformat(), "du": self.valid_until.isoformat()},
        }

    @classmethod
    def from_cbor_map(cls, cwt: dict[int, Any]) -> SealClaims:
        """Inverse of :meth:`to_cbor_map`; raises ``KeyError``/``ValueError`` if malformed."""
        c = cwt[CLAIM_KEY]
        return cls(number=str(c["n"]), holder_uscc=str(c["h"]), product=str(c["p"]),
                   footprint=float(c["f"]), unit=str(c["u"]),
                   valid_from=date.fromisoformat(c["df"]), valid_until=date.fromisoformat(c["du"]),
                   issued_at=datetime.fromtimestamp(int(cwt[6]), UTC), issuer=str(cwt[1]))


def _cose_private_key(key: ec.EllipticCurvePrivateKey) -> EC2Key:
    if not isinstance(key.curve, ec.SECP256R1):
        raise SealError("wrong_curve", f"ES256 needs a P-256 key, not {key.curve.name}")
    pub = key.public_key().public_numbers()
    return EC2Key(crv=P256, x=pub.x.to_bytes(32, "big"), y=pub.y.to_bytes(32, "big"),
                  d=key.private_numbers().private_value.to_bytes(32, "big"))


def cose_public_key(key: ec.EllipticCurvePublicKey) -> EC2Key:
    """pycose verification key for a P-256 public key."""
    pub = key.public_numbers()
    return EC2Key(crv=P256, x=pub.x.to_bytes(32, "big"), y=pub.y.to_bytes(32, "big"))


def sign_cose(payload: bytes, key: SealKey) -> bytes:
    """COSE_Sign1 (tagged) over ``payload`` with ES256 and the key id in the protected header."""
    msg = Sign1Message(phdr={Algorithm: Es256, KID: key.kid}, payload=payload)
    msg.key = _cose_private_key(key.private_key)
    return msg.encode()


def make_seal(claims: SealClaims, key: SealKey | SignerMaterial) -> str:
    """Encode and sign ``claims``; returns ``"TP1:" + Base45(zlib(COSE_Sign1))``."""
    if not isinstance(key, SealKey):  # a SignerMaterial: use the seal key it carries
        if key.seal_key is None:
            raise SealError("no_seal_key", "the signer material carries no ES256 seal key")
        key = key.seal_key
    if claims.issued_at.tzinfo is None:
        raise SealError("naive_time", "issued_at must be timezone-aware")
    payload = cbor2.dumps(claims.to_cbor_map(), canonical=True)
    return PREFIX + base45.b45encode(zlib.compress(sign_cose(payload, key), 9)).decode("ascii")


@dataclass(frozen=True)
class DecodedSeal:
    """A seal taken apart, before any trust decision."""

    kid: bytes
    """Key id from the protected header."""
    message: Sign1Message
    """The COSE_Sign1 message (payload still unverified)."""


def decode_seal(text: str) -> DecodedSeal:
    """Strip prefix, Base45, zlib and parse COSE_Sign1; raises ``SealError(code)`` on failure."""
    text = text.strip()
    if not text.startswith(PREFIX):
        raise SealError("bad_prefix", f"seal does not start with {PREFIX!r}")
    try:
        raw = zlib.decompress(base45.b45decode(text[len(PREFIX):]))
    except (ValueError, zlib.error) as exc:
        raise SealError("bad_encoding", str(exc)) from exc
    try:
        # cbor2 6 decodes tagged arrays as tuples (maps as frozen mappings), which pycose 1.1's CoseMessage.decode
        # rejects; unwrap the tag ourselves and hand pycose the array as a list.
        tagged = cbor2.loads(raw)
        if not isinstance(tagged, cbor2.CBORTag) or tagged.tag != Sign1Message.cbor_tag:
            raise SealError("bad_cose", "not a tagged COSE_Sign1 message")
        parts = list(tagged.value)
        if len(parts) != 4:
            raise SealError("bad_cose", "COSE_Sign1 must have four parts")
        parts[1] = dict(parts[1])  # cbor2 6 gives an immutable mapping here as well
        msg = Sign1Message.from_cose_obj(parts, True)
    except SealError:
        raise
    except Exception as exc:  # noqa: BLE001 - cbor2/pycose raise assorted errors on junk
        raise SealError("bad_cose", f"{type(exc).__name__}: {exc}") from exc
    kid = msg.phdr.get(KID)
    if not isinstance(kid, bytes):
        raise SealError("bad_cose", "no key id in the protected header")
    if msg.phdr.get(Algorithm) is not Es256 and msg.phdr.get(Algorithm) != Es256:
        raise SealError("bad_cose", "algorithm is not ES256")
    return DecodedSeal(kid=kid, message=msg)
