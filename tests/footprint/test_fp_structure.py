"""Nested sub-assemblies, allocation, CFF, DQR, Monte Carlo: hand-worked."""

from __future__ import annotations

import pytest

from footprint import calculate
from tests.footprint.conftest import dossier

approx = pytest.approx


def _nested():
    # root reference_flow 2; A x4 per root flow, A reference_flow 2, A has 10 kg mat.a (2.0)
    # and B x3; B reference_flow 1 has 1 kg mat.a.
    # A per unit = (10 x 2 + 3 x 1 x 2) / 2 = 13; per FU = 4 x 13 / 2 = 26 (A own 20, B 6)
    return dossier(
        [{"kind": "subassembly", "id": "a1", "ref": "A", "quantity": 4},
         {"kind": "material", "id": "own", "material": "mat.a", "quantity": 1}],
        reference_flow=2,
        subassemblies={"A": {"name": "Frame", "reference_flow": 2, "lines": [
            {"kind": "material", "id": "steel", "material": "mat.a", "quantity": 10},
            {"kind": "subassembly", "id": "b", "ref": "B", "quantity": 3}]},
            "B": {"name": "Bracket", "lines": [
                {"kind": "material", "id": "steel", "material": "mat.a", "quantity": 1,
                 "stage": "production"}]}},
    )


def test_nested_subassemblies_and_tree(tiny):
    r = calculate(_nested(), tiny)
    assert r.total == approx(26 + 1.0)
    assert [ln.path for ln in r.lines] == ["a1/steel", "a1/b/steel", "own"]
    assert [ln.kg_co2e for ln in r.lines] == approx([20.0, 6.0, 1.0])
    assert r.lines[1].multiplier == approx(4 / 2 * 3 / 2)
    a = r.tree.children[0]
    assert (a.path, a.name, a.total, a.lines) == ("a1", "Frame", approx(26.0), [0])
    b = a.children[0]
    assert (b.path, b.total, b.per_stage["production"], b.lines) == ("a1/b", approx(6.0), approx(6.0), [1])
    assert r.tree.total == approx(r.total) and r.tree.lines == [2]
    assert a.share == approx(26 / 27)


def test_stage_override_on_subassembly_line(tiny):
    d = _nested().model_dump()
    d["lines"][0]["stage"] = "raw_material"
    r = calculate(type(_nested()).model_validate(d), tiny)
    assert r.per_stage["production"] == 0.0 and r.per_stage["raw_material"] == approx(27.0)


@pytest.mark.parametrize(("method", "share"), [("mass", 0.8), ("economic", 0.25)])
def test_coproduct_allocation(tiny, method, share):
    d = dossier(
        [{"kind": "material", "id": "m", "material": "mat.a", "quantity": 1000},
         {"kind": "use_energy", "id": "u", "energy_per_year": 10, "years": 1, "factor": "grid"}],
        allocation={"method": method, "main_product": {"name": "main", "mass": 80, "economic_value": 100},
                    "co_products": [{"name": "slag", "mass": 20, "economic_value": 300}]},
    )
    r = calculate(d, tiny)
    assert r.lines[0].kg_co2e == approx(2000 * share)
    assert r.lines[1].kg_co2e == approx(5.0)  # use stage is not allocated


def test_cff_full_formula(tiny):
    # material: (1-0.3) 2 + 0.3 (0.2 x 0.5 + 0.8 x 2 x 0.8) = 1.4 + 0.414 = 1.814
    # recycling: (1-0.2) 0.5 (0.5 - 2 x 1) = -0.6
    # energy: (1-0) 0.25 (3 - 40 x 0.2 x 0.05 - 40 x 0.25 x 0.1) = 0.25 x 1.6 = 0.4
    # disposal: (1 - 0.5 - 0.25) 0.1 = 0.025      -> 1.639 kg CO2e per kg, x 10 kg
    cff = {"r1": 0.3, "r2": 0.5, "r3": 0.25, "a": 0.2, "b": 0.0, "qsin_qp": 0.8, "qsout_qp": 1.0,
           "erec": "mat.rec", "erec_eol": "mat.rec", "ed": "disp", "eer": "eer", "lhv": 40,
           "x_heat": 0.2, "x_elec": 0.25, "ese_heat": "heat", "ese_elec": "elecmj",
           "include_material_part": True}
    d = dossier([{"kind": "end_of_life", "id": "eol", "material": "mat.a", "mass": 10, "cff": cff}])
    r = calculate(d, tiny)
    assert r.total == approx(16.39)
    cff["include_material_part"] = False
    r = calculate(dossier([{"kind": "end_of_life", "id": "eol", "material": "mat.a", "mass": 10,
                            "cff": cff}]), tiny)
    assert r.total == approx((1.639 - 1.814) * 10)
    assert r.per_stage["end_of_life"] == approx(-1.75)


