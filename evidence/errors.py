"""Errors of the evidence room.

Every error carries structured data (which file, sheet, cell, page, why) and a message in
English and Chinese, so the API and the portal show it without parsing strings::

    EvidenceError                      base: ``code``, ``message_en``, ``message_zh``
    ├── PdfRejected                    a PDF file that cannot be read at all (nothing extracted)
    │   ├── NotAPdfError               the bytes are not a PDF (no ``%PDF-`` header)
    │   ├── CorruptPdfError            a PDF header, but the file is damaged or truncated
    │   ├── EncryptedPdfError          the PDF needs a password to open
    │   ├── PdfTooLargeError           more bytes than the configured limit
    │   └── PdfTooManyPagesError       more pages (or characters on a page) than the limit
    ├── ConfirmationError              a confirm/correct step that is not allowed
    ├── DossierBuildError              confirmed values that cannot become a dossier line
    └── WorkbookError                  an xlsx file that cannot be read as the expected workbook
        └── WorkbookInvalid            cell-level problems, all collected: ``problems`` is a
                                       tuple of ``CellProblem`` (sheet, cell A1, row, column,
                                       code, message_en, message_zh)

Scanned (text-less) pages are *not* errors: they are reported in the extraction result as
``PageReport(kind="scanned")`` so a verifier sees them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class EvidenceError(Exception):
    """Base class of every error raised by the evidence room."""

    code: str = "evidence_error"

    def __init__(self, message_en: str, message_zh: str) -> None:
        self.message_en = message_en
        self.message_zh = message_zh
        super().__init__(message_en)


class PdfRejected(EvidenceError):
    """A file that yields no extraction at all. ``sha256`` identifies the file."""

    code = "pdf_rejected"

    def __init__(self, sha256: str, filename: str | None, message_en: str, message_zh: str) -> None:
        self.sha256 = sha256
        self.filename = filename
        super().__init__(message_en, message_zh)


class NotAPdfError(PdfRejected):
    code = "not_a_pdf"

    def __init__(self, sha256: str, filename: str | None, starts_with: bytes) -> None:
        self.starts_with = starts_with
        name = filename or "the file"
        super().__init__(
            sha256,
            filename,
            f"{name} is not a PDF document (it starts with {starts_with[:8]!r}). "
            "Upload the bill, invoice or declaration as a PDF.",
            f"{name} 不是PDF文件。请以PDF格式上传账单、发票或声明。",
        )


class CorruptPdfError(PdfRejected):
    code = "corrupt_pdf"

    def __init__(self, sha256: str, filename: str | None, reason: str) -> None:
        self.reason = reason
        name = filename or "the file"
        super().__init__(
            sha256,
            filename,
            f"{name} looks like a PDF but is damaged or incomplete ({reason}). "
            "Download or export it again and re-upload.",
            f"{name} 是PDF文件，但已损坏或不完整（{reason}）。请重新下载或导出后再上传。",
        )


class EncryptedPdfError(PdfRejected):
    code = "encrypted_pdf"

    def __init__(self, sha256: str, filename: str | None) -> None:
        name = filename or "the file"
        super().__init__(
            sha256,
            filename,
            f"{name} is password-protected. Remove the password (print to PDF) and re-upload.",
            f"{name} 受密码保护。请去除密码（另存或打印为PDF）后重新上传。",
        )


class PdfTooLargeError(PdfRejected):
    code = "pdf_too_large"

    def __init__(self, sha256: str, filename: str | None, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        name = filename or "the file"
        super().__init__(
            sha256,
            filename,
            f"{name} has {size} bytes; the limit is {limit} bytes. Split it into smaller files.",
            f"{name} 大小为{size}字节，超过上限{limit}字节。请拆分为较小的文件。",
        )


class PdfTooManyPagesError(PdfRejected):
    code = "pdf_too_many_pages"

    def __init__(
        self, sha256: str, filename: str | None, what: str, count: int, limit: int
    ) -> None:
        self.what = what  # "pages" | "characters on one page"
        self.count = count
        self.limit = limit
        name = filename or "the file"
        what_zh = "页数" if what == "pages" else "单页字符数"
        super().__init__(
            sha256,
            filename,
            f"{name} has {count} {what}; the limit is {limit}. Upload only the relevant pages.",
            f"{name} 的{what_zh}为{count}，超过上限{limit}。请只上传相关页面。",
        )


class ConfirmationError(EvidenceError):
    code = "confirmation_error"

    def __init__(self, field: str, reason_en: str, reason_zh: str) -> None:
        self.field = field
        super().__init__(f"{field}: {reason_en}", f"{field}：{reason_zh}")


class DossierBuildError(EvidenceError):
    code = "dossier_build_error"

    def __init__(self, missing: Sequence[str], document_type: str) -> None:
        self.missing = tuple(missing)
        self.document_type = document_type
        fields = ", ".join(self.missing)
        super().__init__(
            f"A {document_type} needs confirmed values for: {fields}.",
            f"{document_type} 缺少已确认的字段：{fields}。",
        )


@dataclass(frozen=True)
class CellProblem:
    """One problem in one cell of a workbook."""

    sheet: str
    """Sheet name as shown on the tab."""
    cell: str
    """A1 reference, e.g. ``"C7"``."""
    row: int
    """1-based row number."""
    column: str
    """Column header of the cell (e.g. ``"quantity"``), or the column letter."""
    code: str
    """Stable machine code: ``required``, ``not_a_number``, ``not_positive``, ``unknown_choice``,
    ``bad_date``, ``duplicate_id``, ``bad_uscc``, ``wrong_header``, ``missing_sheet``, ``invalid``."""
    message_en: str
    message_zh: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell} ({self.column}): {self.message_en}"


class WorkbookError(EvidenceError):
    code = "workbook_error"

    def __init__(self, message_en: str, message_zh: str) -> None:
        super().__init__(message_en, message_zh)


class WorkbookInvalid(WorkbookError):
    """All cell-level problems of a workbook, collected (never just the first)."""

    code = "workbook_invalid"

    def __init__(self, problems: Sequence[CellProblem]) -> None:
        self.problems = tuple(problems)
        n = len(self.problems)
        head = "; ".join(str(p) for p in self.problems[:5])
        more = f" (and {n - 5} more)" if n > 5 else ""
        super().__init__(
            f"The workbook has {n} problem(s): {head}{more}",
            f"工作簿有{n}处问题：" + "；".join(
                f"{p.sheet}!{p.cell}：{p.message_zh}" for p in self.problems[:5]
            ),
        )
