"""Evidence uploads: size limits, type from content (never the name), PDFs opened safely.

- Size: requests larger than ``max_upload_bytes`` (plus multipart overhead) are refused with
  413 by ``BodyLimitMiddleware`` before the body is read; the file part is checked again.
- Type: decided from the first bytes (PDF ``%PDF-``, PNG signature, JPEG SOI marker);
  anything else is 415. The client's file name and declared type are not trusted.
- PDFs are read by ``evidence.extract_pdf`` in a separate process with an address-space limit
  and a time limit (pdfminer inflates a content stream before its own limits can act), so a
  bomb kills a child, not the API. Encrypted, broken or oversized files are refused with the
  reason (422 ``upload-rejected`` with ``code``, bilingual detail).
- Images are opened with Pillow under a pixel limit (decompression bombs refused).
- Storage: the blob file is written atomically by hash (``save_blob``), then the blob record,
  the evidence row and the audit entry commit in one transaction; on any failure none of the
  rows exist (an unreferenced blob file may stay: same bytes, same name, harmless).
"""

from __future__ import annotations

import concurrent.futures as cf
import io
import multiprocessing
import re
import threading
from typing import Any

from fastapi import UploadFile
from starlette.types import ASGIApp, Receive, Scope, Send

from api.problems import Problem, problem_response
from api.schemas import EvidenceUploaded, ExtractionSummary
from store import BlobStore, Evidence, SessionFactory, audit, save_blob, transaction

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
PDF_TIMEOUT_SECONDS = 60
PDF_MEMORY_BYTES = 1024 * 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024


def sniff(data: bytes) -> str | None:
    """The media type from the content, or None for anything not accepted."""
    if b"%PDF-" in data[:1024]:
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def safe_filename(name: str | None) -> str:
    base = (name or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip() or "upload"
    return base[:255]


def too_large(limit: int) -> Problem:
    mib = limit / (1024 * 1024)
    return Problem("payload-too-large", f"The file is larger than {mib:.0f} MiB.",
                   f"文件超过 {mib:.0f} MiB。", max_bytes=limit)


async def read_upload(file: UploadFile, limit: int) -> bytes:
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    if not data:
        raise Problem("upload-rejected", "The file is empty.", "文件为空。", code="empty")
    return data


# --- PDFs in a child process --------------------------------------------------------------

def _limit_child() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (PDF_MEMORY_BYTES, PDF_MEMORY_BYTES))


def extract_or_rejection(data: bytes, filename: str) -> Any:
    """In the limited child: ``evidence.extract_pdf``'s result, or the refusal as the child's
    answer (a dict with ``rejected`` and the bilingual message)."""
    from evidence import PdfRejected, extract_pdf

    try:
        return extract_pdf(data, filename=filename)
    except PdfRejected as exc:
        return {"rejected": exc.code, "en": str(exc.message_en), "zh": str(exc.message_zh)}
    except MemoryError:
        return {"rejected": "too_complex", "en": "The PDF needs too much memory to open.",
                "zh": "打开此 PDF 需要过多内存。"}


def _extract_in_child(data: bytes, filename: str) -> dict[str, Any]:
    result = extract_or_rejection(data, filename)
    if isinstance(result, dict):
        return result
    return {
        "document_type": str(result.document_type),
        "pages": len(result.pages),
        "scanned_pages": len(result.scanned_pages),
        "fields": {v.field: str(v.value) for v in result.values},
        "missing": list(result.missing),
    }


_pool: cf.ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _get_pool() -> cf.ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = cf.ProcessPoolExecutor(max_workers=2, initializer=_limit_child,
                                           mp_context=multiprocessing.get_context("spawn"))
        return _pool


def _reset_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def shutdown_pool() -> None:
    _reset_pool()


def extract_pdf_safely(data: bytes, filename: str) -> ExtractionSummary:
    try:
        out = _get_pool().submit(_extract_in_child, data, filename).result(PDF_TIMEOUT_SECONDS)
    except (cf.TimeoutError, cf.process.BrokenProcessPool) as exc:
        _reset_pool()
        raise Problem("upload-rejected", "The PDF could not be opened within the limits of time "
                      "and memory.", "在时间和内存限制内无法打开此 PDF。",
                      code="too_complex") from exc
    if "rejected" in out:
        raise Problem("upload-rejected", out["en"], out["zh"], code=out["rejected"])
    return ExtractionSummary(**out)


def check_image(data: bytes, max_pixels: int) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            w, h = img.size
            if w * h > max_pixels:
                raise Problem("upload-rejected", f"The image has {w}x{h} pixels; the limit is "
                              f"{max_pixels}.", f"图像为 {w}x{h} 像素，超过上限 {max_pixels}。",
                              code="too_many_pixels")
            img.verify()
    except Problem:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a broken file
        raise Problem("upload-rejected", "The image is damaged or cannot be decoded.",
                      "图像已损坏或无法解码。", code="corrupt_image") from exc


def store_evidence(
    sessions: SessionFactory, blobs: BlobStore, *, application_id: str, org_id: str, user_id: str,
    filename: str, data: bytes, max_pixels: int,
) -> EvidenceUploaded:
    media = sniff(data)
    if media is None:
        raise Problem("unsupported-media-type",
                      "The content is not a PDF, PNG or JPEG file (the name does not count).",
                      "文件内容不是 PDF、PNG 或 JPEG（不以文件名判断）。",
                      accepted=[PDF, PNG, JPEG])
    extraction: ExtractionSummary | None = None
    if media == PDF:
        extraction = extract_pdf_safely(data, filename)
        kind = extraction.document_type
    else:
        check_image(data, max_pixels)
        kind = "photo"
    with transaction(sessions) as s:
        blob = save_blob(s, blobs, data, media)
        ev = Evidence(application_id=application_id, org_id=org_id, blob_sha256=blob.sha256,
                      filename=filename, media_type=media, size=len(data), kind=kind,
                      uploaded_by=user_id)
        s.add(ev)
        s.flush()
        audit.append(s, actor=user_id, action="evidence.uploaded", entity_type="application",
                     entity_id=application_id,
                     data={"evidence_id": ev.id, "sha256": blob.sha256, "filename": filename,
                           "media_type": media, "kind": kind})
        out = EvidenceUploaded.model_validate(ev, from_attributes=True)
    out.extraction = extraction
    return out


class BodyLimitMiddleware:
    """413 for a request body over the limit, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                length = value
        try:
            declared = int(length or 0)
        except ValueError:
            declared = 0
        if declared > self.limit:
            await self._refuse(scope, receive, send)
            return
        if length is not None and declared >= 0:
            # the server reads exactly Content-Length bytes of body: nothing more to count
            await self.app(scope, receive, send)
            return
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise too_large(self.limit - MULTIPART_OVERHEAD)
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.requests import Request

        response = problem_response(Request(scope), too_large(self.limit - MULTIPART_OVERHEAD))
        await response(scope, receive, send)
