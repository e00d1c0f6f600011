"""Carbon label artwork: sizes, SVG structure, PNG physical size, QR readable by zbarimg."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from signing import LabelData, RenderError, label_qr_fits, render_label_png, render_label_svg
from tests.signing.conftest import run_tool

URL = "https://tanpass.example/c/TP-2025-000123"
LABEL = LabelData(footprint=991.5, unit="kg CO2e/套 set", qr_payload=URL, grade=4)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("size", [8, 15, 20, 60])
def test_svg_is_well_formed_and_sized(size: float) -> None:
    root = ET.fromstring(render_label_svg(LABEL, size))
    assert root.get("height") == f"{size:.3f}mm"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "991.5" in texts and "kg CO2e/套 set" in texts
    stars = list(root.iter(f"{SVG}polygon"))
    assert len(stars) == 5 and sum(p.get("fill") == "#ffd700" for p in stars) == 4
    has_qr = any(p.get("fill") == "#000" for p in root.iter(f"{SVG}path"))
    assert has_qr == label_qr_fits(URL, size)


def test_qr_left_out_only_where_unreadable() -> None:
    assert not label_qr_fits(URL, 8) and label_qr_fits(URL, 20)
    assert ET.fromstring(render_label_svg(LABEL, 8)).get("width") == "8.000mm"


def test_png_physical_size_and_qr_decodes(tmp_path: Path) -> None:
    png = render_label_png(LABEL, 20, dpi=600)
    img = Image.open(io.BytesIO(png))
    assert img.height == round(20 / 25.4 * 600)
    assert round(img.info["dpi"][0]) == 600
    (tmp_path / "label.png").write_bytes(png)
    out = run_tool("zbarimg", "-q", "--raw", str(tmp_path / "label.png")).stdout.strip("\n")
    assert out == URL


def test_png_without_qr_or_grade() -> None:
    img = Image.open(io.BytesIO(render_label_png(LabelData(0.2956, "kg CO2e/kg"), 8, dpi=300)))
    assert img.width == img.height == round(8 / 25.4 * 300)


@pytest.mark.parametrize(("kwargs", "size", "field"), [
    ({}, 7.9, "size_mm"), ({}, 61, "size_mm"), ({"grade": 6}, 20, "grade"),
    ({"footprint": float("inf")}, 20, "footprint"),
])
def test_invalid_labels_are_refused(kwargs: dict, size: float, field: str) -> None:
    data = LabelData(**{"footprint": 1.9, "unit": "kg CO2e", **kwargs})
    with pytest.raises(RenderError) as info:
        render_label_svg(data, size)
    assert info.value.field == field


def test_deterministic() -> None:
    assert render_label_png(LABEL, 20) == render_label_png(LABEL, 20)
    assert render_label_svg(LABEL, 20) == render_label_svg(LABEL, 20)
