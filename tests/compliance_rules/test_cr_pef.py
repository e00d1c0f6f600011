"""pef pack: PP chair worked example, every rule triggered and passed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from compliance_rules import RuleReport, Severity, run_packs

from .cr_builders import build, pp_chair

AS_OF = date(2026, 1, 1)


def run(raw: dict[str, Any]) -> RuleReport:
    dossier, result = build(raw)
    return run_packs(["pef"], dossier, result, AS_OF)


def ids(report: RuleReport) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for f in report.findings:
        out.setdefault(f.rule_id, []).append(f)
    return out


def test_pp_chair_worked_example() -> None:
    report = run(pp_chair())
    out = report.output("pef")
    assert out["climate_change"]["total"] == pytest.approx(22.4081)
    assert out["climate_change"]["fossil"] == pytest.approx(22.4081)
    assert out["climate_change"]["biogenic"] == 0 and out["climate_change"]["luluc"] == 0
    assert len(out["not_assessed"]) == 15 and out["assessed"] == ["climate_change"]
    # ranked: eol 12.5716 (56.1 %), pp 6.52 (cumulative 85.2 % >= 80 %) -> two most relevant
    assert [m["path"] for m in out["most_relevant"]] == ["eol", "pp"]
    # |kg|-weighted DQR: (6.52 x 2 + 3.1025 x 1.5 + 12.5716 x 2.5) / 22.1941 = 2.2133 -> good
    assert out["dqr"] == pytest.approx(49.12275 / 22.1941)
    assert ids(report)["pef.dqr.overall"][0].details["level"] == "good"
    assert set(ids(report)) == {"pef.categories.not_assessed", "pef.climate.split", "pef.dqr.overall"}
    assert not report.blocking


def test_dqr_missing_and_above_threshold() -> None:
    raw = pp_chair()
    del raw["lines"][0]["dqr"]
    raw["lines"][3]["dqr"] = {"ter": 4, "ger": 3, "tir": 4, "p": 3}
    found = ids(run(raw))
    assert found["pef.dqr.missing"][0].path == "lines[0].dqr"
    above = found["pef.dqr.above_threshold"][0]
    assert above.path == "lines[3].dqr" and above.details["dqr"] == pytest.approx(3.5)
    assert above.severity is Severity.blocking


def test_low_contribution_line_needs_no_dqr() -> None:
    raw = pp_chair()
    del raw["lines"][1]["dqr"]  # moulding, 13.8 %, outside the 80 % set
    assert "pef.dqr.missing" not in ids(run(raw))


def test_cff_not_applied() -> None:
    raw = pp_chair()
    raw["lines"][3] = {"kind": "waste", "id": "landfill", "stage": "end_of_life",
                       "treatment": "waste.landfill.commercial", "quantity": 4, "unit": "kg"}
    paths = {f.path for f in ids(run(raw))["pef.cff.not_applied"]}
    assert paths == {"lines[3]", "lines"}


def test_cff_a_value() -> None:
    raw = pp_chair()
    raw["lines"][3]["cff"]["a"] = 0.3
    assert ids(run(raw))["pef.cff.a_value"][0].path == "lines[3].cff.a"


def test_partial_boundary_needs_pefcr() -> None:
    raw = pp_chair(boundary="cradle-to-gate")
    raw["lines"] = raw["lines"][:2]
    assert "pef.boundary.partial" in ids(run(raw))
    raw["regime_data"] = {"pef": {"pefcr": "PEFCR intermediate paper products v1 (hypothetical)"}}
    assert "pef.boundary.partial" not in ids(run(raw))


def test_ar5_flagged() -> None:
    assert "pef.gwp.ar6" in ids(run(pp_chair(gwp_set="AR5")))


def test_split_inconsistent() -> None:
    dossier, result = build(pp_chair())
    report = run_packs(["pef"], dossier, result.model_copy(update={"fossil": 20.0}), AS_OF)
    assert ids(report)["pef.climate.split_inconsistent"][0].details["gap"] == pytest.approx(2.4081)
    assert report.blocking


def test_section_invalid() -> None:
    raw = pp_chair(regime_data={"pef": {"most_relevant_share": 2}})
    assert ids(run(raw))["pef.section.invalid"][0].path == "regime_data.pef.most_relevant_share"
