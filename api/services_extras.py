"""Services behind the portal's reads: verifier directory, evidence extraction and page images,
carbon labels, CBAM estimate and workbook, the public footprint drill-down.

Records arrive already visible to the caller (the policy checked the path); these functions
only read and compute. PDFs are opened in the upload pool's child processes (address-space and
time limits, see ``api.uploads``): a stored file was accepted once, but the API never parses a
PDF in its own process.
"""

from __future__ import annotations

import concurrent.futures as cf
from datetime import date
from typing import Any

from sqlmodel import Session, select

from api import uploads
from api.problems import Problem
from api.schemas_extras import (
    CbamFinding,
    CbamRead,
    ExtractionRead,
    PublicFootprint,
    PublicFootprintLine,
    PublicFootprintNode,
    VerifierRead,
)
from config import get_settings
from store import (
    Application,
    Certificate,
    DossierVersion,
    Evidence,
    FootprintRecord,
    Organisation,
    User,
)

RENDER_DPI = 110
MAX_RENDER_DPI = 200
MAX_RENDER_PIXELS = 12_000_000  # a page image larger than this is drawn at a smaller scale


# --- verifiers ------------------------------------------------------------------------------

def verifier_reads(session: Session, users: list[User]) -> list[VerifierRead]:
    orgs = {o.id: o for o in session.exec(select(Organisation).where(
        Organisation.id.in_({u.org_id for u in users})))}  # type: ignore[attr-defined]
    return [VerifierRead(id=u.id, display_name=u.display_name, email=u.email, org_id=u.org_id,
                         verification_body=orgs[u.org_id].name,
                         verification_body_zh=orgs[u.org_id].name_zh,
                         accredited=orgs[u.org_id].accredited) for u in users]


# --- PDFs in the child pool -----------------------------------------------------------------

def _extraction_in_child(data: bytes, filename: str) -> dict[str, Any]:
    import io

    import pdfplumber

    result = uploads.extract_or_rejection(data, filename)
    if isinstance(result, dict):
        return result

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        sizes = {i + 1: (float(p.width), float(p.height)) for i, p in enumerate(pdf.pages)}
    values = []
    for v in result.values:
        p = v.provenance
        w, h = sizes.get(p.page, (0.0, 0.0))
        values.append({
            "field": v.field, "value": v.value.isoformat() if isinstance(v.value, date)
            else str(v.value), "raw": v.raw, "unit": v.unit, "label": v.label,
            "confidence": v.confidence,
            "provenance": {"page": p.page, "bbox": [p.bbox.x0, p.bbox.top, p.bbox.x1,
                                                    p.bbox.bottom],
                           "page_width": w, "page_height": h, "text": p.text,
                           "sha256": p.sha256}})
    return {
        "sha256": result.sha256, "document_type": str(result.document_type),
        "type_confidence": result.type_confidence,
        "pages": [{"page": r.page, "kind": r.kind, "width": sizes.get(r.page, (0.0, 0.0))[0],
                   "height": sizes.get(r.page, (0.0, 0.0))[1], "message_en": r.message_en,
                   "message_zh": r.message_zh} for r in result.pages],
        "scanned_pages": list(result.scanned_pages),
        "values": values, "missing": list(result.missing),
    }


def _render_in_child(data: bytes, page: int, dpi: int, max_pages: int,
                     max_pixels: int) -> dict[str, Any]:
    import io

    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return {"rejected": "corrupt_pdf", "en": f"The PDF cannot be opened ({exc}).",
                "zh": "无法打开此 PDF。"}
    try:
        count = len(pdf)
        if count > max_pages:
            return {"rejected": "too_many_pages", "en": f"The PDF has {count} pages; at most "
                    f"{max_pages} are rendered.", "zh": f"PDF 有 {count} 页，最多渲染 {max_pages} 页。"}
        if not 1 <= page <= count:
            return {"missing": count}
        pg = pdf[page - 1]
        width, height = pg.get_size()
        scale = dpi / 72
        pixels = width * height * scale * scale
        if pixels > max_pixels:
            scale *= (max_pixels / pixels) ** 0.5
        image = pg.render(scale=scale).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", dpi=(scale * 72, scale * 72), optimize=False)
        return {"png": out.getvalue(), "scale": scale, "width": width, "height": height,
                "count": count}
    finally:
        pdf.close()


def _in_child(fn: Any, *args: Any) -> dict[str, Any]:
    try:
        return uploads._get_pool().submit(fn, *args).result(uploads.PDF_TIMEOUT_SECONDS)
    except (cf.TimeoutError, cf.process.BrokenProcessPool) as exc:
        uploads._reset_pool()
        raise Problem("conflict", "The stored PDF could not be read within the limits of time "
                      "and memory.", "在时间和内存限制内无法读取已存储的 PDF。",
                      code="too_complex") from exc


