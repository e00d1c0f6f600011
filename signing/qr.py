"""QR code matrices (segno) and drawing them as one vector path on a reportlab canvas.

Mask selection (ISO/IEC 18004 7.8.3: each of the eight data masks is scored by the four
penalty rules, the lowest score wins) is segno's, scored with numpy instead of segno's pure
Python loops: the same scores, so the same mask and the very same matrix as
``segno.make(..., mask=None)`` (``tests/signing/test_sig_qr.py`` compares them), in a fraction of
the time (segno's scoring was about 50 ms of a certificate's 120 ms).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from reportlab.pdfgen.canvas import Canvas
from segno import encoder as _enc

QUIET_ZONE = 4
"""Quiet-zone width in modules required around a QR code (ISO/IEC 18004)."""

_N3 = (1, 0, 1, 1, 1, 0, 1)  # dark:light:dark x3:light:dark


@lru_cache(maxsize=64)
def _layout(width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a (regular) QR code ``width`` modules wide, built as segno builds it: the encoding
    region (where codewords and masks go), the modules outside it as they are while segno
    scores the masks (finder, separator, timing and alignment patterns; format and version
    areas still 0), and the eight mask patterns restricted to the region."""
    m = _enc.make_matrix(width, width)
    _enc.add_finder_patterns(m, width, width)
    _enc.add_alignment_patterns(m, width, width)
    base = np.array([list(row) for row in m], dtype=np.int8)
    region = base > 1
    i, j = np.indices((width, width))
    masks = np.array([fn(i, j) for fn in _enc.get_data_mask_functions(False)]) & region
    for a in (base, region, masks):
        a.flags.writeable = False
    return region, base, masks.astype(np.int8)


def _rows(stack: np.ndarray) -> np.ndarray:
    """Every row and every column of each matrix of ``stack`` (k, n, n), as (k, 2n, n)."""
    return np.concatenate((stack, stack.transpose(0, 2, 1)), axis=1)


def _runs_penalty(lines: np.ndarray) -> np.ndarray:
    """N1 per matrix, ``lines`` (k, m, n): each run of 5 + i same-coloured modules in a row
    or column scores 3 + i, i.e. 1 per window of five same-coloured modules plus 2 per run
    such windows start."""
    eq = lines[:, :, 1:] == lines[:, :, :-1]  # eq[c]: modules c and c + 1 alike
    n = lines.shape[2]
    five = eq[:, :, : n - 4] & eq[:, :, 1: n - 3] & eq[:, :, 2: n - 2] & eq[:, :, 3: n - 1]
    starts = five.copy()
    starts[:, :, 1:] &= ~eq[:, :, : n - 5]
    return (np.count_nonzero(five, axis=(1, 2))
            + 2 * np.count_nonzero(starts, axis=(1, 2)))


