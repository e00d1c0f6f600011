"""The bilingual (简体中文 / English) product carbon footprint certificate as a PDF.

Drawn directly on a reportlab canvas (fast, deterministic with ``invariant=1``), one A4 page,
every glyph from one embedded (subset) CJK TrueType font, the QR code drawn as vectors.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from signing.errors import RenderError
from signing.fonts import register_cjk_font
from signing.qr import draw_qr

GREEN = (0.05, 0.45, 0.25)
GREY = (0.35, 0.35, 0.35)


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on a certificate."""

    number: str
    """Certificate number, e.g. ``TP-2025-000123``."""
    holder_name: str
    """Legal name of the certificate holder (usually Chinese)."""
    holder_uscc: str
    """Unified Social Credit Code of the holder (GB 32100-2015, 18 characters)."""
    product_name: str
    """Product name as certified."""
    product_model: str
    """Product model / type designation."""
    functional_unit: str
    """Functional or declared unit, free text (e.g. ``1 kWh of battery capacity``)."""
    footprint_total: float
    """Carbon footprint in kg CO2e per functional unit."""
    stage_breakdown: dict[str, float]
    """Life-cycle stage -> kg CO2e per functional unit, in display order."""
    standard: str
    """Accounting standard, e.g. ``GB/T 24067-2024``."""
    rule_packs: list[str]
    """Rule packs applied, e.g. ``["cn_label", "eu_battery"]``."""
    verifier_name: str
    """Lead verifier (person)."""
    verifier_body: str
    """Verification body."""
    opinion: str
    """Verification opinion (ISO 14064-3), free text."""
    certifier_name: str
    """Certification officer who took the decision."""
    decision_date: date
    """Date of the certification decision."""
    valid_from: date
    """First day of validity."""
    valid_until: date
    """Last day of validity."""
    status_url: str
    """Public status page of this certificate."""
    qr_payload: str
    """What the QR code encodes: the offline seal string, or the status URL if none."""
    issuer_name: str = "碳证通认证中心 Tanpass Certification Body"
    """Certification body printed in the header and footer."""
    extra_lines: list[str] = field(default_factory=list)
    """Optional additional lines printed under the details (e.g. scope remarks)."""


