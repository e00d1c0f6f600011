"""The published cases of DOMAIN.md section 8, reconstructed (see footprint/examples.py)."""

from __future__ import annotations

import pytest

from footprint import calculate
from footprint.examples import citrus, locomotive, roller_shutter_controller, switchgear

approx = pytest.approx


def test_citrus_0_2956(cn):
    r = calculate(citrus(), cn)
    by_hand = (300 * 1.9 + 2.1686 * 273 + 150 * (3.1863 + 0.000129 * 29.8 + 0.0000258 * 273)
               + (2000 + 7712) * 0.6205 + 1500 * 0.8) / 30000
    assert r.total == approx(by_hand)
    assert round(r.total, 4) == 0.2956


def test_roller_shutter_controller_1_9(cn):
    r = calculate(roller_shutter_controller(), cn)
    by_hand = 0.12 * 3.76 + 0.8125 + 0.03 * 4.1 + 0.05 * 2.33 + 0.5 * 0.6205 + 0.06 * 0.8 + 0.3e-3 * 1200 * 0.107
    assert r.total == approx(by_hand) and round(r.total, 2) == 1.90
    assert r.primary_data_share == approx(0.8125 / by_hand)


def test_switchgear_991_5(cn):
    r = calculate(switchgear(), cn)
    by_hand = 239.135 * 2.33 + 40 * 4.1 + 0.005 * 25200 + 150 * 0.6205 + 5 * 3.4 + 0.4 * 800 * 0.107
    assert r.total == approx(by_hand) and round(r.total, 1) == 991.5
    assert r.per_gas["SF6"] == approx(126.0)


def test_locomotive_97000_points(cn):
    d = locomotive()
    r = calculate(d, cn)
    assert len(r.lines) == 97_000
    fs = cn
    expected = 0.0
    for mline in d.lines:
        module = d.subassemblies[mline.ref]
        for pline in module.lines:
            part = module.subassemblies[pline.ref]
            for ln in part.lines:
                fid = ln.grid if ln.kind == "electricity" else ln.material
                expected += pline.quantity * ln.quantity * fs.co2e(fs.factors[fid], "AR6")
    assert r.total == approx(expected, rel=1e-12)
    assert sum(c.total for c in r.tree.children) == approx(r.total, rel=1e-12)
    assert r.tree.children[3].children[5].path == "m3/p5"