def test_cff_ese_elec_converted_from_kwh(tiny):
    # grid 0.5 kg/kWh = 0.5/3.6 kg/MJ; R3 = 1: 3 - 36 x 0.5 x 0.5/3.6 = 0.5
    cff = {"r3": 1.0, "eer": "eer", "lhv": 36, "x_elec": 0.5, "ese_elec": "grid"}
    r = calculate(dossier([{"kind": "end_of_life", "id": "e", "material": "mat.a", "mass": 1,
                            "cff": cff}]), tiny)
    assert r.total == approx(0.5)


def test_dqr_weighted_by_contribution(tiny):
    d = dossier([
        {"kind": "material", "id": "a", "material": "mat.a", "quantity": 15,
         "dqr": {"ter": 1, "ger": 2, "tir": 3, "p": 2}},                       # 30 kg, DQR 2.0
        {"kind": "material", "id": "b", "material": "mat.a", "quantity": 5,
         "dqr": {"ter": 3, "ger": 3, "tir": 4, "p": 2}},                       # 10 kg, DQR 3.0
        {"kind": "material", "id": "c", "material": "mat.a", "quantity": 30},  # 60 kg, none
    ])
    r = calculate(d, tiny)
    assert [ln.dqr for ln in r.lines] == [2.0, 3.0, None]
    assert r.dqr == approx((30 * 2 + 10 * 3) / 40) and r.dqr_coverage == approx(0.4)


def test_monte_carlo_seeded_and_plausible(tiny):
    d = dossier([
        {"kind": "material", "id": "ln", "material": "mat.a", "quantity": 50,
         "uncertainty": {"distribution": "lognormal", "gsd2": 1.5}},    # point 100
        {"kind": "material", "id": "fixed", "material": "mat.a", "quantity": 10},   # 20
    ])
    a = calculate(d, tiny, monte_carlo_draws=20000, seed=7).uncertainty
    b = calculate(d, tiny, monte_carlo_draws=20000, seed=7).uncertainty
    c = calculate(d, tiny, monte_carlo_draws=20000, seed=8).uncertainty
    assert a == b and a.mean != c.mean
    # median = 20 + 100; 97.5 % = 20 + 100 exp(1.96 ln(1.5)/2) = 20 + 148.8
    assert a.median == approx(120, rel=0.01)
    assert a.p97_5 == approx(20 + 100 * 1.5 ** 0.98, rel=0.03)
    assert a.p2_5 == approx(20 + 100 / 1.5 ** 0.98, rel=0.03)


@pytest.mark.parametrize(("unc", "mean"), [
    ({"distribution": "normal", "rel_sd": 0.1}, 100.0),
    ({"distribution": "uniform", "low": 0.5, "high": 1.5}, 100.0),
    ({"distribution": "triangular", "low": 0.7, "high": 1.6}, 100 * (0.7 + 1 + 1.6) / 3),
])
def test_monte_carlo_distribution_means(tiny, unc, mean):
    d = dossier([{"kind": "material", "id": "x", "material": "mat.a", "quantity": 50,
                  "uncertainty": unc}])
    u = calculate(d, tiny, monte_carlo_draws=40000, seed=1).uncertainty
    assert u.mean == approx(mean, rel=0.01)
    assert u.p2_5 < u.median < u.p97_5


def test_no_distributions_gives_zero_width(tiny):
    d = dossier([{"kind": "material", "id": "x", "material": "mat.a", "quantity": 1}])
    u = calculate(d, tiny, monte_carlo_draws=100, seed=0).uncertainty
    assert u.p2_5 == u.p97_5 == approx(2.0) and u.lines_with_distribution == 0
