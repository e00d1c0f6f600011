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
from evidence.report_footprint import footprint_workbook
from evidence.report_tables import (
    portfolio_workbook,
    subsidy_results_workbook,
    working_papers_workbook,
)
from evidence.subsidy_claims import SubsidyClaim, read_subsidy_claims
from evidence.template_read import read_template
from evidence.template_write import write_template
from evidence.to_dossier import electricity_line, fuel_line, supplier_pcf

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
    "SubsidyClaim",
    "WorkbookError",
    "WorkbookInvalid",
    "confirm",
    "correct",
    "detect_type",
    "electricity_line",
    "extract_pdf",
    "footprint_workbook",
    "fuel_line",
    "grid_region_key",
    "portfolio_workbook",
    "read_pdf_text",
    "read_subsidy_claims",
    "read_template",
    "subsidy_results_workbook",
    "supplier_pcf",
    "working_papers_workbook",
    "write_template",
]
