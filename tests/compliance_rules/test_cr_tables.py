"""Rule packs see line-table rows as they see object lines (walk.iter_lines, field_paths)."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from compliance_rules import RuleReport, run_packs
from compliance_rules.walk import field_paths, iter_lines

from .cr_builders import build, citrus, ev_battery


def _as_table(raw: dict) -> dict:
    """citrus with its electricity line given as a one-row electricity table."""
    out = copy.deepcopy(raw)
    line = out["lines"].pop(2)
    out["line_tables"] = [{"kind": "electricity", "name": "meter export", "id": [line["id"]],
                           "factor": [line["grid"]], "quantity": [line["quantity"]],
                           "unit": [line.get("unit", "kWh")]}]
    return out


def _run(raw: dict, pack: str, as_of: date) -> RuleReport:
    dossier, result = build(raw)
    return run_packs([pack], dossier, result, as_of)


def test_rows_are_walked_with_their_field_paths() -> None:
    dossier, result = build(_as_table(citrus()))
    refs = {r.id: r for r in iter_lines(dossier)}
    row = refs["sorting-power"]
    assert (row.path, row.kind, row.factor_id, row.stage) == (
        "line_tables[0].rows[0]", "electricity", "elec.cn.lca.2023.national", "production")
    assert field_paths(dossier)["sorting-power"] == "line_tables[0].rows[0]"


def test_inventory_factor_in_a_table_row_is_found() -> None:
    raw = citrus()
    raw["lines"][2]["grid"] = "elec.cn.grid.2022.national"
    report = _run(_as_table(raw), "cn_label", date(2026, 1, 15))
    found = [f for f in report.findings if f.rule_id == "cn_label.electricity.inventory_factor"]
    assert found[0].path == "line_tables[0].rows[0].grid"
    assert found[0].details["line_share"] == pytest.approx(32.196 / 268.696)


def test_eu_battery_electricity_rule_reads_table_rows() -> None:
    raw = ev_battery()
    raw["lines"][2]["grid"] = "elec.cn.grid.2022.province.sichuan"
    report = _run(_as_table(raw), "eu_battery", date(2030, 6, 1))
    eu = [f for f in report.findings if f.rule_id == "eu_battery.electricity.not_accepted"]
    assert eu[0].path == "line_tables[0].rows[0].grid"
    assert eu[0].details["factor_id"] == "elec.cn.grid.2022.province.sichuan"