def format_figure(value: float) -> str:
    """Four significant figures, thousands separators, trailing zeros trimmed."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = min(6, max(0, 3 - math.floor(math.log10(abs(value)))))
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _check(data: CertificateData) -> None:
    for name in ("number", "holder_name", "holder_uscc", "product_name", "qr_payload",
                 "status_url"):
        if not str(getattr(data, name)).strip():
            raise RenderError(name, "must not be empty")
    if not math.isfinite(data.footprint_total):
        raise RenderError("footprint_total", "must be a finite number")
    if data.valid_until < data.valid_from:
        raise RenderError("valid_until", "ends before valid_from")


class _Writer:
    def __init__(self, canvas: Canvas, font: str) -> None:
        self.c, self.font = canvas, font
        self.y = A4[1] - 62 * mm
        self.left, self.label_w = 18 * mm, 62 * mm

    def row(self, zh: str, en: str, value: str, size: float = 9.5, width: float = 110 * mm,
            ) -> None:
        c = self.c
        c.setFont(self.font, 8.5)
        c.setFillColorRGB(*GREY)
        c.drawString(self.left, self.y, f"{zh}  {en}")
        c.setFillColorRGB(0, 0, 0)
        c.setFont(self.font, size)
        lines = simpleSplit(value, self.font, size, width) or [""]
        for i, line in enumerate(lines):
            c.drawString(self.left + self.label_w, self.y - i * (size + 2.5), line)
        self.y -= max(len(lines), 1) * (size + 2.5) + 5


def render_certificate_pdf(data: CertificateData, *, font_path: Path | None = None) -> bytes:
    """Render the certificate; same data (and font) -> same bytes."""
    _check(data)
    font = register_cjk_font(font_path)
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1, initialFontName=font,
               lang="zh-CN")
    c.setTitle(f"Carbon footprint certificate {data.number}")
    c.setAuthor(data.issuer_name)
    c.setSubject(f"{data.product_name} {data.product_model}")
    c.setCreator("Tanpass")
    width, height = A4
    c.setStrokeColorRGB(*GREEN)
    c.setLineWidth(2)
    c.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    c.setFillColorRGB(*GREEN)
    c.setFont(font, 22)
    c.drawCentredString(width / 2, height - 30 * mm, "产品碳足迹证书")
    c.setFont(font, 14)
    c.drawCentredString(width / 2, height - 38 * mm, "Product Carbon Footprint Certificate")
    c.setFont(font, 10)
    c.setFillColorRGB(0, 0, 0)
    c.drawCentredString(width / 2, height - 46 * mm,
                        f"证书编号 Certificate No.: {data.number}")
    w = _Writer(c, font)
    w.row("持证方", "Holder", data.holder_name)
    w.row("统一社会信用代码", "USCC", data.holder_uscc)
    w.row("产品", "Product", data.product_name)
    w.row("型号", "Model", data.product_model)
    w.row("功能单位", "Functional unit", data.functional_unit)
    w.row("碳足迹", "Carbon footprint",
          f"{format_figure(data.footprint_total)} kg CO2e / 功能单位 functional unit", size=13)
    if data.stage_breakdown:
        total = data.footprint_total
        parts = [
            f"{stage}: {format_figure(v)} kg CO2e"
            + (f" ({v / total * 100:.1f}%)" if total else "")
            for stage, v in data.stage_breakdown.items()
        ]
        w.row("生命周期阶段", "Stage breakdown", ";  ".join(parts))
    w.row("核算标准", "Standard", data.standard)
    w.row("适用规则", "Rule packs", ", ".join(data.rule_packs) or "—")
    w.row("核查", "Verification", f"{data.verifier_name}, {data.verifier_body}")
    w.row("核查意见", "Opinion", data.opinion)
    w.row("认证决定", "Decision", f"{data.certifier_name}, {data.decision_date.isoformat()}")
    w.row("有效期", "Validity",
          f"{data.valid_from.isoformat()} 至 to {data.valid_until.isoformat()}")
    for line in data.extra_lines:
        w.row("备注", "Remarks", line)
    qr_size = 48 * mm
    qr_x, qr_y = width - 18 * mm - qr_size, 26 * mm
    draw_qr(c, data.qr_payload, qr_x, qr_y, qr_size, error="q")
    c.setFont(font, 8)
    c.setFillColorRGB(*GREY)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 4 * mm, "离线验证码 Offline seal")
    c.setFont(font, 8.5)
    c.setFillColorRGB(0, 0, 0)
    text_w = width - 18 * mm * 2 - qr_size - 6 * mm
    y = 52 * mm
    c.drawString(18 * mm, y, "在线状态查询 Status online:")
    c.setFillColorRGB(0, 0.2, 0.7)
    for i, line in enumerate(simpleSplit(data.status_url, font, 8.5, text_w)):
        c.drawString(18 * mm, y - (i + 1) * 11, line)
    c.linkURL(data.status_url, (18 * mm, y - 30, 18 * mm + text_w, y + 10), relative=0)
    c.setFillColorRGB(*GREY)
    notes = [
        "本证书附有认证机构的数字签名（PAdES）和时间戳；任何修改都会使签名失效。",
        "This certificate carries the certification body's digital signature (PAdES) and a",
        "timestamp; any change invalidates it. Scan the QR code to verify offline.",
    ]
    for i, line in enumerate(notes):
        c.drawString(18 * mm, 34 * mm - i * 11, line)
    c.setFillColorRGB(*GREEN)
    c.drawString(18 * mm, 16 * mm, data.issuer_name)
    c.showPage()
    c.save()
    return buf.getvalue()
