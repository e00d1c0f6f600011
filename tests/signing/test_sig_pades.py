"""PAdES signing and verification, cross-checked with poppler's pdfsig (NSS)."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.generic import ArrayObject, StreamObject, pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import SignerMaterial, load_dev_signer, sign_pdf, verify_pdf
from tests.signing.conftest import run_tool


def _pdfsig(tmp_path, pdf: bytes, *extra: str) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    result = run_tool("pdfsig", *extra, str(path))
    return result.stdout + result.stderr


def test_pdfsig_reports_valid_and_whole_document(tmp_path, signed_pdf: bytes) -> None:
    out = _pdfsig(tmp_path, signed_pdf)
    assert "Signature is Valid" in out
    assert "Total document signed" in out
    assert "ETSI.CAdES.detached" in out


def test_pdfsig_trusts_with_dev_root_in_nss_db(tmp_path, signed_pdf: bytes, nss_db: str) -> None:
    out = _pdfsig(tmp_path, signed_pdf, "-nssdir", nss_db)
    assert "Signature is Valid" in out
    assert "Certificate is Trusted" in out


def test_verify_pdf_green(signed_pdf: bytes, signer: SignerMaterial) -> None:
    v = verify_pdf(signed_pdf, list(signer.trust_roots))
    assert v.ok, v.reasons
    assert v.intact and v.trusted and v.covers_whole_document and v.timestamp_ok
    assert not v.modified_after_signing
    assert v.signer_subject and "Certification Body" in v.signer_subject
    assert v.signing_time is not None
    assert v.signature_count == 1
    assert len(v.document_sha256) == 64


def test_signed_revision_carries_dss_with_crls(signed_pdf: bytes) -> None:
    reader = PdfFileReader(io.BytesIO(signed_pdf))
    dss = reader.root["/DSS"]
    assert len(dss["/CRLs"]) >= 1 and len(dss["/Certs"]) >= 3
    assert reader.xrefs.total_revisions == 2  # rendering + signature (DSS in the same one)


def test_one_byte_changed_is_red(tmp_path, signed_pdf: bytes, signer: SignerMaterial) -> None:
    reader = PdfFileReader(io.BytesIO(signed_pdf))
    start = reader.embedded_regular_signatures[0].sig_object["/ByteRange"][1]
    data = bytearray(signed_pdf)
    data[start // 2] ^= 0x01  # inside the first signed byte range
    v = verify_pdf(bytes(data), list(signer.trust_roots))
    assert not v.ok and not v.intact
    assert "digest_mismatch" in {p.code for p in v.reasons}
    assert all(p.message_zh and p.message_en for p in v.reasons)
    assert "Signature is Valid" not in _pdfsig(tmp_path, bytes(data))


def _append_update(signed_pdf: bytes, *, content: bool) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    if content:  # overlay a forged figure on the page
        page = writer.root["/Pages"]["/Kids"][0].get_object()
        stream = writer.add_object(StreamObject(stream_data=b"BT /F1+0 30 Tf 100 400 Td (999) Tj ET"))
        page[pdf_name("/Contents")] = ArrayObject([page.raw_get("/Contents"), stream])
        writer.update_container(page)
    else:  # metadata only
        info = writer.trailer["/Info"].get_object()
        info[pdf_name("/Title")] = pdf_string("forged")
        writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("content", [True, False], ids=["page-content", "metadata-only"])
def test_incremental_update_is_red(tmp_path, signed_pdf: bytes, signer: SignerMaterial,
                                   content: bool) -> None:
    updated = _append_update(signed_pdf, content=content)
    v = verify_pdf(updated, list(signer.trust_roots))
    assert not v.ok and v.intact
    assert v.modified_after_signing and not v.covers_whole_document
    assert "modified_after_signing" in {p.code for p in v.reasons}
    out = _pdfsig(tmp_path, updated)
    assert "Total document signed" not in out


def test_unsigned_and_garbage_are_red_not_raised(plain_pdf: bytes) -> None:
    assert {p.code for p in verify_pdf(plain_pdf, None).reasons} == {"unsigned"}
    assert {p.code for p in verify_pdf(b"%PDF-1.7 nonsense", None).reasons} <= {
        "unreadable", "unsigned"}
    assert not verify_pdf(b"", None).ok


def test_foreign_root_is_untrusted(tmp_path, signed_pdf: bytes) -> None:
    other = load_dev_signer(tmp_path / "other")
    v = verify_pdf(signed_pdf, list(other.trust_roots))
    assert v.intact and not v.trusted and not v.ok
    assert "untrusted" in {p.code for p in v.reasons}
    assert "no_trust_roots" in {p.code for p in verify_pdf(signed_pdf, None).reasons}


async def test_sign_and_verify_inside_running_event_loop(plain_pdf: bytes,
                                                          signer: SignerMaterial) -> None:
    signed = sign_pdf(plain_pdf, signer, reason="r", location="l")
    assert verify_pdf(signed, list(signer.trust_roots)).ok