def _pdf_of(blobs: Any, row: Evidence) -> bytes:
    if row.media_type != uploads.PDF:
        raise Problem("conflict", f"The evidence file is {row.media_type}, not a PDF: it has no "
                      "extraction or pages.", f"该证据文件为 {row.media_type}，不是 PDF：无提取结果或页面。",
                      code="not_a_pdf")
    return blobs.get(row.blob_sha256)


def _unreadable(out: dict[str, Any]) -> Problem:
    return Problem("conflict", f"The stored file cannot be read: {out['en']}",
                   f"已存储的文件无法读取：{out['zh']}", code=out["rejected"])


def extraction(blobs: Any, row: Evidence) -> ExtractionRead:
    out = _in_child(_extraction_in_child, _pdf_of(blobs, row), row.filename)
    if "rejected" in out:
        raise _unreadable(out)
    return ExtractionRead(evidence_id=row.id, **out)


def page_png(blobs: Any, row: Evidence, page: int, dpi: int) -> dict[str, Any]:
    """``{"png", "scale" (pixels per PDF point), "width", "height" (points), "count"}``."""
    from evidence.pdftext import Limits

    out = _in_child(_render_in_child, _pdf_of(blobs, row), page, dpi, Limits().max_pages,
                    MAX_RENDER_PIXELS)
    if "rejected" in out:
        raise _unreadable(out)
    if "missing" in out:
        raise Problem("not-found", f"The PDF has {out['missing']} page(s); there is no page "
                      f"{page}.", f"此 PDF 共 {out['missing']} 页，没有第 {page} 页。",
                      pages=out["missing"])
    return out


# --- dossier and footprint of an application ------------------------------------------------

def _latest_dossier(session: Session, application_id: str) -> DossierVersion | None:
    return session.exec(select(DossierVersion).where(
        DossierVersion.application_id == application_id).order_by(
        DossierVersion.version.desc())).first()  # type: ignore[attr-defined]


def _footprint_of(session: Session, application_id: str, version: int) -> FootprintRecord | None:
    return session.exec(select(FootprintRecord).where(
        FootprintRecord.application_id == application_id,
        FootprintRecord.dossier_version == version)).first()


def _dossier_and_result(session: Session, application_id: str) -> tuple[int, Any, Any] | None:
    """(version, Dossier, FootprintResult) of the latest dossier version, or None."""
    from footprint import Dossier, FootprintResult, calculate

    row = _latest_dossier(session, application_id)
    if row is None:
        return None
    try:
        dossier = Dossier.model_validate(row.content)
        fp = _footprint_of(session, application_id, row.version)
        result = FootprintResult.model_validate(fp.result) if fp is not None and fp.result \
            else calculate(dossier)
    except Exception as exc:  # noqa: BLE001 - a stored dossier the engine no longer accepts
        raise Problem("conflict", f"Dossier version {row.version} cannot be evaluated: {exc}",
                      f"第 {row.version} 版数据包无法计算。") from exc
    return row.version, dossier, result


# --- labels ---------------------------------------------------------------------------------

