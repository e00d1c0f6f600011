"""Extraction over generated bills, invoices and declarations in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from evidence import (
    ConfirmationError,
    CorruptPdfError,
    EncryptedPdfError,
    Limits,
    NotAPdfError,
    PdfTooLargeError,
    PdfTooManyPagesError,
    confirm,
    correct,
    extract_pdf,
    samples,
)
from evidence.pdftext import sha256_hex

MAKERS = {
    "electricity_bill": samples.electricity_bill,
    "fuel_invoice": samples.fuel_invoice,
    "supplier_declaration": samples.supplier_declaration,
}


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_every_value_with_page_and_box(kind: str, lang: str) -> None:
    sample = MAKERS[kind](lang)
    result = extract_pdf(sample.data, filename=sample.filename)
    assert result.document_type == kind
    assert result.missing == ()
    assert result.sha256 == sha256_hex(sample.data)
    for name, drawn in sample.expected.items():
        got = result.get(name)
        assert got is not None, f"{name} not extracted"
        assert got.value == drawn.value, name
        assert got.provenance.page == drawn.page, name
        assert got.provenance.sha256 == result.sha256
        box, want = got.provenance.bbox, drawn.bbox
        assert _close(box.x0, want.x0, 1.0) and _close(box.x1, want.x1, 1.0), (name, box, want)
        assert want.top - 2 <= box.top and box.bottom <= want.bottom + 2, (name, box, want)
        assert got.raw in got.provenance.text
        assert 0 < got.confidence <= 1


def test_bill_ignores_last_period_and_reads_other_figures() -> None:
    sample = samples.electricity_bill("zh", kwh=Decimal("8001.25"), previous_kwh=Decimal("9870"))
    got = extract_pdf(sample.data).get("consumption_kwh")
    assert got is not None and got.value == Decimal("8001.25") and got.unit == "kWh"
    assert got.label is not None and "本期" in got.label


def test_english_bill_infers_grid_region_from_supplier_with_lower_confidence() -> None:
    result = extract_pdf(samples.electricity_bill("en").data)
    region = result.get("grid_region")
    assert region is not None and region.value == "southwest"
    assert region.confidence < 0.9 and region.label == "inferred from supplier"


def test_english_meter_number_read_from_table_cell_below_label() -> None:
    result = extract_pdf(samples.electricity_bill("en", meter="M-77881").data)
    meter = result.get("meter_number")
    assert meter is not None and meter.value == "M-77881"
    assert meter.confidence < 0.95  # the line below, not the same line


@pytest.mark.parametrize("fuel, unit", [("natural_gas", "m3"), ("gasoline", "kg")])
def test_fuel_invoice_variants(fuel: str, unit: str) -> None:
    result = extract_pdf(samples.fuel_invoice("zh", fuel=fuel, unit=unit).data)
    assert result.get("fuel").value == fuel  # type: ignore[union-attr]
    assert result.get("unit").value == unit  # type: ignore[union-attr]


def test_scanned_page_is_reported_not_skipped() -> None:
    result = extract_pdf(samples.scanned_pdf(pages=2), filename="scan.pdf")
    assert result.scanned_pages == (1, 2)
    assert result.document_type == "unknown" and not result.complete
    page = result.pages[0]
    assert page.kind == "scanned" and page.images == 1
    assert "scanned" in page.message_en and "扫描" in page.message_zh


def test_encrypted_pdf_is_named() -> None:
    data = samples.encrypted_pdf()
    with pytest.raises(EncryptedPdfError) as err:
        extract_pdf(data, filename="bill.pdf")
    assert err.value.code == "encrypted_pdf"
    assert "password" in err.value.message_en and "密码" in err.value.message_zh
    assert err.value.sha256 == sha256_hex(data) and err.value.filename == "bill.pdf"


def test_truncated_pdf_is_corrupt() -> None:
    with pytest.raises(CorruptPdfError) as err:
        extract_pdf(samples.corrupt_pdf(), filename="cut.pdf")
    assert "damaged" in err.value.message_en and "损坏" in err.value.message_zh


def test_non_pdf_is_named() -> None:
    with pytest.raises(NotAPdfError) as err:
        extract_pdf(samples.not_a_pdf(), filename="bill.zip")
    assert "not a PDF" in err.value.message_en and "不是PDF" in err.value.message_zh


def test_bomb_guards() -> None:
    data = samples.many_page_bills(5)
    with pytest.raises(PdfTooManyPagesError) as pages:
        extract_pdf(data, limits=Limits(max_pages=4))
    assert pages.value.count == 5 and pages.value.limit == 4
    with pytest.raises(PdfTooManyPagesError) as chars:
        extract_pdf(data, limits=Limits(max_chars_per_page=100))
    assert chars.value.what == "characters on one page"
    with pytest.raises(PdfTooLargeError):
        extract_pdf(data, limits=Limits(max_bytes=1000))


def test_confirm_and_correct_keep_the_original() -> None:
    result = extract_pdf(samples.electricity_bill("zh").data)
    kwh = result.get("consumption_kwh")
    assert kwh is not None
    at = datetime(2024, 4, 2, 9, 0, tzinfo=UTC)
    ok = confirm(kwh, by="li.wei", at=at)
    assert ok.value == kwh.value and not ok.corrected and ok.original is kwh
    fixed = correct(kwh, Decimal("12346"), by="li.wei", at=at, reason="meter re-read")
    assert fixed.corrected and fixed.value == Decimal("12346")
    assert fixed.original.value == Decimal("12345.60") and fixed.original.provenance.page == 2
    with pytest.raises(ConfirmationError):
        correct(kwh, Decimal("1"), by="li.wei", at=at, reason=" ")
    with pytest.raises(ConfirmationError):
        correct(kwh, "12346", by="li.wei", at=at, reason="typo")
    start = result.get("billing_period_start")
    assert start is not None and start.value == date(2024, 3, 1)
