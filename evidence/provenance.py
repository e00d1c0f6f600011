"""What an extracted value is, where it came from, and how a person confirmed or corrected it.

An ``ExtractedValue`` is a *proposal*: the exporter confirms it or corrects it, and the
``Confirmation`` keeps the original beside the correction, so a verifier can see both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from evidence.errors import ConfirmationError

Value = Decimal | date | str
DocumentType = Literal["electricity_bill", "fuel_invoice", "supplier_declaration", "unknown"]
PageKind = Literal["text", "scanned", "blank"]


@dataclass(frozen=True)
class BBox:
    """A box on a PDF page in PDF points, origin top-left (pdfplumber's convention)."""

    x0: float
    top: float
    x1: float
    bottom: float

    def union(self, other: BBox) -> BBox:
        return BBox(
            min(self.x0, other.x0),
            min(self.top, other.top),
            max(self.x1, other.x1),
            max(self.bottom, other.bottom),
        )


@dataclass(frozen=True)
class Provenance:
    """Where a value was read."""

    sha256: str
    """SHA-256 (hex) of the whole file: the blob store's address."""
    page: int
    """1-based page number."""
    bbox: BBox
    """Box of the value's characters on that page."""
    text: str
    """The text line the value was read from, as it appears on the page."""
    filename: str | None = None


@dataclass(frozen=True)
class ExtractedValue:
    """One value proposed by extraction; not yet in any dossier."""

    field: str
    """Field name, e.g. ``consumption_kwh`` (see ``evidence.FIELDS``)."""
    value: Value
    """Normalised value: Decimal for amounts, date for dates, str otherwise."""
    raw: str
    """The characters of the value exactly as printed (e.g. ``"12,345.60"``)."""
    provenance: Provenance
    confidence: float
    """0..1. Label and value on one line with a strict format: about 0.95; value found on
    the line below its label: lower; inferred (e.g. grid region from the supplier's name):
    lower still; two disagreeing readings on the document: halved."""
    unit: str | None = None
    label: str | None = None
    """The label the value was found by (e.g. ``用电量(kWh)``)."""


@dataclass(frozen=True)
class Confirmation:
    """A person's decision about one ``ExtractedValue``: confirmed as is, or corrected."""

    original: ExtractedValue
    value: Value
    """The value that enters the dossier (equal to ``original.value`` unless corrected)."""
    confirmed_by: str
    confirmed_at: datetime
    corrected: bool = False
    reason: str | None = None
    """Why it was corrected (required for a correction)."""
    unit: str | None = None

    @property
    def field(self) -> str:
        return self.original.field


def confirm(value: ExtractedValue, *, by: str, at: datetime) -> Confirmation:
    """Accept an extracted value as printed."""
    if not by.strip():
        raise ConfirmationError(value.field, "a confirmation needs a person", "确认需要填写确认人")
    return Confirmation(value, value.value, by, at, corrected=False, unit=value.unit)


def correct(
    value: ExtractedValue,
    new_value: Value,
    *,
    by: str,
    at: datetime,
    reason: str,
    unit: str | None = None,
) -> Confirmation:
    """Replace an extracted value; the original stays in ``Confirmation.original``."""
    if not by.strip():
        raise ConfirmationError(value.field, "a correction needs a person", "更正需要填写更正人")
    if not reason.strip():
        raise ConfirmationError(value.field, "a correction needs a reason", "更正需要说明理由")
    if type(new_value) is not type(value.value):
        raise ConfirmationError(
            value.field,
            f"expected a {type(value.value).__name__}, got {type(new_value).__name__}",
            f"值类型应为{type(value.value).__name__}，实际为{type(new_value).__name__}",
        )
    return Confirmation(
        value, new_value, by, at, corrected=True, reason=reason, unit=unit or value.unit
    )


@dataclass(frozen=True)
class PageReport:
    """What one page held."""

    page: int
    kind: PageKind
    """``text``: has a text layer; ``scanned``: images but no text (needs OCR or manual entry);
    ``blank``: neither."""
    chars: int = 0
    images: int = 0
    message_en: str = ""
    message_zh: str = ""


@dataclass(frozen=True)
class ExtractionResult:
    """Everything read from one PDF."""

    sha256: str
    filename: str | None
    document_type: DocumentType
    type_confidence: float
    pages: tuple[PageReport, ...]
    values: tuple[ExtractedValue, ...]
    missing: tuple[str, ...] = field(default=())
    """Required fields of the detected type that were not found."""

    def get(self, name: str) -> ExtractedValue | None:
        return next((v for v in self.values if v.field == name), None)

    @property
    def scanned_pages(self) -> tuple[int, ...]:
        return tuple(p.page for p in self.pages if p.kind == "scanned")

    @property
    def complete(self) -> bool:
        return self.document_type != "unknown" and not self.missing
