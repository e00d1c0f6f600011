"""Open a PDF defensively and turn each page into text lines that remember every character's box.

Guards: byte size, page count and characters per page are checked before the heavy work;
a non-PDF, a damaged PDF and a password-protected PDF each raise their own named error.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from evidence.errors import (
    CorruptPdfError,
    EncryptedPdfError,
    NotAPdfError,
    PdfTooLargeError,
    PdfTooManyPagesError,
)
from evidence.provenance import BBox, PageReport


@dataclass(frozen=True)
class Limits:
    """Bomb guards. A utility bill is a few pages; a declaration rarely more than twenty."""

    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 60
    max_chars_per_page: int = 50_000


@dataclass(frozen=True)
class Line:
    """One visual line: its text and, for each character of the text, a box (None for a
    space inserted for a gap between characters)."""

    page: int
    text: str
    boxes: tuple[BBox | None, ...]

    def span_box(self, start: int, end: int) -> BBox:
        boxes = [b for b in self.boxes[start:end] if b is not None]
        out = boxes[0]
        for b in boxes[1:]:
            out = out.union(b)
        return out

    @property
    def top(self) -> float:
        return min(b.top for b in self.boxes if b is not None)


@dataclass(frozen=True)
class PdfText:
    sha256: str
    filename: str | None
    pages: tuple[PageReport, ...]
    lines: tuple[Line, ...]

    def lines_of(self, page: int) -> Iterator[Line]:
        return (ln for ln in self.lines if ln.page == page)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_pdf_text(data: bytes, *, filename: str | None = None, limits: Limits = Limits()) -> PdfText:
    """Read every page's characters into lines, or raise a ``PdfRejected`` subclass."""
    digest = sha256_hex(data)
    if len(data) > limits.max_bytes:
        raise PdfTooLargeError(digest, filename, len(data), limits.max_bytes)
    if b"%PDF-" not in data[:1024]:
        raise NotAPdfError(digest, filename, data[:16])
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            n_pages = len(pdf.pages)
            if n_pages > limits.max_pages:
                raise PdfTooManyPagesError(digest, filename, "pages", n_pages, limits.max_pages)
            if n_pages == 0:
                raise CorruptPdfError(digest, filename, "no pages")
            reports: list[PageReport] = []
            lines: list[Line] = []
            for number, page in enumerate(pdf.pages, start=1):
                chars = page.chars
                if len(chars) > limits.max_chars_per_page:
                    raise PdfTooManyPagesError(
                        digest, filename, "characters on one page", len(chars),
                        limits.max_chars_per_page,
                    )
                reports.append(_page_report(number, len(chars), len(page.images)))
                lines.extend(_lines(number, chars))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        raise _classify(digest, filename, cause) from exc
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedPdfError(digest, filename) from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise CorruptPdfError(digest, filename, type(exc).__name__) from exc
    return PdfText(digest, filename, tuple(reports), tuple(lines))


def _classify(digest: str, filename: str | None, cause: object) -> Exception:
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
        return EncryptedPdfError(digest, filename)
    reason = type(cause).__name__ if isinstance(cause, BaseException) else str(cause)
    return CorruptPdfError(digest, filename, reason)


def _page_report(number: int, n_chars: int, n_images: int) -> PageReport:
    if n_chars > 0:
        return PageReport(number, "text", n_chars, n_images)
    if n_images > 0:
        return PageReport(
            number, "scanned", 0, n_images,
            f"Page {number} is an image without a text layer (scanned); its values cannot be "
            "read automatically. Enter them by hand or upload the original electronic PDF.",
            f"第{number}页为扫描图像，没有文字层，无法自动读取。请手工录入或上传电子版PDF。",
        )
    return PageReport(
        number, "blank", 0, 0,
        f"Page {number} is blank.", f"第{number}页为空白页。",
    )


COLUMN_GAP = 1.5
"""A gap wider than this many font sizes separates two columns (becomes three spaces)."""


def _lines(page: int, chars: list[dict]) -> list[Line]:
    """Cluster upright characters by vertical position, then order each line left to right."""
    upright = [c for c in chars if c.get("upright", True) and c["text"].strip()]
    upright.sort(key=lambda c: (round(c["top"], 1), c["x0"]))
    rows: list[list[dict]] = []
    for ch in upright:
        mid = (ch["top"] + ch["bottom"]) / 2
        for row in rows[-3:]:  # sorted by top: only recent rows can hold this character
            r = row[0]
            if r["top"] - 0.5 <= mid <= r["bottom"] + 0.5:
                row.append(ch)
                break
        else:
            rows.append([ch])
    out: list[Line] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        text: list[str] = []
        boxes: list[BBox | None] = []
        prev: dict | None = None
        for ch in row:
            gap = ch["x0"] - prev["x1"] if prev is not None else 0.0
            if gap > COLUMN_GAP * ch["size"]:  # a new column: three spaces end a text value
                text.append("   ")
                boxes.extend((None, None, None))
            elif gap > 0.2 * ch["size"]:
                text.append(" ")
                boxes.append(None)
            box = BBox(ch["x0"], ch["top"], ch["x1"], ch["bottom"])
            for piece in ch["text"]:  # ligatures may hold several characters
                text.append(piece)
                boxes.append(box)
            prev = ch
        out.append(Line(page, "".join(text), tuple(boxes)))
    out.sort(key=lambda ln: ln.top)
    return out
