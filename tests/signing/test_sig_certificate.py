"""Rendering of the bilingual certificate: fonts embedded, Chinese extractable, QR readable."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from signing import (
    CertificateData,
    FontNotFoundError,
    RenderError,
    format_figure,
    render_certificate_pdf,
)
from tests.signing.conftest import run_tool


def _write(tmp_path: Path, pdf: bytes) -> Path:
    path = tmp_path / "cert.pdf"
    path.write_bytes(pdf)
    return path


def test_every_font_embedded(tmp_path: Path, plain_pdf: bytes) -> None:
    out = run_tool("pdffonts", str(_write(tmp_path, plain_pdf)), check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, out
    assert any("WenQuanYi" in row[0] for row in rows)
    for row in rows:  # name type encoding emb sub uni object ID
        assert row[-5] == "yes", f"font not embedded: {row}"


def test_chinese_and_english_text_extractable(tmp_path: Path, plain_pdf: bytes,
                                              cert_data: CertificateData) -> None:
    text = run_tool("pdftotext", "-enc", "UTF-8", str(_write(tmp_path, plain_pdf)), "-",
                    check=True).stdout
    for expected in ("产品碳足迹证书", "Product Carbon Footprint Certificate", cert_data.number,
                     cert_data.holder_name, cert_data.holder_uscc, "统一社会信用代码",
                     "78.45 kg CO2e", "GB/T 24067-2024", "2028-05-31", "核查意见",
                     cert_data.status_url):
        assert expected in text, expected


def test_qr_on_page_decodes_to_payload(tmp_path: Path, cert_data: CertificateData) -> None:
    payload = "TP1:" + "6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE$VK G2EC" * 5
    pdf = render_certificate_pdf(replace(cert_data, qr_payload=payload))
    path = _write(tmp_path, pdf)
    run_tool("pdftoppm", "-r", "300", "-png", "-singlefile", str(path),
             str(tmp_path / "page"), check=True)
    out = run_tool("zbarimg", "-q", "--raw", str(tmp_path / "page.png")).stdout
    assert out.strip("\n") == payload


def test_rendering_is_deterministic(cert_data: CertificateData, plain_pdf: bytes) -> None:
    assert render_certificate_pdf(cert_data) == plain_pdf
    assert render_certificate_pdf(replace(cert_data, footprint_total=78.46)) != plain_pdf


def test_missing_font_is_a_clear_error(cert_data: CertificateData, tmp_path: Path) -> None:
    with pytest.raises(FontNotFoundError) as info:
        render_certificate_pdf(cert_data, font_path=tmp_path / "nope.ttc")
    assert info.value.tried == (tmp_path / "nope.ttc",)


def test_inconsistent_data_is_refused(cert_data: CertificateData) -> None:
    with pytest.raises(RenderError) as info:
        render_certificate_pdf(replace(cert_data, valid_until=date(2020, 1, 1)))
    assert info.value.field == "valid_until"
    with pytest.raises(RenderError):
        render_certificate_pdf(replace(cert_data, footprint_total=float("nan")))


@pytest.mark.parametrize(("value", "text"), [
    (0.2956, "0.2956"), (1.9, "1.9"), (991.5, "991.5"), (12345.678, "12,346"), (0.0, "0"),
    (78.45, "78.45"),
])
def test_format_figure(value: float, text: str) -> None:
    assert format_figure(value) == text
