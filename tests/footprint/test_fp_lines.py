"""Hand-worked figures for every line kind (published set and the tiny test set)."""

from __future__ import annotations

import pytest

from footprint import calculate
from tests.footprint.conftest import dossier

approx = pytest.approx


def test_material_in_tonnes_per_piece(cn):
    # 2 t BOF steel for 4 pieces: 2000 kg x 2.33 / 4 = 1165 kg CO2e per piece
    d = dossier([{"kind": "material", "id": "s", "material": "material.steel.bof",
                  "quantity": 2, "unit": "t"}], reference_flow=4)
    r = calculate(d, cn)
    assert r.total == approx(1165.0)
    line = r.lines[0]
    assert (line.quantity, line.unit, line.factor_value, line.multiplier) == (2, "t", 2.33, 0.25)
    assert r.per_stage["raw_material"] == approx(1165.0)
    assert line.check is True and "material.steel.bof" in r.factors_to_check


def test_electricity_lca_and_inventory_factor(cn):
    d = dossier([
        {"kind": "electricity", "id": "lca", "quantity": 0.5, "unit": "MWh",
         "grid": "elec.cn.lca.2023.national"},
        {"kind": "electricity", "id": "hebei", "quantity": 100, "grid": "elec.cn.grid.2022.province.hebei"},
    ])
    r = calculate(d, cn)
    assert r.lines[0].kg_co2e == approx(500 * 0.6205)       # 310.25
    assert r.lines[1].kg_co2e == approx(100 * 0.7252)       # 72.52
    assert r.per_gas["CO2"] == approx(72.52)                # inventory factor is CO2 only
    assert r.per_gas["CO2e_unsplit"] == approx(310.25)      # life-cycle factor is CO2e only
    assert r.total == approx(382.77)
    assert "IPCC" not in r.lines[1].factor_source and "2022" in r.lines[1].factor_source


def test_fuel_gas_split_ar6_and_ar5(cn):
    # IPCC 2006 diesel per kg: CO2 74100 x 43e-6 = 3.1863, CH4 3 x 43e-6, N2O 0.6 x 43e-6
    line = {"kind": "fuel", "id": "f", "fuel": "fuel.diesel", "quantity": 10}
    r6 = calculate(dossier([line]), cn)
    assert r6.per_gas["CO2"] == approx(31.863)
    assert r6.per_gas["CH4_fossil"] == approx(10 * 0.000129 * 29.8)
    assert r6.per_gas["N2O"] == approx(10 * 0.0000258 * 273)
    assert r6.total == approx(31.863 + 0.038442 + 0.070434)
    r5 = calculate(dossier([line], gwp_set="AR5"), cn)
    assert r5.total == approx(31.863 + 0.0387 + 0.06837)
    assert r5.gwp_set == "AR5" and r6.fossil == approx(r6.total)


def test_transport_road_and_air(tiny):
    d = dossier([
        {"kind": "transport", "id": "road", "mode": "truck", "mass": 500, "distance": 300},
        {"kind": "transport", "id": "air", "mode": "plane", "mass": 0.2, "mass_unit": "t",
         "distance": 8000, "distance_unit": "km"},
        {"kind": "transport", "id": "miles", "mode": "truck", "mass": 1000, "distance": 100,
         "distance_unit": "mile"},
    ])
    r = calculate(d, tiny)
    assert r.lines[0].kg_co2e == approx(0.5 * 300 * 0.1)          # 15.0
    assert r.lines[1].kg_co2e == approx(0.2 * 8000 * 1.0)         # 1600
    assert r.lines[2].kg_co2e == approx(1.0 * 160.9344 * 0.1)     # 16.09344
    assert r.aircraft == approx(1600.0)
    assert r.per_stage["distribution"] == approx(15 + 1600 + 16.09344)


