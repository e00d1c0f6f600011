"""eu_battery pack: EV battery worked example, every rule triggered and passed, dated changes."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from compliance_rules import RuleReport, Severity, run_packs
from compliance_rules import data as rule_data

from .cr_builders import build, ev_battery

AS_OF = date(2030, 6, 1)
real_load = rule_data.load


def run(raw: dict[str, Any], as_of: date = AS_OF) -> RuleReport:
    dossier, result = build(raw)
    return run_packs(["eu_battery"], dossier, result, as_of)


def ids(report: RuleReport) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for f in report.findings:
        out.setdefault(f.rule_id, []).append(f)
    return out


def test_ev_battery_worked_example() -> None:
    report = run(ev_battery())
    decl = report.output("eu_battery")["declaration"]
    # E_total = 75 kWh x 60 cycles/year (M1) x 10 years = 45000 kWh
    assert decl["e_total_kwh"] == pytest.approx(45000)
    assert decl["carbon_footprint_kg_co2e_per_kwh"] == pytest.approx(4823.635 / 45000)
    assert decl["per_stage_kg_co2e_per_kwh"]["raw_material"] == pytest.approx(4483.0 / 45000)
    assert decl["per_stage_kg_co2e_per_kwh"]["end_of_life"] == pytest.approx(9.585 / 45000)
    assert decl["manufacturer"]["name"] == "Sichuan Cell Tech Co., Ltd."
    assert decl["performance_class"] is None
    assert not report.blocking
    assert set(ids(report)) == {
        "eu_battery.scope.declaration_not_yet", "eu_battery.performance_class.unpublished",
        "eu_battery.threshold.unpublished", "eu_battery.recycled_content.upcoming_shortfall"}
    RuleReport.model_validate_json(report.model_dump_json())


def test_recycled_content_2030_vs_2032() -> None:
    before = ids(run(ev_battery(), date(2030, 6, 1)))
    after = ids(run(ev_battery(), date(2032, 6, 1)))
    assert [f.details["material"] for f in before["eu_battery.recycled_content.upcoming_shortfall"]] == ["lithium"]
    assert "eu_battery.recycled_content.below_target" not in before
    # 2031-08-18 targets in force: lithium 5 % < 6 % blocks; 2036 targets flagged ahead
    assert [f.details["material"] for f in after["eu_battery.recycled_content.below_target"]] == ["lithium"]
    assert {f.details["material"] for f in after["eu_battery.recycled_content.upcoming_shortfall"]} == {
        "cobalt", "lithium", "nickel"}


def test_recycled_content_documentation_from_2028() -> None:
    raw = ev_battery(recycled_content=None)
    assert "eu_battery.recycled_content.undocumented" not in ids(run(raw, date(2028, 8, 17)))
    assert "eu_battery.recycled_content.undocumented" in ids(run(raw, date(2028, 8, 18)))


def test_lfp_has_no_cobalt_or_nickel_target() -> None:
    raw = ev_battery(chemistry="LFP", recycled_content={"lithium": 0.13})
    assert not [f for f in run(raw, date(2037, 1, 1)).findings if "recycled_content" in f.rule_id]


def test_section_missing_and_invalid() -> None:
    raw = ev_battery()
    del raw["regime_data"]["eu_battery"]
    assert "eu_battery.section.missing" in ids(run(raw))
    bad = ids(run(ev_battery(usable_energy_kwh=-5, study_url="ftp://x")))["eu_battery.section.invalid"]
    assert {f.path for f in bad} == {"regime_data.eu_battery.usable_energy_kwh", "regime_data.eu_battery.study_url"}


def test_scope_not_covered_and_required(monkeypatch: pytest.MonkeyPatch) -> None:
    small = ids(run(ev_battery(category="industrial", vehicle_class=None, cycles_per_year=300, usable_energy_kwh=1.5)))
    assert "eu_battery.scope.not_covered" in small
    real = rule_data.load("eu_battery")
    adopted = copy.deepcopy(real)
    adopted["declaration"]["categories"]["ev"]["method_act_adopted"] = "2026-03-01"
    monkeypatch.setattr(rule_data, "load", lambda name: adopted if name == "eu_battery" else real_load(name))
    # due = later of 2025-02-18 and 2027-03-01
    assert ids(run(ev_battery(), date(2027, 3, 1)))["eu_battery.scope.declaration_required"][0].details["due"] == "2027-03-01"
    assert ids(run(ev_battery(), date(2027, 2, 28)))["eu_battery.scope.declaration_not_yet"][0].details["due"] == "2027-03-01"



def test_declaration_items() -> None:
    found = ids(run(ev_battery(manufacturer=None, plant=None, declaration_of_conformity_id=None, study_url=None)))
    points = {f.details["point"] for f in found["eu_battery.declaration.missing_item"]}
    assert points == {"a", "c", "f", "g"}


def test_functional_unit_rules() -> None:
    raw = ev_battery()
    raw["functional_unit"] = {"amount": 1, "unit": "kWh", "description": "per kWh"}
    assert "eu_battery.functional_unit.not_per_battery" in ids(run(raw))
    assert "eu_battery.functional_unit.cycles_missing" in ids(run(ev_battery(vehicle_class=None)))
    differ = ids(run(ev_battery(cycles_per_year=100)))["eu_battery.functional_unit.cycles_differ"][0]
    assert differ.details == {"declared": 100, "fixed": 60} and differ.severity is Severity.major
    # explicit cycles for an industrial battery: 75 x 300 x 10
    ok = run(ev_battery(category="industrial", vehicle_class=None, cycles_per_year=300))
    assert ok.output("eu_battery")["declaration"]["e_total_kwh"] == pytest.approx(225000)


def test_use_stage_and_missing_stage() -> None:
    raw = ev_battery()
    raw["lines"].append({"kind": "use_energy", "id": "charging-losses", "energy_per_year": 100, "years": 10,
                         "factor": "elec.cn.lca.2023.national"})
    assert ids(run(raw))["eu_battery.stages.use_included"][0].details["value"] == pytest.approx(620.5)
    raw = ev_battery()
    raw["lines"].pop()  # no end-of-life line
    assert ids(run(raw))["eu_battery.stages.missing"][0].details["stage"] == "end_of_life"


def test_electricity_modelling() -> None:
    raw = ev_battery()
    raw["lines"][2]["grid"] = "elec.cn.grid.2022.province.sichuan"
    assert ids(run(raw))["eu_battery.electricity.not_accepted"][0].path == "lines[2].grid"
    raw = ev_battery()
    raw["lines"][2]["instrument"] = {"type": "guarantee_of_origin", "factor": 0.03}
    assert ids(run(raw))["eu_battery.electricity.not_accepted"][0].path == "lines[2].instrument"
    raw["lines"][2]["instrument"] = {"type": "direct_line", "factor": 0.03}
    assert "eu_battery.electricity.not_accepted" not in ids(run(raw))


def test_class_and_threshold_from_dated_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    hypothetical = {"source": "hypothetical test table", "retrieved": "2026-01-01",
                    "class_tables": [{"category": "ev", "from": "2027-01-01", "classes": [
                        {"class": "A", "max_kg_per_kwh": 0.08}, {"class": "B", "max_kg_per_kwh": 0.12},
                        {"class": "C", "max_kg_per_kwh": 99}]}],
                    "thresholds": [{"category": "ev", "from": "2028-02-18", "max_kg_per_kwh": 0.10}]}
    monkeypatch.setattr(rule_data, "load", lambda name: hypothetical if name == "eu_battery_classes" else real_load(name))
    early = ids(run(ev_battery(), date(2026, 12, 31)))
    assert "eu_battery.performance_class.unpublished" in early and "eu_battery.threshold.unpublished" in early
    later = run(ev_battery(), date(2028, 3, 1))
    # 0.10719 kg/kWh: class B; above the 0.10 threshold
    assert ids(later)["eu_battery.performance_class.assigned"][0].details["performance_class"] == "B"
    assert ids(later)["eu_battery.threshold.exceeded"][0].details["value"] == pytest.approx(4823.635 / 45000)
    assert later.output("eu_battery")["declaration"]["performance_class"] == "B"


def test_passport_dates_and_fields() -> None:
    raw = ev_battery(passport={"passport_id": "X"})
    early = ids(run(raw, date(2027, 2, 17)))
    late = ids(run(raw, date(2027, 2, 18)))
    assert "eu_battery.passport.upcoming" in early and "eu_battery.passport.incomplete" not in early
    fields = {f.details["field"] for f in late["eu_battery.passport.incomplete"]}
    assert "qr_url" in fields and "chemistry" not in fields  # chemistry comes from the section


def test_label_dates() -> None:
    raw = ev_battery(label={"annex_vi_content": False, "qr_code": False})
    assert not {"eu_battery.label.content_missing", "eu_battery.label.qr_missing"} & set(ids(run(raw, date(2026, 8, 17))))
    mid = ids(run(raw, date(2026, 8, 18)))
    assert "eu_battery.label.content_missing" in mid and "eu_battery.label.qr_missing" not in mid
    assert "eu_battery.label.qr_missing" in ids(run(raw, date(2027, 2, 18)))