def _finder_like_penalty(lines: np.ndarray) -> np.ndarray:
    """N3 per matrix, ``lines`` (k, m, n), exactly as segno counts it: each 1:1:3:1:1 pattern
    with four light modules (or the symbol's edge) on one side scores 40; after a scored
    pattern the search goes on behind it, after an unscored one from its fourth module."""
    k, m, n = lines.shape
    flat = lines.reshape(k * m, n)
    hits = flat[:, : n - 6] == _N3[0]
    for offset in range(1, 7):
        hits &= flat[:, offset: n - 6 + offset] == _N3[offset]
    r, idx = np.nonzero(hits)
    dark = np.zeros((k * m, n + 1), dtype=np.int32)
    np.cumsum(flat != 0, axis=1, out=dark[:, 1:])
    before = dark[r, idx] - dark[r, np.maximum(idx - 4, 0)]
    after = dark[r, np.minimum(idx + 11, n)] - dark[r, idx + 7]
    scored = (before == 0) | (after == 0)
    # Patterns overlap (a shift of 4 or 6 modules): then the order of the search decides.
    close = np.flatnonzero((np.diff(idx) < 7) & (np.diff(r) == 0))
    if close.size:
        for line in np.unique(r[close]).tolist():
            at = np.flatnonzero(r == line)
            start = 0
            for h in at.tolist():
                if idx[h] < start:
                    scored[h] = False
                    continue
                start = idx[h] + (7 if scored[h] else 4)
    return np.bincount(r // m, weights=40 * scored, minlength=k)


def _batch_scores(stack: np.ndarray) -> np.ndarray:
    """Penalty scores N1..N4 (ISO/IEC 18004 7.8.3.1) of each matrix of ``stack`` (k, n, n),
    as segno's ``mask_scores`` computes them; shape (k, 4)."""
    k, n, _ = stack.shape
    lines = _rows(stack)
    n1 = _runs_penalty(lines)
    same = stack[:, 1:, 1:]
    n2 = 3 * np.count_nonzero((same == stack[:, 1:, :-1]) & (same == stack[:, :-1, 1:])
                              & (same == stack[:, :-1, :-1]), axis=(1, 2))
    n3 = _finder_like_penalty(lines)
    dark = stack.reshape(k, -1).sum(axis=1, dtype=np.int64).tolist()
    n4 = [10 * int(abs(float(d) / (n ** 2) * 100 - 50) / 5) for d in dark]
    return np.column_stack((n1, n2, n3, n4)).astype(np.int64)


def _scores(m: np.ndarray) -> tuple[int, int, int, int]:
    """N1..N4 of one matrix (see :func:`_batch_scores`)."""
    n1, n2, n3, n4 = _batch_scores(m[np.newaxis]).tolist()[0]
    return n1, n2, n3, n4


def _candidates(payload: str, error: str) -> tuple[_enc.Code, np.ndarray, np.ndarray]:
    """segno's code with mask 0, its modules, and the eight masked matrices as segno scores
    them (before format and version information are written)."""
    code = _enc.encode(payload, error=error, mask=0, micro=False, boost_error=False)
    region, base, masks = _layout(len(code.matrix))
    final0 = np.array([list(row) for row in code.matrix], dtype=np.int8)
    unmasked = np.where(region, final0 ^ masks[0], base)
    return code, final0, unmasked[np.newaxis] ^ masks


def qr_code(payload: str, error: str = "m") -> tuple[np.ndarray, int]:
    """Modules (rows of 0/1, no quiet zone) of a regular (not micro) QR code for ``payload``,
    and the data mask chosen for it: the matrix segno makes, mask selection included."""
    code, final0, candidates = _candidates(payload, error)
    scores = _batch_scores(candidates).sum(axis=1).tolist()
    best = scores.index(min(scores))  # the first of equals, as segno keeps it
    if best == 0:
        return final0, 0
    _, _, masks = _layout(len(final0))
    rows = tuple(bytearray(row) for row in (final0 ^ masks[0] ^ masks[best]).astype(np.uint8))
    _enc.add_format_info(rows, code.version, code.error, best)
    return np.array([list(row) for row in rows], dtype=np.int8), best


def qr_matrix(payload: str, error: str = "m") -> list[list[bool]]:
    """Dark/light modules (without quiet zone) of a regular (not micro) QR code."""
    return [[bool(cell) for cell in row] for row in qr_code(payload, error)[0]]


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float,
            error: str = "m") -> int:
    """Draw ``payload`` as a QR code whose outer box (quiet zone included) is ``size`` points
    wide with lower-left corner (x, y). Returns the QR module count per side.

    The dark modules are one filled path of rectangles, one per horizontal run, written in
    module units under a scaling transform (integers only: exact and compact)."""
    matrix, _ = qr_code(payload, error)
    n = len(matrix)
    module = size / (n + 2 * QUIET_ZONE)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    padded = np.zeros((n, n + 2), dtype=np.int8)
    padded[:, 1:-1] = matrix != 0
    rows, cols = np.nonzero(np.diff(padded, axis=1))  # run starts and ends, in pairs per row
    rows, starts, ends = rows[0::2], cols[0::2], cols[1::2]
    ops = [f"{module:.6f} 0 0 {module:.6f} {x + QUIET_ZONE * module:.4f} "
           f"{y + QUIET_ZONE * module:.4f} cm"]
    ops.extend(f"{c} {n - 1 - r} {w} 1 re"
               for r, c, w in zip(rows.tolist(), starts.tolist(), (ends - starts).tolist(),
                                  strict=True))
    ops.append("f")
    canvas.addLiteral("\n".join(ops))
    canvas.restoreState()
    return n