def status_url(number: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/?cert={number}"


def _issued_footprint(session: Session, application_id: str) -> FootprintRecord | None:
    """The footprint record a certificate is issued from: the application's latest one (as the
    issuance activity reads it)."""
    return session.exec(select(FootprintRecord)
                        .where(FootprintRecord.application_id == application_id)
                        .order_by(FootprintRecord.dossier_version.desc())  # type: ignore[attr-defined]
                        ).first()


def label_grade(session: Session, cert: Certificate) -> int | None:
    """Stars the CN label pack gave the certified footprint (None: no cn_label, no benchmark).

    The grade stored when the application was assessed; for records assessed before pack
    outputs were stored (``rule_outputs`` NULL), the pack is run again as of the issue day."""
    from compliance_rules import run_packs
    from store.registry import china_date

    app = session.get(Application, cert.application_id)
    if app is None or "cn_label" not in (app.regimes or []):
        return None
    fp = _issued_footprint(session, app.id)
    if fp is not None and fp.rule_outputs is not None:
        stored = (fp.rule_outputs.get("cn_label") or {}).get("grade")
        return int(stored["stars"]) if stored else None
    found = _dossier_and_result(session, app.id)
    if found is None:
        return None
    _, dossier, result = found
    try:
        report = run_packs(["cn_label"], dossier, result, china_date(cert.issued_at))
    except Exception:  # noqa: BLE001 - pack not in force on that day: no grade
        return None
    grade = report.output("cn_label").get("grade")
    return int(grade["stars"]) if grade else None


def label(session: Session, cert: Certificate, size_mm: float, fmt: str) -> tuple[bytes, bool]:
    """The label (SVG text as UTF-8 or PNG) and whether the QR fitted at this size."""
    from signing import LabelData, label_qr_fits, render_label_png, render_label_svg

    url = status_url(cert.number)
    data = LabelData(footprint=cert.total, unit=cert.unit, qr_payload=url,
                     grade=label_grade(session, cert))
    body = render_label_svg(data, size_mm).encode() if fmt == "svg" \
        else render_label_png(data, size_mm)
    return body, label_qr_fits(url, size_mm)


# --- CBAM -----------------------------------------------------------------------------------

def _cbam_report(session: Session, app: Application) -> tuple[int, date, Any]:
    from compliance_rules import run_packs
    from store import utcnow
    from store.registry import china_date

    if "cbam" not in (app.regimes or []):
        raise Problem("conflict", "This application did not choose the CBAM regime.",
                      "此申请未选择 CBAM 制度。", code="no_cbam_regime")
    found = _dossier_and_result(session, app.id)
    if found is None:
        raise Problem("conflict", "No dossier has been submitted for this application yet.",
                      "此申请尚未提交数据包。", code="no_dossier")
    version, dossier, result = found
    today = china_date(utcnow())
    return version, today, run_packs(["cbam"], dossier, result, today)


def cbam(session: Session, app: Application) -> CbamRead:
    version, today, report = _cbam_report(session, app)
    outcome = report.packs[0]
    out = outcome.output
    return CbamRead(
        application_id=app.id, dossier_version=version, as_of=today,
        pack_version=outcome.version, covered=out.get("covered"), cn_code=out.get("cn_code"),
        sector=out.get("sector"), see=out.get("see"), estimate=out.get("estimate"),
        de_minimis_exempt=out.get("de_minimis_exempt"), blocking=outcome.blocking,
        findings=[CbamFinding(rule_id=f.rule_id, severity=str(f.severity),
                              message_en=f.message_en, message_zh=f.message_zh)
                  for f in outcome.findings])


def cbam_workbook(session: Session, app: Application) -> tuple[bytes, int]:
    from compliance_rules.cbam_export import communication_xlsx

    version, _, report = _cbam_report(session, app)
    comm = report.packs[0].output.get("communication")
    if comm is None:
        reasons = "; ".join(f.message_en for f in report.packs[0].findings
                            if str(f.severity) == "blocking") or "no CBAM good"
        reasons_zh = "；".join(f.message_zh for f in report.packs[0].findings
                              if str(f.severity) == "blocking") or "非CBAM货物"
        raise Problem("conflict", f"No communication can be prepared: {reasons}",
                      f"无法生成通报：{reasons_zh}", code="no_communication")
    return communication_xlsx(comm), version


# --- public drill-down ----------------------------------------------------------------------

def public_certificate(session: Session, number: str) -> Certificate:
    key = number.strip().upper()
    cert = session.exec(select(Certificate).where(Certificate.number == key)).first()
    if cert is None:
        raise Problem("not-found", f"No certificate has the number {key}.",
                      f"没有编号为 {key} 的证书。", number=key, certificate_status="not_found")
    return cert


def _node(node: dict[str, Any], lines: list[dict[str, Any]], total: float) -> PublicFootprintNode:
    def line(i: int) -> PublicFootprintLine:
        x = lines[i]
        return PublicFootprintLine(
            line_id=str(x.get("line_id")), description=x.get("description"),
            stage=str(x.get("stage")), kg_co2e=float(x.get("kg_co2e") or 0.0),
            share=float(x.get("kg_co2e") or 0.0) / total if total else 0.0,
            factor_id=x.get("factor_id"), factor_source=x.get("factor_source"))

    return PublicFootprintNode(
        name=str(node.get("name") or ""), path=str(node.get("path") or ""),
        quantity=node.get("quantity"), total=float(node.get("total") or 0.0),
        share=float(node.get("share") or 0.0),
        per_stage={k: float(v) for k, v in (node.get("per_stage") or {}).items()},
        lines=[line(i) for i in node.get("lines") or [] if 0 <= i < len(lines)],
        children=[_node(c, lines, total) for c in node.get("children") or []])


def public_footprint(session: Session, number: str) -> PublicFootprint:
    from store.registry import printed_validity

    cert = public_certificate(session, number)
    fp = session.exec(select(FootprintRecord).where(
        FootprintRecord.application_id == cert.application_id).order_by(
        FootprintRecord.dossier_version.desc())).first()  # type: ignore[attr-defined]
    if fp is None or not fp.result.get("tree"):
        raise Problem("not-found", f"Certificate {cert.number} has no footprint record.",
                      f"证书 {cert.number} 没有碳足迹记录。", number=cert.number,
                      certificate_status=str(cert.status))
    r = fp.result
    first, last = printed_validity(cert)
    return PublicFootprint(
        number=cert.number, status=cert.status, status_reason=cert.status_reason,
        valid_from_day=first, valid_until_day=last, product=cert.product_name,
        product_model=cert.product_model, holder_name=cert.holder_name,
        functional_unit=r.get("functional_unit") or {}, boundary=r.get("boundary"),
        total=cert.total, unit=cert.unit,
        per_stage={k: float(v) for k, v in (r.get("per_stage") or {}).items()},
        factor_set=f"{fp.factor_set_id} {fp.factor_set_version}",
        tree=_node(r["tree"], r.get("lines") or [], float(r.get("total") or 0.0)))
