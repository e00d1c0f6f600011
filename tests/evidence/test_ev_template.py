"""Submission template: generate -> fill (openpyxl) -> read back; every kind of error with its cell."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from evidence import WorkbookError, WorkbookInvalid
from evidence.template_read import read_template
from evidence.template_spec import (
    FIRST_DATA_ROW,
    LINE_SHEETS,
    LISTS_SHEET,
    PRODUCT_SHEET,
    PRODUCT_VALUE_COL,
    sheet_for,
)
from evidence.template_write import write_template
from footprint.factors import load_factor_set
from tests.evidence.ev_dossiers import flat_dossier


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _fill(template: bytes, dossier_dump: dict[str, Any]) -> openpyxl.Workbook:
    """What an exporter does in Excel, done with openpyxl from the template's own row-1 keys."""
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb[PRODUCT_SHEET]
    flat = _flatten({k: v for k, v in dossier_dump.items() if k != "lines"})
    for r in range(2, ws.max_row + 1):
        value = flat.get(ws.cell(r, 1).value)
        if value is not None:
            ws.cell(r, PRODUCT_VALUE_COL).value = getattr(value, "value", value)
    next_row: dict[str, int] = {}
    for line in dossier_dump["lines"]:
        spec = sheet_for(line["kind"])
        assert spec is not None
        sheet = wb[spec.name]
        r = next_row.get(spec.name, FIRST_DATA_ROW)
        next_row[spec.name] = r + 1
        values = _flatten(line)
        for c in range(1, sheet.max_column + 1):
            value = values.get(sheet.cell(1, c).value)
            if value is None or value == []:
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            elif isinstance(value, list):
                value = ", ".join(value)
            sheet.cell(r, c).value = getattr(value, "value", value)
    return wb


def _bytes(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _problems(data: bytes) -> list[Any]:
    with pytest.raises(WorkbookInvalid) as err:
        read_template(data)
    return list(err.value.problems)


def test_template_layout_and_dropdowns() -> None:
    data = write_template()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:3] == ["说明 Instructions", LISTS_SHEET, PRODUCT_SHEET]
    assert [s.name for s in LINE_SHEETS] == wb.sheetnames[3:]
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    fuel = wb["燃料 Fuels"]
    assert fuel.protection.sheet
    assert [fuel.cell(1, c).value for c in range(1, 4)] == ["id", "stage", "description"]
    assert fuel.cell(2, 1).protection.locked
    assert fuel.column_dimensions["A"].protection.locked is False  # data rows are open
    sources = {dv.formula1 for dv in fuel.data_validations.dataValidation}
    assert "f_fuel" in sources and "units" in sources
    fs = load_factor_set()
    lists = wb[LISTS_SHEET]
    col = next(c for c in range(1, lists.max_column + 1) if lists.cell(1, c).value == "f_fuel")
    ids = [lists.cell(r, col).value for r in range(2, lists.max_row + 1) if lists.cell(r, col).value]
    assert ids == [f for f in fs.factors if f.startswith("fuel.")]
    texts = " ".join(str(c.value) for row in wb["说明 Instructions"].iter_rows() for c in row if c.value)
    assert "如何填写" in texts and "How to fill" in texts


def test_round_trip_filled_by_openpyxl() -> None:
    dossier = flat_dossier()
    filled = _bytes(_fill(write_template(), dossier.model_dump(mode="python")))
    assert read_template(filled).model_dump() == dossier.model_dump()


def test_round_trip_prefilled_template() -> None:
    dossier = flat_dossier()
    assert read_template(write_template(dossier=dossier)).model_dump() == dossier.model_dump()


def test_each_kind_of_error_is_reported_with_its_cell() -> None:
    wb = _fill(write_template(), flat_dossier().model_dump(mode="python"))
    mat, elec, fuel = wb["原材料 Materials"], wb["电力 Electricity"], wb["燃料 Fuels"]
    mat["D4"] = "lots"            # quantity: not a number
    mat["E4"] = "kgs"             # unit: not understood
    mat["B5"] = "assembly"        # stage: not a choice
    mat["M5"] = "maybe"           # supplier_pcf.verified: not yes/no
    elec["F4"] = "elec.cn.moon"   # grid: not a factor of the set
    elec["D4"] = -5               # quantity: negative
    fuel["A4"] = "M1"             # id: duplicate of Materials row 4
    fuel["E4"] = None             # quantity: required
    wb[PRODUCT_SHEET]["D11"] = "2024-13-01"  # reference_period.start: not a date
    got = {(p.sheet, p.cell): p for p in _problems(_bytes(wb))}
    expected = {
        ("原材料 Materials", "D4"): "not_a_number",
        ("原材料 Materials", "E4"): "unknown_unit",
        ("原材料 Materials", "B5"): "unknown_choice",
        ("原材料 Materials", "M5"): "unknown_choice",
        ("电力 Electricity", "F4"): "unknown_choice",
        ("电力 Electricity", "D4"): "negative",
        ("燃料 Fuels", "A4"): "duplicate_id",
        ("燃料 Fuels", "E4"): "required",
        (PRODUCT_SHEET, "D11"): "bad_date",
    }
    assert {k: p.code for k, p in got.items()} == expected
    for p in got.values():
        assert p.message_en and p.message_zh and p.message_en != p.message_zh
    assert got[("燃料 Fuels", "A4")].column == "id"
    assert "原材料 Materials" in got[("燃料 Fuels", "A4")].message_en
    assert got[(PRODUCT_SHEET, "D11")].row == 11


def test_edited_header_is_reported() -> None:
    wb = _fill(write_template(), flat_dossier().model_dump(mode="python"))
    wb["运输 Transport"]["F1"] = "weight"
    problems = _problems(_bytes(wb))
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("运输 Transport", "F1", "wrong_header")]


def test_domain_rule_of_the_dossier_points_to_the_cell() -> None:
    wb = _fill(write_template(), flat_dossier().model_dump(mode="python"))
    wb["原材料 Materials"]["H4"] = 1.5  # recycled_content is a share 0..1
    problems = _problems(_bytes(wb))
    assert len(problems) == 1
    assert (problems[0].sheet, problems[0].cell) == ("原材料 Materials", "H4")


def test_missing_product_sheet_and_not_a_workbook() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(write_template()))
    del wb[PRODUCT_SHEET]
    problems = _problems(_bytes(wb))
    assert problems[0].code == "missing_sheet"
    with pytest.raises(WorkbookError) as err:
        read_template(b"%PDF-1.4 not a workbook")
    assert "xlsx" in err.value.message_en and "Excel" in err.value.message_zh


def test_empty_template_reports_required_product_fields() -> None:
    problems = _problems(write_template())
    assert {p.column for p in problems} >= {"product.name", "reference_period.start", "gwp_set"}
    assert all(p.sheet == PRODUCT_SHEET and p.cell.startswith("D") for p in problems)
