"""cn_label pack: every rule triggered and passed; the citrus worked example; the demo meter."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from compliance_rules import RuleReport, Severity, run_packs
from footprint import calculate as fp_calculate
from footprint import demo_dossier

from .cr_builders import build, citrus, with_section

AS_OF = date(2026, 1, 15)


def run(raw: dict, as_of: date = AS_OF) -> RuleReport:
    dossier, result = build(raw)
    return run_packs(["cn_label"], dossier, result, as_of)


def ids(report: RuleReport) -> set[str]:
    return {f.rule_id for f in report.findings}


def test_citrus_worked_example() -> None:
    report = run(citrus())
    out = report.output("cn_label")
    assert out["reported"]["total"] == pytest.approx(0.27373)
    assert out["per_stage"]["raw_material"] == pytest.approx((76.0 + 24.0) / 1000)
    assert out["per_stage"]["production"] == pytest.approx((136.5 + 37.23) / 1000)
    # 0.27373 / 0.35 = 0.7821 -> two stars (tiers <= 0.7: 3, <= 0.85: 2, <= 1.0: 1)
    assert out["grade"]["ratio"] == pytest.approx(0.27373 / 0.35)
    assert out["grade"]["stars"] == 2
    assert not report.blocking
    assert ids(report) == {"cn_label.boundary.partial", "cn_label.catalogue.unlisted", "cn_label.grade.assigned"}
    assert all(f.message_zh and f.message_en for f in report.findings)
    RuleReport.model_validate_json(report.model_dump_json())  # JSON round trip


def test_demo_meter_has_no_blocking_finding() -> None:
    dossier = demo_dossier()
    report = run_packs(["cn_label"], dossier, fp_calculate(dossier), AS_OF)
    assert not report.blocking
    found = {f.rule_id: f for f in report.findings}
    # the supplier's SMT line uses Sichuan's inventory factor on 0.08 % of the footprint
    assert found["cn_label.electricity.inventory_factor_immaterial"].path == "subassemblies.pcba.lines[3].grid"
    assert found["cn_label.catalogue.voluntary"].details["scheme"] == "T/DZJN 004-2019"


def test_section_invalid_points_to_field() -> None:
    report = run(with_section(citrus(), "cn_label", {"cutoff_criteria": 5, "excluded_flows": [{"name": "x"}]}))
    paths = {f.path for f in report.findings if f.rule_id == "cn_label.section.invalid"}
    assert "regime_data.cn_label.cutoff_criteria" in paths
    assert "regime_data.cn_label.excluded_flows[0].estimated_share" in paths
    assert report.blocking


def test_unknown_benchmark_is_invalid() -> None:
    raw = citrus()
    raw["regime_data"]["cn_label"]["benchmark_id"] = "no-such"
    found = [f for f in run(raw).findings if f.rule_id == "cn_label.section.invalid"]
    assert found[0].path == "regime_data.cn_label.benchmark_id"


def test_stage_missing_for_cradle_to_grave() -> None:
    report = run(citrus(boundary="cradle-to-grave"))
    missing = {f.details["stage"] for f in report.findings if f.rule_id == "cn_label.boundary.stage_missing"}
    assert missing == {"distribution", "use", "end_of_life"}
    assert report.blocking and "cn_label.boundary.partial" not in ids(report)


def test_stage_outside_boundary() -> None:
    raw = citrus()
    raw["lines"].append({"kind": "transport", "id": "to-market", "mode": "transport.road.hgv.average",
                         "mass": 1000, "mass_unit": "kg", "distance": 500})
    found = [f for f in run(raw).findings if f.rule_id == "cn_label.boundary.stage_outside"]
    # 1 t x 500 km x 0.107 = 53.5 kg per 1000 kg
    assert found[0].details["stage"] == "distribution" and found[0].details["value"] == pytest.approx(0.0535)
    assert found[0].severity is Severity.major


def test_functional_unit_description_required() -> None:
    raw = citrus()
    raw["functional_unit"]["description"] = "  "
    assert "cn_label.report.functional_unit" in ids(run(raw))


def test_items_missing_when_result_lacks_a_value() -> None:
    dossier, result = build(citrus())
    broken = result.model_copy(update={"dluc": float("nan")})
    report = run_packs(["cn_label"], dossier, broken, AS_OF)
    found = [f for f in report.findings if f.rule_id == "cn_label.report.items_missing"]
    assert [f.path for f in found] == ["result.dluc"] and report.blocking


def test_dluc_must_be_addressed_for_land_based_product() -> None:
    raw = citrus()
    del raw["regime_data"]["cn_label"]["dluc_statement"]
    report = run(raw)
    assert "cn_label.report.dluc_not_addressed" in ids(report) and report.blocking


def test_iluc_reported_separately_not_in_total() -> None:
    raw = citrus()
    raw["regime_data"]["cn_label"]["iluc_kg"] = 0.01
    report = run(raw)
    assert "cn_label.report.iluc_separate" in ids(report)
    assert report.output("cn_label")["reported"]["total"] == pytest.approx(0.27373)


def test_gwp_set_ar5_is_major() -> None:
    report = run(citrus(gwp_set="AR5"))
    assert "cn_label.report.gwp_set" in ids(report) and not report.blocking


def test_inventory_factor_on_material_line_blocks() -> None:
    raw = citrus()
    raw["lines"][2]["grid"] = "elec.cn.grid.2022.national"
    report = run(raw)
    found = [f for f in report.findings if f.rule_id == "cn_label.electricity.inventory_factor"]
    # 60 x 0.5366 = 32.196 of 76 + 136.5 + 32.196 + 24 = 268.696 -> 11.98 %
    assert found[0].path == "lines[2].grid"
    assert found[0].details["line_share"] == pytest.approx(32.196 / 268.696)
    assert report.blocking


def test_supplier_instrument_needs_review() -> None:
    raw = citrus()
    raw["lines"][2]["instrument"] = {"type": "green_certificate", "factor": 0.0336}
    found = [f for f in run(raw).findings if f.rule_id == "cn_label.electricity.instrument_review"]
    assert found[0].path == "lines[2].instrument"


def test_unrecognised_electricity_factor_is_minor() -> None:
    dossier, result = build(citrus())
    odd = dossier.model_copy(deep=True)
    odd.lines[2].grid = "custom.grid.plant7"
    report = run_packs(["cn_label"], odd, result, AS_OF)
    found = [f for f in report.findings if f.rule_id == "cn_label.electricity.unknown_factor"]
    assert found[0].path == "lines[2].grid" and found[0].severity is Severity.minor


def test_cutoff_undeclared_and_exceeded() -> None:
    raw = citrus()
    del raw["regime_data"]["cn_label"]["cutoff_criteria"]
    raw["regime_data"]["cn_label"]["excluded_flows"] = [
        {"name": "irrigation pump", "estimated_share": 0.03, "reason": "no data"},
        {"name": "pesticide", "estimated_share": 0.025, "reason": "no data"},
    ]
    report = run(raw)
    assert "cn_label.cutoff.undeclared" in ids(report)
    exceeded = {f.path for f in report.findings if f.rule_id == "cn_label.cutoff.exceeded"}
    assert exceeded == {"regime_data.cn_label.excluded_flows",
                        "regime_data.cn_label.excluded_flows[0].estimated_share",
                        "regime_data.cn_label.excluded_flows[1].estimated_share"}


def test_catalogue_depends_on_date() -> None:
    raw = citrus()
    raw["product"]["category"] = "lithium_battery_power"
    raw["regime_data"]["cn_label"].pop("benchmark_id")
    assert "cn_label.catalogue.national" in ids(run(raw, date(2025, 8, 1)))
    assert "cn_label.catalogue.unlisted" in ids(run(raw, date(2025, 6, 30)))


@pytest.mark.parametrize(("n2o", "rule_id", "stars"), [
    (0.2, "cn_label.grade.assigned", 3),    # 76 + 54.6 + 37.23 + 24 = 191.83 -> 0.548 of 0.35
    (0.5, "cn_label.grade.assigned", 2),    # 0.782
    (0.7, "cn_label.grade.assigned", 1),    # 76 + 191.1 + 37.23 + 24 = 328.33 -> 0.938
    (0.9, "cn_label.grade.above_benchmark", 0),  # 382.93 -> 1.094
])
def test_star_tiers(n2o: float, rule_id: str, stars: int) -> None:
    raw = citrus()
    raw["lines"][1]["quantity"] = n2o
    report = run(raw)
    found = [f for f in report.findings if f.rule_id == rule_id]
    assert found and found[0].details["stars"] == stars


def test_no_benchmark_and_unit_mismatch() -> None:
    raw = citrus()
    raw["regime_data"]["cn_label"].pop("benchmark_id")
    assert "cn_label.grade.no_benchmark" in ids(run(raw))
    raw = copy.deepcopy(citrus())
    raw["regime_data"]["cn_label"]["benchmark_id"] = "smart-meter-illustrative-2025"
    assert "cn_label.grade.unit_mismatch" in ids(run(raw))
