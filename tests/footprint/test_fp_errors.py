"""Bad dossiers fail with named errors that say which line is wrong; the CLI reports them."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from pydantic import ValidationError

from footprint import (
    Dossier,
    DuplicateLineIdError,
    FactorSetNotFoundError,
    IncompatibleUnitError,
    InvalidQuantityError,
    InvalidShareError,
    MissingFactorError,
    SubassemblyCycleError,
    UnknownGasError,
    UnknownSubassemblyError,
    UnknownUnitError,
    calculate,
    demo_dossier,
    load_factor_set,
)
from footprint.cli import main
from tests.footprint.conftest import dossier


def _sub(lines):
    return {"S": {"name": "Sub", "lines": lines}}


def _in_sub(line):
    return dossier([{"kind": "subassembly", "id": "s", "ref": "S"}], subassemblies=_sub([line]))


@pytest.mark.parametrize(("line", "error", "field"), [
    ({"kind": "material", "id": "m", "material": "mat.a", "quantity": -1}, InvalidQuantityError, "quantity"),
    ({"kind": "material", "id": "m", "material": "mat.a", "quantity": math.nan}, InvalidQuantityError, "quantity"),
    ({"kind": "transport", "id": "m", "mode": "truck", "mass": 1, "distance": math.inf},
     InvalidQuantityError, "distance"),
    ({"kind": "material", "id": "m", "material": "mat.a", "quantity": 1, "unit": "kgz"},
     UnknownUnitError, "unit"),
    ({"kind": "material", "id": "m", "quantity": 1}, MissingFactorError, "material"),
    ({"kind": "end_of_life", "id": "m", "material": "mat.a", "mass": 1,
      "cff": {"r2": 0.7, "r3": 0.5}}, InvalidShareError, "cff.r2+r3"),
    ({"kind": "material", "id": "m", "material": "mat.a", "quantity": 1,
      "dqr": {"ter": 0, "ger": 1, "tir": 1, "p": 1}}, InvalidShareError, "dqr.ter"),
])
def test_bad_line_in_subassembly_names_path(line, error, field):
    with pytest.raises(error) as info:
        _in_sub(line)
    assert info.value.path == "s/m" and info.value.line_id == "m" and info.value.field == field
    assert info.value.message_zh and "s/m" in str(info.value)


def test_missing_factor_and_incompatible_unit_at_calculation(tiny):
    with pytest.raises(MissingFactorError) as info:
        calculate(_in_sub({"kind": "material", "id": "m", "material": "nope", "quantity": 1}), tiny)
    assert info.value.path == "s/m" and info.value.detail["factor_id"] == "nope"
    with pytest.raises(IncompatibleUnitError) as info2:
        calculate(dossier([{"kind": "electricity", "id": "e", "quantity": 5, "unit": "kg",
                            "grid": "grid"}]), tiny)
    assert info2.value.path == "e" and info2.value.detail == {"unit": "kg", "expected": "kWh"}
    with pytest.raises(UnknownGasError):
        calculate(dossier([{"kind": "process_emission", "id": "g", "gas": "XYZ", "quantity": 1}]), tiny)


def test_cycle_duplicate_and_unknown_ref():
    with pytest.raises(SubassemblyCycleError) as info:
        dossier([{"kind": "subassembly", "id": "x", "ref": "A"}],
                subassemblies={"A": {"name": "A", "lines": [{"kind": "subassembly", "id": "y", "ref": "B"}]},
                               "B": {"name": "B", "lines": [{"kind": "subassembly", "id": "z", "ref": "A"}]}})
    assert info.value.path == "x/y/z" and info.value.detail["cycle"] == ["A", "B", "A"]
    with pytest.raises(DuplicateLineIdError):
        dossier([{"kind": "fuel", "id": "a", "fuel": "f", "quantity": 1}] * 2)
    with pytest.raises(UnknownSubassemblyError) as info2:
        dossier([{"kind": "subassembly", "id": "x", "ref": "nowhere"}])
    assert info2.value.detail == {"ref": "nowhere"}


def test_schema_errors_stay_pydantic():
    with pytest.raises(ValidationError):
        dossier([{"kind": "teleport", "id": "t"}])


def test_unknown_factor_set():
    with pytest.raises(FactorSetNotFoundError):
        load_factor_set("tanpass-cn", "1999.9")


def test_round_trip_json():
    d = demo_dossier()
    assert Dossier.model_validate_json(d.model_dump_json()) == d


def test_cli_ok_and_failures(tmp_path, capsys):
    good = tmp_path / "d.json"
    good.write_text(demo_dossier().model_dump_json(), encoding="utf-8")
    out = tmp_path / "r.json"
    assert main([str(good), "-o", str(out), "--monte-carlo", "200"]) == 0
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["factor_set_id"] == "tanpass-cn" and res["uncertainty"]["draws"] == 200

    bad = json.loads(good.read_text(encoding="utf-8"))
    bad["lines"][0]["quantity"] = -3
    badf = tmp_path / "bad.json"
    badf.write_text(json.dumps(bad), encoding="utf-8")
    out2 = tmp_path / "r2.json"
    assert main([str(badf), "-o", str(out2)]) == 4
    err = json.loads(capsys.readouterr().err)
    assert err["error"] == "InvalidQuantityError" and err["line_id"] == "enclosure-pc"
    assert not out2.exists()

    (tmp_path / "x.json").write_text("{not json", encoding="utf-8")
    assert main([str(tmp_path / "x.json")]) == 3
    assert json.loads(capsys.readouterr().err)["error"] == "JSONDecodeError"
    bad["lines"][0] = {"kind": "material", "id": "enclosure-pc", "material": "material.unobtainium",
                       "quantity": 1}
    badf.write_text(json.dumps(bad), encoding="utf-8")
    assert main([str(badf)]) == 5
    assert json.loads(capsys.readouterr().err)["detail"]["factor_id"] == "material.unobtainium"


def test_cli_as_module(tmp_path):
    f = tmp_path / "d.json"
    f.write_text(demo_dossier().model_dump_json(), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "footprint.cli", str(f)], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["product"] == "Smart electricity meter DDZY-1"
