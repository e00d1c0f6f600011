"""The columnar line view: same lines, same JSON, round trips, and shared definitions."""

from __future__ import annotations

import json

import pytest

from footprint import FootprintResult, LineResult, calculate, demo_dossier
from footprint.result import LineTable
from tests.footprint.conftest import dossier

approx = pytest.approx


def test_lines_behave_as_a_sequence_of_line_results(cn):
    r = calculate(demo_dossier(), cn)
    lines = r.lines
    assert isinstance(lines, LineTable) and len(lines) == 16
    assert all(isinstance(ln, LineResult) for ln in lines)
    assert lines[-1] is lines[len(lines) - 1] and lines[0] is next(iter(lines))
    assert [ln.path for ln in lines[4:7]] == ["pcba/bare-pcb", "pcba/components", "pcba/lcd/lcd-module"]
    assert sum(ln.kg_co2e for ln in lines) == approx(r.total)
    assert lines.to_dicts() == [ln.model_dump() for ln in lines]
    assert lines == list(lines) and lines.to_dicts()[0]["line_id"] == "enclosure-pc"


def test_json_round_trip_keeps_every_line(cn):
    r = calculate(demo_dossier(), cn, monte_carlo_draws=100, seed=1)
    text = r.model_dump_json()
    back = FootprintResult.model_validate_json(text)
    assert back.model_dump_json() == text
    assert back == r and back.lines == r.lines
    again = FootprintResult.model_validate(r.model_dump(mode="json"))
    assert again.lines[3] == r.lines[3]
    assert json.loads(text)["lines"][3] == r.lines[3].model_dump(mode="json")
    # a copy keeps the table; a schema for the API is still generated from LineResult
    assert r.model_copy(deep=True).lines == r.lines
    schema = FootprintResult.model_json_schema(mode="serialization")
    assert "kg_co2e" in json.dumps(schema)


def test_result_from_a_plain_list_of_lines(cn):
    r = calculate(demo_dossier(), cn)
    data = r.model_dump()
    data["lines"] = list(r.lines)
    built = FootprintResult(**data)
    assert isinstance(built.lines, LineTable) and built.lines == r.lines


def test_shared_definition_is_expanded_per_use_with_its_own_scale(tiny):
    # one definition used twice with different quantities and a stage override: each use
    # is its own tree node and its own lines; factor errors name the first use's path
    d = dossier(
        [{"kind": "subassembly", "id": "u1", "ref": "S", "quantity": 2},
         {"kind": "material", "id": "own", "material": "mat.a", "quantity": 1},
         {"kind": "subassembly", "id": "u2", "ref": "S", "quantity": 5, "stage": "use"}],
        subassemblies={"S": {"name": "Shared", "reference_flow": 2, "lines": [
            {"kind": "material", "id": "m", "material": "mat.a", "quantity": 1},
            {"kind": "electricity", "id": "e", "quantity": 4, "grid": "grid"}]}},
    )
    r = calculate(d, tiny)
    assert [ln.path for ln in r.lines] == ["u1/m", "u1/e", "own", "u2/m", "u2/e"]
    assert [ln.kg_co2e for ln in r.lines] == approx([2.0, 2.0, 2.0, 5.0, 5.0])
    assert [ln.stage for ln in r.lines] == ["raw_material", "production", "raw_material", "use", "use"]
    assert [c.total for c in r.tree.children] == approx([4.0, 10.0])
    assert r.tree.children[1].lines == [3, 4] and r.tree.lines == [2]


def test_error_in_shared_definition_names_first_use(tiny):
    from footprint import MissingFactorError

    d = dossier(
        [{"kind": "material", "id": "ok", "material": "mat.a", "quantity": 1},
         {"kind": "subassembly", "id": "u1", "ref": "S"},
         {"kind": "material", "id": "bad", "material": "nope", "quantity": 1},
         {"kind": "subassembly", "id": "u2", "ref": "S"}],
        subassemblies={"S": {"name": "Shared", "lines": [
            {"kind": "material", "id": "m", "material": "mat.a", "quantity": 1},
            {"kind": "material", "id": "x", "material": "gone", "quantity": 1}]}},
    )
    with pytest.raises(MissingFactorError) as info:
        calculate(d, tiny)
    assert info.value.path == "u1/x" and info.value.detail["factor_id"] == "gone"
