"""Our QR mask selection (numpy) gives segno's mask and matrix exactly; the drawn path decodes."""

from __future__ import annotations

import random
import string

import pytest
import segno
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from segno import encoder

from signing.qr import QUIET_ZONE, _candidates, _scores, draw_qr, qr_code, qr_matrix
from tests.signing.conftest import run_tool

BASE45 = string.digits + string.ascii_uppercase + " $%*+-./:"


def _payloads() -> list[tuple[str, str]]:
    rng = random.Random(20261121)
    out = [("TP1:" + "".join(rng.choice(BASE45) for _ in range(rng.randint(40, 620))),
            rng.choice("lmqh")) for _ in range(90)]
    out += [("".join(rng.choice(string.printable + "碳足迹证书") for _ in range(rng.randint(1, 300))),
             rng.choice("lmqh")) for _ in range(60)]
    out += [(f"https://tanpass.example/?cert=TP-2026-{i:06d}", "m") for i in range(30)]
    return out


@pytest.mark.parametrize(("payload", "error"), _payloads())
def test_same_mask_and_matrix_as_segno(payload: str, error: str) -> None:
    ref = segno.make(payload, error=error, micro=False, boost_error=False)
    matrix, mask = qr_code(payload, error)
    assert mask == ref.mask
    assert matrix.tolist() == [list(row) for row in ref.matrix]
    assert qr_matrix(payload, error) == [[bool(c) for c in row] for row in ref.matrix]


@pytest.mark.parametrize(("payload", "error"), _payloads()[::6])
def test_each_penalty_rule_scores_as_segnos(payload: str, error: str) -> None:
    """N1..N4 of every candidate mask equal segno's own mask_scores on the same matrix."""
    for m in _candidates(payload, error)[2]:
        rows = tuple(bytearray(row) for row in m.astype("uint8"))
        assert _scores(m) == tuple(encoder.mask_scores(rows, len(rows), len(rows)))


def _synthetic(rng: random.Random, n: int) -> list[list[int]]:
    """Rows and columns dense in finder-like patterns, long runs and skewed darkness."""
    pieces = ["1011101", "0000", "1111", "0", "1", "10111011101", "00001011101", "1011101000"]
    density = rng.random()
    rows = []
    for _ in range(n):
        row = ""
        while len(row) < n:
            row += rng.choice(pieces) if rng.random() < 0.6 else (
                "1" if rng.random() < density else "0")
        rows.append([int(c) for c in row[:n]])
    return rows


@pytest.mark.parametrize("seed", range(40))
def test_scores_equal_segnos_on_synthetic_matrices(seed: int) -> None:
    import numpy as np

    rng = random.Random(seed)
    n = rng.choice([21, 25, 37, 57, 85])
    rows = _synthetic(rng, n)
    if seed % 2:  # columns from the same pieces too
        rows = [list(col) for col in zip(*rows, strict=True)]
    ref = encoder.mask_scores(tuple(bytearray(r) for r in rows), n, n)
    assert _scores(np.array(rows, dtype=np.int8)) == tuple(ref)


def test_every_mask_is_chosen_somewhere() -> None:
    """The comparison above covers each of the eight masks, not only the easy ones."""
    assert {qr_code(p, e)[1] for p, e in _payloads()} == set(range(8))


def test_drawn_code_decodes(tmp_path) -> None:  # noqa: ANN001
    payload = "TP1:" + "NCFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE$VK G2EC" * 8
    path = tmp_path / "qr.pdf"
    c = Canvas(str(path), pagesize=A4)
    n = draw_qr(c, payload, 100, 300, 220, error="q")
    c.showPage()
    c.save()
    assert n == len(qr_matrix(payload, "q"))
    assert 220 / (n + 2 * QUIET_ZONE) > 1  # modules at least a point wide
    run_tool("pdftoppm", "-r", "200", "-png", "-singlefile", str(path), str(tmp_path / "p"),
             check=True)
    out = run_tool("zbarimg", "-q", "--raw", str(tmp_path / "p.png")).stdout
    assert out.strip("\n") == payload
