"""Carbon label artwork (SVG and PNG) after T/DZJN 004-2019: a round green mark with the CO2
sign, the footprint figure and unit, optional grade stars, and a QR code beside it.

``size_mm`` is the height of the round mark, 8 to 60 mm. The QR code is printed to its right at
the same height when it can be read: a QR module must be at least :data:`MIN_QR_MODULE_MM` on
paper, so on the smallest labels the QR is left out (check with :func:`label_qr_fits`).
One layout (in millimetres) feeds both renderers, so SVG and PNG agree.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from signing.certificate import format_figure
from signing.errors import RenderError
from signing.fonts import find_cjk_font
from signing.qr import QUIET_ZONE, qr_matrix

MIN_SIZE_MM, MAX_SIZE_MM = 8.0, 60.0
MIN_QR_MODULE_MM = 0.25
"""Smallest printed QR module considered readable by phone cameras and desk scanners."""
DARK, LIGHT = (11, 122, 59), (124, 194, 66)


@dataclass(frozen=True)
class LabelData:
    """What a carbon label shows."""

    footprint: float
    """Footprint figure (per functional unit)."""
    unit: str
    """Unit text, e.g. ``kg CO2e/kWh``."""
    qr_payload: str | None = None
    """What the QR encodes (usually the short public status URL); None: no QR."""
    grade: int | None = None
    """Grade in stars where the scheme grades (0..max_grade); None: no stars."""
    max_grade: int = 5
    """Number of star positions."""
    title: str = "碳足迹 Carbon Footprint"
    """Caption at the top of the mark."""


def label_qr_fits(payload: str, size_mm: float) -> bool:
    """Whether the QR for ``payload`` would be printed on a label of ``size_mm``."""
    modules = len(qr_matrix(payload, "m")) + 2 * QUIET_ZONE
    return size_mm / modules >= MIN_QR_MODULE_MM


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.45
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


@dataclass(frozen=True)
class _Layout:
    width: float
    height: float
    texts: tuple[tuple[str, float, float, float], ...]  # text, x centre, baseline y, size (mm)
    stars: tuple[tuple[list[tuple[float, float]], bool], ...]
    qr: tuple[float, float, float, list[list[bool]]] | None  # x, y, module, matrix


def _chord(s: float, y_rel: float) -> float:
    """Usable text width (mm) inside the round mark at relative height ``y_rel``."""
    dy = abs(y_rel - 0.5) * s + 0.04 * s
    r = s * 0.48
    return 0.9 * 2 * math.sqrt(max(r * r - dy * dy, 0.0))


def _fit(text: str, size: float, width: float, font_path: Path | None) -> float:
    """Font size (mm) no larger than ``size`` at which ``text`` fits in ``width`` mm."""
    font = ImageFont.truetype(str(find_cjk_font(font_path)), 100, index=0)
    length = font.getlength(text) / 100  # mm per mm of font size
    return min(size, width / length) if length else size


def _layout(data: LabelData, size_mm: float, font_path: Path | None = None) -> _Layout:
    if not MIN_SIZE_MM <= size_mm <= MAX_SIZE_MM:
        raise RenderError("size_mm", f"label size must be {MIN_SIZE_MM:g}-{MAX_SIZE_MM:g} mm")
    if not math.isfinite(data.footprint) or data.footprint < 0:
        raise RenderError("footprint", "must be a finite, non-negative number")
    if data.grade is not None and not 0 <= data.grade <= data.max_grade:
        raise RenderError("grade", f"must be between 0 and {data.max_grade}")
    s = size_mm
    wanted = [(data.title, 0.22, 0.075), ("CO2e", 0.37, 0.11),
              (format_figure(data.footprint), 0.58, 0.2), (data.unit, 0.7, 0.075)]
    texts = [(text, s / 2, s * y, _fit(text, s * size, _chord(s, y), font_path))
             for text, y, size in wanted]
    stars: list[tuple[list[tuple[float, float]], bool]] = []
    if data.grade is not None:
        r, step = s * 0.045, s * 0.1
        x0 = s / 2 - step * (data.max_grade - 1) / 2
        stars = [(_star(x0 + i * step, s * 0.82, r), i < data.grade)
                 for i in range(data.max_grade)]
    qr = None
    width = s
    if data.qr_payload and label_qr_fits(data.qr_payload, s):
        matrix = qr_matrix(data.qr_payload, "m")
        module = s / (len(matrix) + 2 * QUIET_ZONE)
        qr = (s * 1.05 + QUIET_ZONE * module, QUIET_ZONE * module, module, matrix)
        width = s * 2.05
    return _Layout(width, s, tuple(texts), tuple(stars), qr)


def render_label_svg(data: LabelData, size_mm: float = 20.0, *,
                     font_path: Path | None = None) -> str:
    """The label as an SVG document sized in millimetres (text as text, CJK font named;
    sizes are fitted with that font's metrics)."""
    lay = _layout(data, size_mm, font_path)
    s = lay.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{lay.width:.3f}mm" '
        f'height="{s:.3f}mm" viewBox="0 0 {lay.width:.3f} {s:.3f}">',
        '<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="rgb{LIGHT}"/><stop offset="1" stop-color="rgb{DARK}"/>'
        '</linearGradient></defs>',
        f'<rect width="{lay.width:.3f}" height="{s:.3f}" fill="#fff"/>',
        f'<circle cx="{s / 2:.3f}" cy="{s / 2:.3f}" r="{s * 0.48:.3f}" fill="url(#g)"/>',
        f'<path d="M{s * 0.5:.3f},{s * 0.04:.3f} q{s * 0.1:.3f},{s * 0.06:.3f} 0,{s * 0.12:.3f}'
        f' q{-s * 0.1:.3f},{-s * 0.06:.3f} 0,{-s * 0.12:.3f}z" fill="#fff" opacity="0.85"/>',
        '<g fill="#fff" text-anchor="middle" font-family="WenQuanYi Micro Hei, '
        'Noto Sans CJK SC, sans-serif" font-weight="bold">',
    ]
    for text, x, y, size in lay.texts:
        out.append(f'<text x="{x:.3f}" y="{y:.3f}" font-size="{size:.3f}">{escape(text)}</text>')
    out.append("</g>")
    for pts, filled in lay.stars:
        d = " ".join(f"{x:.3f},{y:.3f}" for x, y in pts)
        out.append(f'<polygon points="{d}" fill="{"#ffd700" if filled else "none"}" '
                   f'stroke="#fff" stroke-width="{s * 0.006:.3f}"/>')
    if lay.qr is not None:
        x0, y0, m, matrix = lay.qr
        rects = "".join(f"M{x0 + c * m:.3f},{y0 + r * m:.3f}h{m:.3f}v{m:.3f}h{-m:.3f}z"
                        for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark)
        out.append(f'<path d="{rects}" fill="#000" shape-rendering="crispEdges"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def render_label_png(data: LabelData, size_mm: float = 20.0, dpi: int = 600, *,
                     font_path: Path | None = None) -> bytes:
    """The label as a PNG at ``dpi`` (physical size recorded in the file)."""
    lay = _layout(data, size_mm, font_path)
    k = dpi / 25.4  # pixels per mm
    w, h = round(lay.width * k), round(lay.height * k)
    img = Image.new("RGB", (w, h), "white")
    grad = Image.linear_gradient("L").resize((h, h)).convert("L")
    fill = Image.composite(Image.new("RGB", (h, h), DARK), Image.new("RGB", (h, h), LIGHT), grad)
    mask = Image.new("L", (h, h), 0)
    pad = round(h * 0.02)
    ImageDraw.Draw(mask).ellipse((pad, pad, h - pad, h - pad), fill=255)
    img.paste(fill, (0, 0), mask)
    draw = ImageDraw.Draw(img)
    font_file = str(find_cjk_font(font_path))
    for text, x, y, size in lay.texts:
        font = ImageFont.truetype(font_file, max(1, round(size * k)), index=0)
        draw.text((x * k, y * k), text, fill="white", font=font, anchor="ms")
    for pts, filled in lay.stars:
        draw.polygon([(x * k, y * k) for x, y in pts], fill=(255, 215, 0) if filled else None,
                     outline="white")
    if lay.qr is not None:
        x0, y0, m, matrix = lay.qr
        for r, row in enumerate(matrix):
            for c, dark in enumerate(row):
                if dark:
                    draw.rectangle((round((x0 + c * m) * k), round((y0 + r * m) * k),
                                    round((x0 + (c + 1) * m) * k) - 1,
                                    round((y0 + (r + 1) * m) * k) - 1), fill="black")
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(dpi, dpi), optimize=False)
    return buf.getvalue()
