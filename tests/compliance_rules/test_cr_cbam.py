"""cbam pack: a steel and an aluminium good with precursors, every rule, mark-up 2026 vs 2028, xlsx."""

from __future__ import annotations

import copy
import io
from datetime import date
from typing import Any

import openpyxl
import pytest

from compliance_rules import PackNotInForceError, RuleReport, get_pack, run_packs
from compliance_rules.cbam_export import communication_xlsx

from .cr_builders import build

INSTALLATION = {"name": "Rolling mill 2", "operator": "Tangshan Steel Co.", "city": "Tangshan", "country": "CN",
                "unlocode": "CN TGS", "latitude": 39.63, "longitude": 118.18,
                "reporting_period_start": "2025-01-01", "reporting_period_end": "2025-12-31"}


def good(cn: str, product_cn: str, section: dict[str, Any]) -> dict[str, Any]:
    return {
        "product": {"name": f"CBAM good {cn}", "model": cn, "cn_code": product_cn},
        "functional_unit": {"amount": 1, "unit": "t", "description": "one tonne of product"},
        "boundary": "cradle-to-gate",
        "reference_period": {"start": "2025-01-01", "end": "2025-12-31"},
        "lines": [{"kind": "material", "id": "steel", "material": "material.steel.bof", "quantity": 1000, "unit": "kg"},
                  {"kind": "electricity", "id": "mill", "quantity": 100, "unit": "kWh", "grid": "elec.cn.lca.2023.national"}],
        "regime_data": {"cbam": section},
    }


def steel(**over: Any) -> dict[str, Any]:
    """Hot-rolled coil from purchased slabs: (400 + 1050 x 1.9) / 1000 = 2.395 t CO2e/t."""
    section = {"installation": INSTALLATION, "cn_code": "7208 10 00", "production_route": "hot rolling of slabs",
               "activity_level_t": 1000, "attributed_direct_t": 400, "electricity_mwh": 120,
               "precursors": [{"name": "slab", "cn_code": "72071114", "mass_t": 1050, "see_direct": 1.9}],
               "source_streams": [{"name": "natural gas", "kind": "fuel", "amount": 200000, "unit": "Nm3",
                                   "emissions_t_co2e": 400}],
               "shipment_mass_t": 25, "importer_annual_mass_t": 800,
               "carbon_price_paid": {"instrument": "China national ETS", "price_per_t_co2e": 100, "currency": "CNY",
                                     "eur_per_unit": 0.127, "covered_t_co2e_per_t_good": 0.4,
                                     "evidence_certified": True}}
    section.update(over)
    return good("72081000", "72081000", section)


def aluminium(**over: Any) -> dict[str, Any]:
    """Aluminium plate from purchased ingot: (150 + 520 x 1.6) / 500 = 1.964 t CO2e/t."""
    section = {"installation": {**INSTALLATION, "name": "Foshan rolling", "city": "Foshan", "unlocode": "CN FOS"},
               "cn_code": "76061200", "production_route": "casting and rolling of purchased ingot",
               "activity_level_t": 500, "attributed_direct_t": 150,
               "precursors": [{"name": "unwrought aluminium", "cn_code": "7601", "mass_t": 520, "see_direct": 1.6}],
               "shipment_mass_t": 20, "importer_annual_mass_t": 30}
    section.update(over)
    return good("76061200", "7606", section)


def run(raw: dict[str, Any], as_of: date = date(2026, 6, 1)) -> RuleReport:
    dossier, result = build(raw)
    return run_packs(["cbam"], dossier, result, as_of)


def ids(report: RuleReport) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for f in report.findings:
        out.setdefault(f.rule_id, []).append(f)
    return out


def test_steel_worked_example() -> None:
    report = run(steel())
    out = report.output("cbam")
    assert out["sector"] == "iron_steel" and out["see"]["direct"] == pytest.approx(2.395)
    est = out["estimate"]
    # certificates 2.395 - 1.400 x 0.975 = 1.03; x 75.36 = 77.6208; minus 100 x 0.127 x 0.4 = 5.08
    assert est["certificates_per_t"] == pytest.approx(1.03)
    assert est["net_eur_per_t"] == pytest.approx(72.5408)
    assert est["net_eur_per_shipment"] == pytest.approx(72.5408 * 25)
    assert set(ids(report)) == {"cbam.de_minimis.counted", "cbam.carbon_price.deducted", "cbam.estimate"}
    assert not report.blocking
    RuleReport.model_validate_json(report.model_dump_json())


def test_aluminium_worked_example_de_minimis() -> None:
    report = run(aluminium())
    out = report.output("cbam")
    assert out["sector"] == "aluminium" and out["see"]["direct"] == pytest.approx(1.964)
    # 1.964 - 1.5 x 0.975 = 0.5015 certificates x 75.36 = 37.79304 EUR/t; 20 t = 755.8608
    assert out["estimate"]["net_eur_per_t"] == pytest.approx(37.79304)
    assert out["estimate"]["net_eur_per_shipment"] == pytest.approx(755.8608)
    assert out["de_minimis_exempt"] is True
    assert "cbam.de_minimis.exempt" in ids(report)


