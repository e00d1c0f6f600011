"""evidence room of Tanpass: evidence in (PDF bills, invoices, declarations; the xlsx
submission template) with provenance, reports out (xlsx). See ../shared/ARCHITECTURE.md."""

from evidence.errors import (
    CellProblem,
    ConfirmationError,
    CorruptPdfError,
    DossierBuildError,
    EncryptedPdfError,
    EvidenceError,
    NotAPdfError,
    PdfRejected,
    PdfTooLargeError,
    PdfTooManyPagesError,
    WorkbookError,
    WorkbookInvalid,
)
from evidence.extract import detect_type, extract_pdf
from evidence.normalize import GRID_REGIONS, PROVINCES, grid_region_key
from evidence.patterns import SPECS
from evidence.pdftext import Limits, read_pdf_text
from evidence.provenance import (
    BBox,
    Confirmation,
    DocumentType,
    ExtractedValue,
    ExtractionResult,
    PageReport,
    Provenance,
    confirm,
    correct,
)

FIELDS: dict[str, tuple[str, ...]] = {kind: tuple(s.name for s in specs) for kind, specs in SPECS.items()}
"""Field names per document type (a period adds ``billing_period_end``)."""

__all__ = [
    "FIELDS",
    "GRID_REGIONS",
    "PROVINCES",
    "BBox",
    "CellProblem",
    "Confirmation",
    "ConfirmationError",
    "CorruptPdfError",
    "DocumentType",
    "DossierBuildError",
    "EncryptedPdfError",
    "EvidenceError",
    "ExtractedValue",
    "ExtractionResult",
    "Limits",
    "NotAPdfError",
    "PageReport",
    "PdfRejected",
    "PdfTooLargeError",
    "PdfTooManyPagesError",
    "Provenance",
    "WorkbookError",
    "WorkbookInvalid",
    "confirm",
    "correct",
    "detect_type",
    "extract_pdf",
    "grid_region_key",
    "read_pdf_text",
]
