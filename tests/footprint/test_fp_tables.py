"""Line tables: hand-worked figures, same results as object lines, named errors per row."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from footprint import (
    Dossier,
    DuplicateLineIdError,
    FootprintResult,
    InvalidQuantityError,
    LineTable,
    MissingFactorError,
    TableShapeError,
    TreeNode,
    UnknownUnitError,
    calculate,
    demo_dossier,
    dossier_sha256,
    to_tables,
)
from footprint.cli import main
from footprint.examples import citrus, locomotive, roller_shutter_controller, switchgear
from tests.footprint.conftest import dossier

approx = pytest.approx


def _table(**cols: Any) -> dict[str, Any]:
    return {"kind": "material", "id": ["a", "b", "c"], "factor": ["mat.a", "mat.a", "part"],
            "quantity": [1.0, 500.0, 2.0], "unit": ["kg", "g", "piece"], **cols}


def _in_sub(table: dict[str, Any], lines: list[dict[str, Any]] | None = None) -> Dossier:
    return dossier([{"kind": "subassembly", "id": "s", "ref": "S", "quantity": 2}],
                   subassemblies={"S": {"name": "Sub", "lines": lines or [],
                                        "line_tables": [table]}})


def test_small_table_by_hand(tiny):
    d = dossier(
        [{"kind": "fuel", "id": "f", "fuel": "fuel", "quantity": 1}],
        line_tables=[
            _table(dqr_ter=[1, None, 2], dqr_ger=[1, None, 2], dqr_tir=[1, None, 2],
                   dqr_p=[1, None, 4]),
            {"kind": "electricity", "id": ["e1", "e2"], "factor": ["grid", "grid"],
             "quantity": [10, 0.002], "unit": ["kWh", "MWh"], "stage": ["production", "use"]},
            {"kind": "transport", "id": ["t1"], "factor": ["truck"], "mass": [0.5],
             "mass_unit": ["t"], "distance": [300]},
        ],
        reference_flow=2,
    )
    r = calculate(d, tiny)
    kg = {ln.path: ln.kg_co2e for ln in r.lines}
    # per functional unit (reference flow 2): 1 kg x 2, 0.5 kg x 2, 2 pieces x 3; 10 kWh and
    # 2 kWh x 0.5; 0.5 t x 300 km x 0.1
    assert kg["a"] == approx(1.0) and kg["b"] == approx(0.5) and kg["c"] == approx(3.0)
    assert kg["e1"] == approx(2.5) and kg["e2"] == approx(0.5) and kg["t1"] == approx(7.5)
    fuel = 3.0 + 0.01 * 29.8 + 0.001 * 273
    assert kg["f"] == approx(fuel / 2)
    assert [ln.path for ln in r.lines] == ["f", "a", "b", "c", "e1", "e2", "t1"]
    assert r.per_stage["raw_material"] == approx(4.5)
    assert r.per_stage["production"] == approx(2.5 + fuel / 2)
    assert r.per_stage["use"] == approx(0.5) and r.per_stage["distribution"] == approx(7.5)
    assert r.total == approx(4.5 + 3.0 + 7.5 + fuel / 2)
    t1 = r.lines[6]
    assert (t1.quantity, t1.unit, t1.factor_id, t1.kind) == (150.0, "t*km", "truck", "transport")
    # DQR weighted by |kg| over rows that carry one: a (1.0) and c (2.5)
    assert r.dqr == approx((1.0 * 1.0 + 3.0 * 2.5) / 4.0)
    assert r.tree.lines == list(range(7))


def test_table_in_subassembly_paths_tree_and_supplier_pcf(tiny):
    d = _in_sub({"kind": "material", "id": ["x", "y"], "factor": ["mat.a", None],
                 "quantity": [1, 3], "pcf": [None, 0.5], "pcf_unit": ["kg", "piece"],
                 "pcf_supplier": [None, "ACME"], "unit": ["kg", "piece"], "gsd2": [1.2, None]},
                [{"kind": "material", "id": "o", "material": "mat.a", "quantity": 1}])
    r = calculate(d, tiny)
    assert [ln.path for ln in r.lines] == ["s/o", "s/x", "s/y"]
    assert [ln.kg_co2e for ln in r.lines] == approx([4.0, 4.0, 3.0])
    y = r.lines[2]
    assert y.primary and y.factor_id == "supplier:pcf" and "ACME" in y.factor_source
    assert r.primary_data_share == approx(3.0 / 11.0)
    assert r.tree.children[0].total == approx(11.0) and r.tree.children[0].lines == [0, 1, 2]
    mc = calculate(d, tiny, monte_carlo_draws=200, seed=1).uncertainty
    assert mc is not None and mc.lines_with_distribution == 1


def _tree(t: TreeNode) -> dict[str, float]:
    out = {t.path: t.total}
    for c in t.children:
        out.update(_tree(c))
    return out


def _same(a: FootprintResult, b: FootprintResult) -> None:
    """Per line bit for bit; sums to 1e-12 (rows follow the object lines: another order)."""
    la = {ln.path: ln.model_dump() for ln in a.lines}
    lb = {ln.path: ln.model_dump() for ln in b.lines}
    assert la == lb
    for f in ("total", "fossil", "biogenic_emissions", "biogenic_removals", "dluc", "aircraft",
              "primary_data_share", "dqr", "dqr_coverage"):
        va, vb = getattr(a, f), getattr(b, f)
        assert vb == (None if va is None else approx(va, rel=1e-12, abs=1e-15)), f
    assert b.per_stage == approx(a.per_stage, rel=1e-12)
    assert b.per_gas == approx(a.per_gas, rel=1e-12, abs=1e-15)
    assert _tree(b.tree) == approx(_tree(a.tree), rel=1e-12)
    assert sorted(b.factors_to_check) == sorted(a.factors_to_check)


@pytest.mark.parametrize("make", [demo_dossier, citrus, roller_shutter_controller, switchgear,
                                  lambda: locomotive(parts_per_module=3, lines_per_part=20,
                                                     modules=2)])
def test_objects_and_tables_give_the_same_figures(cn, make):
    d = make()
    t = to_tables(d)
    assert any(v.table is not None for v in t.iter_lines())
    assert sum(1 for _ in t.iter_lines()) == sum(1 for _ in d.iter_lines())
    _same(calculate(d, cn), calculate(t, cn))


def test_demo_as_tables_keeps_the_object_only_lines(cn):
    t = to_tables(demo_dossier())
    kinds = {ln.kind for ln in t.lines}
    # use-stage energy, end of life, sub-assembly; a material with an origin; a uniform
    # uncertainty; a verified supplier PCF with a reference: objects
    assert kinds == {"use_energy", "end_of_life", "subassembly", "transport", "material"}
    assert [ln.id for ln in t.lines if ln.kind in ("material", "transport")] == [
        "enclosure-pc", "inbound-components"]
    assert [tb.kind for tb in t.line_tables] == ["material", "electricity", "fuel", "packaging",
                                                 "waste", "transport"]
    pcba = t.subassemblies["pcba"]
    assert [ln.id for ln in pcba.lines] == ["bare-pcb", "lcd"]
    assert pcba.line_tables[0].pcf == (1.65,)


def test_object_only_dossier_hash_is_unchanged():
    d = demo_dossier()
    assert "line_tables" not in d.model_dump_json()
    assert dossier_sha256(d) == "9256e4722a4c84f5c9fd738b1935ab562dd4b3dc7cefea447de420aa4a7fd328"


def test_json_round_trip_and_hash(cn):
    t = to_tables(demo_dossier())
    text = t.model_dump_json()
    back = Dossier.model_validate_json(text)
    assert back.model_dump_json() == text and dossier_sha256(back) == dossier_sha256(t)
    assert back == t
    assert calculate(back, cn).model_dump_json() == calculate(t, cn).model_dump_json()
    assert json.loads(text)["line_tables"][0]["id"] == ["terminal-pp", "copper", "screws"]


def test_tables_are_frozen_and_a_replaced_table_is_recomputed(tiny):
    d = dossier([], line_tables=[_table()])
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        d.line_tables[0].quantity = (1.0, 1.0, 1.0)  # type: ignore[misc]
    assert calculate(d, tiny).total == approx(2 + 1 + 6)
    d.line_tables[0] = d.line_tables[0].model_copy(update={"quantity": (2.0, 500.0, 2.0)})
    assert calculate(d, tiny).total == approx(4 + 1 + 6)


def test_iter_lines_sees_rows():
    d = _in_sub(_table(), [{"kind": "fuel", "id": "f", "fuel": "fuel", "quantity": 1}])
    views = list(d.iter_lines())
    assert [(v.id, v.kind, v.factor) for v in views] == [
        ("s", "subassembly", None), ("f", "fuel", "fuel"), ("a", "material", "mat.a"),
        ("b", "material", "mat.a"), ("c", "material", "part")]
    assert views[2].path == "subassemblies.S.line_tables[0].rows[0]" and views[2].line is None
    assert views[1].path == "subassemblies.S.lines[0]" and views[1].line is not None
    assert views[3].stage == "raw_material" and (views[3].table, views[3].row) == (0, 1)


@pytest.mark.parametrize(("cols", "error", "field", "row"), [
    ({"quantity": [1.0, math.nan, 2.0]}, InvalidQuantityError, "quantity", 1),
    ({"quantity": [1.0, 2.0, -2.0]}, InvalidQuantityError, "quantity", 2),
    ({"quantity": [1.0, 2.0]}, TableShapeError, "quantity", 2),
    ({"unit": ["kg", "kgz", "g"]}, UnknownUnitError, "unit", 1),
    ({"factor": ["mat.a", None, "part"]}, MissingFactorError, "factor", 1),
    ({"dqr_ter": [1, 2, 9], "dqr_ger": [1, 1, 1], "dqr_tir": [1, 1, 1], "dqr_p": [1, 1, 1]},
     Exception, "dqr_ter", 2),
    ({"gsd2": [None, 0.5, None]}, Exception, "uncertainty", 1),
])
def test_bad_table_names_table_and_row(cols, error, field, row):
    with pytest.raises(error) as info:
        _in_sub(_table(name="BOM sheet", **cols))
    e = info.value
    rid = "abc"[row] if row < 3 else ""
    assert e.field == field and e.detail["table"] == "BOM sheet" and e.detail["row"] == row
    assert e.path == (f"s/{rid}" if rid else "s") and "BOM sheet" in str(e) and e.message_zh


def test_transport_table_needs_mass_and_distance():
    with pytest.raises(TableShapeError) as info:
        dossier([], line_tables=[{"kind": "transport", "id": ["t"], "factor": ["truck"],
                                  "mass": [1.0]}])
    assert info.value.field == "distance" and info.value.detail["table"] == "line_tables[0]"


def test_duplicate_ids_across_objects_and_tables():
    with pytest.raises(DuplicateLineIdError) as info:
        _in_sub(_table(), [{"kind": "fuel", "id": "b", "fuel": "fuel", "quantity": 1}])
    assert info.value.path == "s/b" and info.value.detail == {"table": "line_tables[0]",
                                                               "row": 1, "row_id": "b"}
    with pytest.raises(DuplicateLineIdError) as info2:
        dossier([], line_tables=[_table(), _table(name="second")])
    assert info2.value.detail["table"] == "second" and info2.value.detail["row"] == 0


def test_unknown_factor_at_calculation_names_first_row(tiny):
    d = _in_sub(_table(factor=["mat.a", "mat.nope", "mat.nope"]))
    with pytest.raises(MissingFactorError) as info:
        calculate(d, tiny)
    e = info.value
    assert e.path == "s/b" and e.detail["factor_id"] == "mat.nope"
    assert (e.detail["table"], e.detail["row"], e.detail["row_id"]) == ("line_tables[0]", 1, "b")


def test_table_accepts_only_its_columns():
    with pytest.raises(TableShapeError):
        dossier([], line_tables=[{"kind": "electricity", "id": ["e"], "factor": ["grid"],
                                  "quantity": [1.0], "pcf": [0.3]}])


def test_cli_accepts_a_table_dossier(tmp_path, cn):
    t = to_tables(demo_dossier())
    f = tmp_path / "d.json"
    f.write_text(t.model_dump_json(), encoding="utf-8")
    out = tmp_path / "r.json"
    assert main([str(f), "-o", str(out)]) == 0
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["total"] == approx(calculate(demo_dossier(), cn).total, rel=1e-12)
    assert res["dossier_sha256"] == dossier_sha256(t)
    assert isinstance(LineTable.model_validate(json.loads(f.read_text())["line_tables"][0]),
                      LineTable)