def test_process_emissions_by_gas_and_origin(tiny):
    d = dossier([
        {"kind": "process_emission", "id": "sf6", "gas": "SF6", "quantity": 10, "unit": "g"},
        {"kind": "process_emission", "id": "ch4b", "gas": "CH4", "quantity": 1, "origin": "biogenic"},
        {"kind": "process_emission", "id": "ch4f", "gas": "CH4", "quantity": 1},
        {"kind": "process_emission", "id": "uptake", "gas": "CO2", "quantity": 5,
         "origin": "biogenic", "removal": True},
        {"kind": "process_emission", "id": "luc", "gas": "CO2", "quantity": 2, "origin": "dluc"},
    ])
    r = calculate(d, tiny)
    assert [ln.kg_co2e for ln in r.lines] == approx([252.0, 27.0, 29.8, -5.0, 2.0])
    assert r.fossil == approx(252.0 + 29.8)
    assert r.biogenic_emissions == approx(27.0)
    assert r.biogenic_removals == approx(-5.0)
    assert r.dluc == approx(2.0)
    assert r.total == approx(252 + 27 + 29.8 - 5 + 2)
    assert r.per_gas["CH4_non_fossil"] == approx(27.0) and r.per_gas["CH4_fossil"] == approx(29.8)
    assert calculate(dossier(d.model_dump()["lines"][:1], gwp_set="AR5"), tiny).total == approx(235.0)


def test_use_waste_packaging(tiny):
    d = dossier([
        {"kind": "use_energy", "id": "use", "energy_per_year": 10, "years": 5, "factor": "grid"},
        {"kind": "waste", "id": "w", "treatment": "disp", "quantity": 100},
        {"kind": "packaging", "id": "p", "material": "mat.a", "quantity": 800, "unit": "g"},
    ])
    r = calculate(d, tiny)
    assert [ln.kg_co2e for ln in r.lines] == approx([25.0, 10.0, 1.6])
    assert r.per_stage == approx({"raw_material": 1.6, "production": 10.0, "distribution": 0.0,
                                  "use": 25.0, "end_of_life": 0.0})


def test_supplier_data_is_primary_and_takes_precedence(tiny):
    d = dossier([
        {"kind": "material", "id": "pcf", "material": "part", "quantity": 3, "unit": "piece",
         "supplier_pcf": {"value": 1.5, "unit": "piece", "supplier": "ACME"}},
        {"kind": "material", "id": "sec", "material": "part", "quantity": 1, "unit": "piece"},
        {"kind": "electricity", "id": "ppa", "quantity": 1000,
         "instrument": {"type": "ppa", "factor": 0.02}},
        {"kind": "material", "id": "bio", "quantity": 2, "unit": "kg",
         "supplier_pcf": {"value": 1.0, "biogenic_emissions": 0.5, "biogenic_removals": -0.8,
                          "dluc": 0.3}},
    ])
    r = calculate(d, tiny)
    assert [ln.kg_co2e for ln in r.lines] == approx([4.5, 3.0, 20.0, 2.0])
    assert [ln.primary for ln in r.lines] == [True, False, True, True]
    assert r.primary_data_share == approx((4.5 + 20 + 2) / 29.5)
    assert r.biogenic_emissions == approx(1.0) and r.biogenic_removals == approx(-1.6)
    assert r.dluc == approx(0.6)
    assert r.fossil == approx(4.5 + 3 + 20 + 2 * (1.0 - 0.5 + 0.8 - 0.3))


def test_biogenic_and_dluc_factors(tiny):
    r = calculate(dossier([{"kind": "material", "id": "w", "material": "wood", "quantity": 2},
                           {"kind": "material", "id": "s", "material": "soy", "quantity": 1}]), tiny)
    assert r.biogenic_removals == approx(-3.0) and r.dluc == approx(4.0) and r.total == approx(1.0)


def test_demo_dossier_is_valid_and_deterministic(cn):
    from footprint import demo_dossier

    a, b = calculate(demo_dossier(), cn), calculate(demo_dossier(), cn)
    assert a.model_dump_json() == b.model_dump_json()
    assert a.factor_set_id == "tanpass-cn" and a.factor_set_version == "2025.1"
    # standby power dominates: 8760 kWh x 10 years x 0.6205 / 1000 meters = 54.3558 kg per meter
    assert a.per_stage["use"] == approx(54.3558)
    assert {n.path for n in a.tree.children} == {"pcba"}
