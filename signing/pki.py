"""Development PKI: a root CA, a certification-body signer, a TSA and an ES256 seal key.

Everything here is for development and tests only. The subject of every generated certificate
carries :data:`DEV_ORGANISATION`, which is how production mode recognises and refuses it.

Layout of ``<var_dir>/pki`` (directory mode 0700, private keys 0600)::

    root-ca.crt.pem      root CA certificate            root-ca.key.pem   its private key
    signer.crt.pem       PAdES signer (RSA-2048)        signer.p12        key + chain, PKCS#12
    signer.p12.password  random PKCS#12 password
    tsa.crt.pem          RFC 3161 TSA (RSA-2048)        tsa.key.pem
    seal.crt.pem         offline-seal signer (EC P-256) seal.key.pem

Generation is atomic: the material is written to a temporary sibling directory which is then
renamed to ``pki``; a process that loses the race discards its copy. Existing material is never
overwritten.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from signing.errors import KeyMaterialError

DEV_ORGANISATION = "Tanpass DEVELOPMENT ONLY"
"""Organisation name in every generated development certificate."""
DEV_CRL_URL = "http://127.0.0.1/tanpass-dev-root.crl"
"""CRL distribution point written into development leaf certificates (never fetched)."""

PKI_FILES = (
    "root-ca.crt.pem", "root-ca.key.pem", "signer.crt.pem", "signer.p12", "signer.p12.password",
    "tsa.crt.pem", "tsa.key.pem", "seal.crt.pem", "seal.key.pem",
)
_SECRET_FILES = {"root-ca.key.pem", "signer.p12", "signer.p12.password", "tsa.key.pem",
                 "seal.key.pem"}

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEV_ORGANISATION),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _issue(
    subject: str, key: PrivateKey, issuer: x509.Certificate | None, issuer_key: PrivateKey,
    *, ca: bool, usage: dict[str, bool], eku: list[x509.ObjectIdentifier] | None, years: int,
) -> x509.Certificate:
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    name = _name(subject)
    pub = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer else name)
        .public_key(pub)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
    )
    flags = dict.fromkeys(
        ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
         "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"), False)
    flags.update(usage)
    builder = builder.add_extension(x509.KeyUsage(**flags), critical=True)
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                issuer_key.public_key()),  # type: ignore[arg-type]
            critical=False,
        ).add_extension(
            x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(DEV_CRL_URL)],
                relative_name=None, reasons=None, crl_issuer=None)]),
            critical=False,
        )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem_key(key: PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _pem_cert(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _generate(target: Path) -> None:
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    root = _issue("Tanpass Development Root CA", root_key, None, root_key, ca=True,
                  usage={"key_cert_sign": True, "crl_sign": True}, eku=None, years=20)
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer = _issue("Tanpass Development Certification Body", signer_key, root, root_key,
                    ca=False, usage={"digital_signature": True, "content_commitment": True},
                    eku=None, years=10)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa = _issue("Tanpass Development Timestamp Authority", tsa_key, root, root_key, ca=False,
                 usage={"digital_signature": True, "content_commitment": True},
                 eku=[ExtendedKeyUsageOID.TIME_STAMPING], years=10)
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal = _issue("Tanpass Development Seal Signer", seal_key, root, root_key, ca=False,
                  usage={"digital_signature": True}, eku=None, years=10)
    password = secrets.token_urlsafe(24)
    p12 = pkcs12.serialize_key_and_certificates(
        b"tanpass-dev-signer", signer_key, signer, [root],
        serialization.BestAvailableEncryption(password.encode()),
    )
    contents = {
        "root-ca.crt.pem": _pem_cert(root), "root-ca.key.pem": _pem_key(root_key),
        "signer.crt.pem": _pem_cert(signer), "signer.p12": p12,
        "signer.p12.password": password.encode(),
        "tsa.crt.pem": _pem_cert(tsa), "tsa.key.pem": _pem_key(tsa_key),
        "seal.crt.pem": _pem_cert(seal), "seal.key.pem": _pem_key(seal_key),
    }
    for name, data in contents.items():
        mode = 0o600 if name in _SECRET_FILES else 0o644
        fd = os.open(target / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)


def _complete(pki: Path) -> bool:
    return all((pki / name).is_file() for name in PKI_FILES)


def ensure_dev_pki(var_dir: Path) -> Path:
    """Create the development PKI under ``var_dir/pki`` unless it exists; return that directory.

    Idempotent and safe when several processes call it at once (file lock + atomic rename).
    Raises :class:`KeyMaterialError` if ``pki`` exists but is incomplete: it is never overwritten.
    """
    var_dir = Path(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    pki = var_dir / "pki"
    if _complete(pki):
        return pki
    lock_path = var_dir / ".pki.lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if _complete(pki):
            return pki
        if pki.exists() and any(pki.iterdir()):
            raise KeyMaterialError("development PKI", "directory exists but is incomplete; "
                                   "remove it to regenerate", pki)
        tmp = Path(tempfile.mkdtemp(prefix=".pki-", dir=var_dir))
        try:
            os.chmod(tmp, 0o700)
            _generate(tmp)
            if pki.exists():
                pki.rmdir()  # empty directory left by someone else
            os.rename(tmp, pki)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return pki
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def make_dev_crl(root_cert: x509.Certificate, root_key: PrivateKey,
                 revoked_serials: tuple[int, ...] = (), days: int = 30) -> bytes:
    """A fresh CRL (DER) of the development root, listing ``revoked_serials``."""
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root_cert.subject)
        .last_update(now)
        .next_update(now + timedelta(days=days))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            root_key.public_key()), critical=False)  # type: ignore[arg-type]
    )
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build())
    return builder.sign(root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def is_dev_certificate(cert: x509.Certificate) -> bool:
    """True if ``cert`` was issued to or by the generated development PKI."""
    for name in (cert.subject, cert.issuer):
        orgs = name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        if any(a.value == DEV_ORGANISATION for a in orgs):
            return True
    return False
