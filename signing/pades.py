"""PAdES signing (pyHanko): embedded chain, RFC 3161 timestamp, validation data in the DSS.

Level: PAdES B-T always (signature timestamp); B-LT when the :class:`SignerMaterial` carries
validation data (the development PKI provides fresh CRLs of its root). The DSS is written in the
*same* revision as the signature, so the signature covers the whole file and validators such as
poppler's ``pdfsig`` report "Total document signed"; a later LTA update is still possible.

Space for the signature: pyHanko estimates it before each signature by making a complete dry-run
signature (timestamp included) and adding 50 %, which was about 40 % of a signature's time.
The space it reserved for the first signature with a given :class:`SignerMaterial` is kept
(``SignerMaterial.learnt``) and passed as ``bytes_reserved`` afterwards: the same estimate,
made once. Should a signature ever not fit, it is made again with a fresh estimate.
"""

from __future__ import annotations

import io

from asn1crypto import crl as asn1_crl
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as HankoSigningError
from pyhanko.sign.validation.dss import DocumentSecurityStore

from signing._sync import run_sync
from signing.errors import RenderError, TimestampError
from signing.keys import SignerMaterial, to_asn1

SIGNATURE_FIELD = "TanpassCertificationBody"
"""Name of the signature field created on certificates."""


def _validation_certs(signer: SignerMaterial) -> list:
    certs = [signer.certificate, *signer.chain]
    tsa = signer.extra.get("tsa_certificate")
    if tsa is not None:
        certs.append(tsa)
    return [to_asn1(c) for c in certs]


_RESERVED = "signature_bytes_reserved"


async def async_sign_pdf(pdf: bytes, signer: SignerMaterial, *, reason: str, location: str,
                         field_name: str = SIGNATURE_FIELD) -> bytes:
    """Coroutine form of :func:`sign_pdf` for callers already inside an event loop."""
    reserved = signer.learnt.get(_RESERVED)
    if reserved is not None:
        try:
            return await _sign(pdf, signer, reason, location, field_name, reserved)
        except HankoSigningError as exc:
            if "larger than expected" not in str(exc):
                raise
            signer.learnt.pop(_RESERVED, None)  # did not fit: estimate afresh
    out = await _sign(pdf, signer, reason, location, field_name, None)
    contents = PdfFileReader(io.BytesIO(out)).embedded_signatures[-1].sig_object.raw_get(
        "/Contents")
    signer.learnt[_RESERVED] = 2 * len(contents)  # hex digits, as pyHanko counts them
    return out


async def _sign(pdf: bytes, signer: SignerMaterial, reason: str, location: str,
                field_name: str, bytes_reserved: int | None) -> bytes:
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError) as exc:
        raise RenderError("pdf", f"not a readable PDF: {exc}") from exc
    if signer.crls:
        DocumentSecurityStore.supply_dss_in_writer(
            writer, None, certs=_validation_certs(signer),
            crls=[asn1_crl.CertificateList.load(der) for der in signer.crls],
        )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, reason=reason, location=location, md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES, embed_validation_info=False,
    )
    pdf_signer = signers.PdfSigner(meta, signer=signer.signer, timestamper=signer.timestamper)
    out = io.BytesIO()
    try:
        await pdf_signer.async_sign_pdf(writer, output=out, bytes_reserved=bytes_reserved)
    except HankoSigningError as exc:
        if "timestamp" in str(exc).lower() or "tsa" in str(exc).lower():
            raise TimestampError(signer.tsa_url, str(exc)) from exc
        raise
    except OSError as exc:  # network failure talking to the TSA
        raise TimestampError(signer.tsa_url, str(exc)) from exc
    return out.getvalue()


def sign_pdf(pdf: bytes, signer: SignerMaterial, *, reason: str, location: str,
             field_name: str = SIGNATURE_FIELD) -> bytes:
    """Sign ``pdf`` (PAdES B-T/B-LT, see module docstring) and return the signed bytes.

    Works from plain code and from inside a running event loop alike.
    """
    return run_sync(async_sign_pdf(pdf, signer, reason=reason, location=location,
                                   field_name=field_name))
