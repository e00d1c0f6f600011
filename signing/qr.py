"""QR code matrices (segno) and drawing them as vector rectangles on a reportlab canvas."""

from __future__ import annotations

import segno
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4
"""Quiet-zone width in modules required around a QR code (ISO/IEC 18004)."""


def qr_matrix(payload: str, error: str = "m") -> list[list[bool]]:
    """Dark/light modules (without quiet zone) of a regular (not micro) QR code."""
    code = segno.make(payload, error=error, micro=False, boost_error=False)
    return [[bool(cell) for cell in row] for row in code.matrix]


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float,
            error: str = "m") -> int:
    """Draw ``payload`` as a QR code whose outer box (quiet zone included) is ``size`` points
    wide with lower-left corner (x, y). Returns the QR module count per side."""
    matrix = qr_matrix(payload, error)
    n = len(matrix)
    module = size / (n + 2 * QUIET_ZONE)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        top = y + size - (QUIET_ZONE + r + 1) * module
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                path.rect(x + (QUIET_ZONE + start) * module, top, (c - start) * module, module)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
    return n