def test_markup_2026_vs_2028() -> None:
    raw = steel(carbon_price_paid=None)
    raw["regime_data"]["cbam"]["precursors"][0]["see_direct"] = None
    r26, r28 = run(raw, date(2026, 6, 1)), run(raw, date(2028, 6, 1))
    # precursor default 2.10 (illustrative) x 1.10 vs x 1.30
    assert r26.output("cbam")["see"]["direct"] == pytest.approx(0.4 + 1.05 * 2.10 * 1.10)
    assert r28.output("cbam")["see"]["direct"] == pytest.approx(0.4 + 1.05 * 2.10 * 1.30)
    assert ids(r26)["cbam.see.default_used"][0].details["markup"] == pytest.approx(0.10)
    assert ids(r28)["cbam.see.default_used"][0].details["markup"] == pytest.approx(0.30)
    assert ids(r26)["cbam.see.default_used"][0].path == "regime_data.cbam.precursors[0].see_direct"
    # 2026: (2.8255 - 1.365) x 75.36; 2028: CBAM factor 0.90 -> (3.2665 - 1.26) x 75.36
    assert r26.output("cbam")["estimate"]["net_eur_per_t"] == pytest.approx(1.4605 * 75.36)
    assert r28.output("cbam")["estimate"]["net_eur_per_t"] == pytest.approx(2.0065 * 75.36)
    assert "cbam.defaults.illustrative" in ids(r26)


def test_transitional_version_reports_only() -> None:
    assert get_pack("cbam", date(2025, 6, 1)).version == "2023/956-transitional"
    report = run(steel(), date(2025, 6, 1))
    assert "cbam.period.transitional" in ids(report) and report.output("cbam")["estimate"] is None
    with pytest.raises(PackNotInForceError):
        get_pack("cbam", date(2023, 9, 30))


def test_section_missing_invalid_and_scope() -> None:
    raw = steel()
    del raw["regime_data"]["cbam"]
    assert "cbam.section.missing" in ids(run(raw))
    bad = ids(run(steel(activity_level_t=0, cn_code="72x")))["cbam.section.invalid"]
    assert {f.path for f in bad} == {"regime_data.cbam.activity_level_t", "regime_data.cbam.cn_code"}
    outside = run(steel(cn_code="85076000"))
    assert "cbam.scope.not_covered" in ids(outside) and outside.output("cbam")["covered"] is False
    assert "cbam.scope.cn_mismatch" in ids(run(steel(cn_code="72091500")))


def test_unavailable_and_indirect_for_cement() -> None:
    raw = steel(attributed_direct_t=None, cn_code="72101100")  # no default in the subset for 7210
    raw["product"]["cn_code"] = "72101100"
    assert ids(run(raw))["cbam.see.unavailable"][0].path == "regime_data.cbam.attributed_direct_t"
    cement = good("25231000", "25231000", {"installation": INSTALLATION, "cn_code": "25231000",
                  "production_route": "dry kiln", "activity_level_t": 1000, "attributed_direct_t": 820,
                  "importer_annual_mass_t": 5000})
    report = run(cement)
    # indirect in scope for cement; missing -> default 0.08 x 1.10
    assert report.output("cbam")["see"]["indirect"] == pytest.approx(0.088)
    assert report.output("cbam")["see"]["in_scope"] == pytest.approx(0.82 + 0.088)
    assert ids(report)["cbam.see.default_used"][0].path == "regime_data.cbam.attributed_indirect_t"
    assert "cbam.benchmark.unavailable" in ids(report)


def test_de_minimis_unknown_carbon_price_uncertified_installation() -> None:
    raw = steel(importer_annual_mass_t=None)
    raw["regime_data"]["cbam"]["carbon_price_paid"]["evidence_certified"] = False
    raw["regime_data"]["cbam"]["installation"] = {**INSTALLATION, "unlocode": None, "latitude": None}
    found = ids(run(raw))
    assert "cbam.de_minimis.unknown" in found
    assert "cbam.carbon_price.uncertified" in found and "cbam.carbon_price.deducted" not in found
    assert {f.details["field"] for f in found["cbam.installation.incomplete"]} == {"unlocode", "latitude"}
    assert run(raw).output("cbam")["estimate"]["deduction_eur_per_t"] == 0.0


def test_communication_xlsx_round_trip() -> None:
    comm = run(steel()).output("cbam")["communication"]
    assert comm["goods"][0]["see_direct"] == pytest.approx(2.395)
    assert comm["goods"][0]["electricity_mwh_per_t"] == pytest.approx(0.12)
    book = openpyxl.load_workbook(io.BytesIO(communication_xlsx(copy.deepcopy(comm))))
    assert book.sheetnames == ["Installation", "Goods", "Precursors", "Source Streams"]
    goods = list(book["Goods"].iter_rows(values_only=True))
    assert goods[1][0] == "72081000" and goods[1][3] == pytest.approx(2.395)
    assert list(book["Precursors"].iter_rows(values_only=True))[1][2] == 1050
    rows = {r[0]: r[1] for r in book["Installation"].iter_rows(values_only=True)}
    assert rows["installation.unlocode"] == "CN TGS"
