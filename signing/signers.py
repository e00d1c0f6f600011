"""pyHanko signer and in-process timestamper that parse their private key once.

pyHanko's ``SimpleSigner.sign_raw`` and ``DummyTimeStamper`` turn the stored ASN.1 key back into
a ``cryptography`` key for *every* signature (``load_der_private_key(key.dump())``). With
OpenSSL 3 that load runs the full RSA key check: about 75 ms for RSA-2048 on the development
machine, against about 1 ms for the RSA signature itself. A certificate takes two such loads
(the PAdES signature and the RFC 3161 timestamp), more than half of what signing cost.

These subclasses load (and check) the key once, when the signer material is loaded, and sign
with the same key, mechanism and padding as pyHanko does: PKCS#1 v1.5 signatures come out
byte for byte the same (``tests/signing`` compares them). Mechanisms other than RSA and ECDSA
fall back to pyHanko's own code path.
"""

from __future__ import annotations

from typing import Any

from asn1crypto import cms, core, keys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign import general, signers
from pyhanko.sign.general import simple_cms_attribute
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params


def _load(key: keys.PrivateKeyInfo) -> Any:
    return serialization.load_der_private_key(key.dump(), password=None)


class KeyOnceSigner(signers.SimpleSigner):
    """A ``SimpleSigner`` holding its private key parsed (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key = _load(self.signing_key)

    @classmethod
    def of(cls, simple: signers.SimpleSigner) -> KeyOnceSigner:
        """The same signer (certificate, key, registry, mechanism) with the key parsed once."""
        return cls(signing_cert=simple.signing_cert, signing_key=simple.signing_key,
                   cert_registry=simple.cert_registry,
                   signature_mechanism=simple.signature_mechanism,
                   prefer_pss=simple.prefer_pss, embed_roots=simple.embed_roots)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algo = mechanism.signature_algo
        except ValueError:
            algo = mechanism["algorithm"].native
        key = self._key
        if algo == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if algo == "rsassa_pss" and isinstance(key, RSAPrivateKey):
            padding, hash_algo = process_pss_params(mechanism["parameters"])
            return key.sign(data, padding, hash_algo)
        if algo == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)


class KeyOnceTimeStamper(DummyTimeStamper):
    """pyHanko's in-process RFC 3161 timestamper (development and tests) with its RSA key
    parsed once; the signed attributes are built exactly as ``DummyTimeStamper`` builds them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key = _load(self.tsa_key)
        if not isinstance(self._key, RSAPrivateKey):
            raise NotImplementedError("the in-process timestamper is RSA-only")

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str,
                       dt: Any) -> tuple[bytes, cms.CMSAttributes]:
        md = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        md.update(tst_info_data)
        signed_attrs = cms.CMSAttributes([
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
            simple_cms_attribute("signing_certificate",
                                 general.as_signing_certificate(self.tsa_cert)),
            simple_cms_attribute("message_digest", md.finalize()),
        ])
        signature = self._key.sign(signed_attrs.dump(), PKCS1v15(),
                                   get_pyca_cryptography_hash(md_algorithm.upper()))
        return signature, signed_attrs
