"""The seal key and its key id: cryptography only, so the offline verifier stays light
(no pyHanko import at a customs desk)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


@dataclass(frozen=True)
class SealKey:
    """The EC P-256 key and certificate that sign offline seals (COSE ES256)."""

    private_key: ec.EllipticCurvePrivateKey
    """Private key on curve P-256."""
    certificate: x509.Certificate
    """Certificate of that key; its DER hash gives the key id."""

    @property
    def kid(self) -> bytes:
        """Key id: first 8 bytes of SHA-256 of the certificate's DER."""
        return kid_of(self.certificate)


def kid_of(cert: x509.Certificate) -> bytes:
    """Key id of a seal certificate: first 8 bytes of SHA-256 over its DER encoding."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest()[:8]
