"""The key-once signer and timestamper sign exactly as pyHanko's own classes do."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.sign import signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from signing import SignerMaterial
from signing.signers import KeyOnceSigner, KeyOnceTimeStamper


def test_loaded_material_uses_the_key_once_classes(signer: SignerMaterial) -> None:
    assert isinstance(signer.signer, KeyOnceSigner)
    assert isinstance(signer.timestamper, KeyOnceTimeStamper)


def test_raw_signature_is_pyhankos_byte_for_byte(signer: SignerMaterial) -> None:
    ours = signer.signer
    assert isinstance(ours, KeyOnceSigner)
    stock = signers.SimpleSigner(signing_cert=ours.signing_cert, signing_key=ours.signing_key,
                                 cert_registry=ours.cert_registry)
    data = b"signed attributes of a certificate" * 10
    assert ours.sign_raw(data, "sha256") == stock.sign_raw(data, "sha256")
    public = signer.certificate.public_key()  # and it verifies under the signer certificate
    public.verify(ours.sign_raw(data, "sha256"), data, PKCS1v15(), hashes.SHA256())  # type: ignore[call-arg,union-attr]


def test_timestamp_token_signature_is_pyhankos_byte_for_byte(signer: SignerMaterial) -> None:
    ours = signer.timestamper
    assert isinstance(ours, KeyOnceTimeStamper)
    stock = DummyTimeStamper(tsa_cert=ours.tsa_cert, tsa_key=ours.tsa_key,
                             certs_to_embed=ours.certs_to_embed)
    tst_info = b"0\x03\x02\x01\x01" * 7
    at = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    sig_ours, attrs_ours = ours._sign_tst_info(tst_info, "sha256", at)
    sig_stock, attrs_stock = stock._sign_tst_info(tst_info, "sha256", at)
    assert attrs_ours.dump() == attrs_stock.dump()
    assert sig_ours == sig_stock


def test_signature_space_is_learnt_once_and_refreshed_when_short(
        plain_pdf: bytes, var_dir) -> None:  # noqa: ANN001
    from signing import load_dev_signer, sign_pdf, verify_pdf
    from signing.pades import _RESERVED

    material = load_dev_signer(var_dir)  # fresh: nothing learnt yet
    assert _RESERVED not in material.learnt
    first = sign_pdf(plain_pdf, material, reason="r", location="l")
    learnt = material.learnt[_RESERVED]
    second = sign_pdf(plain_pdf, material, reason="r", location="l")
    assert len(second) == len(first)  # the same space as pyHanko's own estimate
    assert material.learnt[_RESERVED] == learnt
    material.learnt[_RESERVED] = 2000  # far too small: made again with a fresh estimate
    third = sign_pdf(plain_pdf, material, reason="r", location="l")
    assert material.learnt[_RESERVED] == learnt and len(third) == len(first)
    for pdf in (first, second, third):
        assert verify_pdf(pdf, list(material.trust_roots)).ok
