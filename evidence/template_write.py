"""Write the xlsx submission template (xlsxwriter): bilingual instructions, protected headers,
drop-downs for stages, units and factor ids from the factor set; optionally prefilled."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from evidence.template_spec import (
    FIRST_DATA_ROW,
    INSTRUCTIONS,
    INSTRUCTIONS_SHEET,
    LINE_SHEETS,
    LISTS_SHEET,
    PRODUCT_FIELDS,
    PRODUCT_SHEET,
    PRODUCT_VALUE_COL,
    TEMPLATE_VERSION,
    UNITS,
    Col,
)
from footprint.factors import FactorSet, load_factor_set
from footprint.model import Dossier

DATA_ROWS = 500
"""Rows per line sheet that carry validations and are unlocked."""


def write_template(factor_set: FactorSet | None = None, dossier: Dossier | None = None) -> bytes:
    """The submission workbook as bytes; with ``dossier``, its product and lines are filled in."""
    fs = factor_set or load_factor_set()
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"title": "Tanpass submission template", "subject": "carbon footprint",
                       "comments": f"template v{TEMPLATE_VERSION}; factor set {fs.id}@{fs.version}"})
    wb.set_custom_property("tanpass_template_version", TEMPLATE_VERSION)
    wb.set_custom_property("tanpass_factor_set", f"{fs.id}@{fs.version}")
    fmt = _formats(wb)
    _instructions(wb, fmt, fs)
    _lists(wb, fs)
    _product(wb, fmt, dossier)
    flat = _flat_lines(dossier)
    for spec in LINE_SHEETS:
        ws = wb.add_worksheet(spec.name)
        for c, col in enumerate(spec.cols):
            star = " *" if col.required else ""
            ws.write(0, c, col.key, fmt["key"])
            ws.write(1, c, col.zh + star, fmt["head"])
            ws.write(2, c, col.en + star, fmt["head"])
            ws.set_column(c, c, col.width, fmt["date" if col.type == "date" else "open"])
            _validate(ws, col, c, FIRST_DATA_ROW - 1, FIRST_DATA_ROW - 2 + DATA_ROWS)
        ws.freeze_panes(FIRST_DATA_ROW - 1, 1)
        ws.protect("", {"format_columns": True, "insert_rows": True, "delete_rows": True,
                        "sort": True, "autofilter": True})
        for r, line in enumerate(x for x in flat if x["kind"] == spec.kind):
            for c, col in enumerate(spec.cols):
                _put(ws, FIRST_DATA_ROW - 1 + r, c, col, line.get(col.key), fmt)
    wb.close()
    return buf.getvalue()


def _formats(wb: xlsxwriter.Workbook) -> dict[str, Any]:
    return {
        "key": wb.add_format({"locked": True, "font_color": "#7f7f7f", "font_size": 8,
                              "bg_color": "#f2f2f2"}),
        "head": wb.add_format({"locked": True, "bold": True, "bg_color": "#dbeed3",
                               "text_wrap": True, "valign": "top", "border": 1}),
        "open": wb.add_format({"locked": False}),
        "date": wb.add_format({"locked": False, "num_format": "yyyy-mm-dd"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
    }


def _instructions(wb: xlsxwriter.Workbook, fmt: dict[str, Any], fs: FactorSet) -> None:
    ws = wb.add_worksheet(INSTRUCTIONS_SHEET)
    ws.set_column(0, 1, 70, fmt["wrap"])
    ws.write(0, 0, INSTRUCTIONS[0][0], fmt["title"])
    ws.write(0, 1, INSTRUCTIONS[0][1], fmt["title"])
    for r, (zh, en) in enumerate(INSTRUCTIONS[1:], start=2):
        ws.write(r, 0, zh)
        ws.write(r, 1, en)
    r = len(INSTRUCTIONS) + 2
    ws.write(r, 0, f"排放因子集：{fs.id}@{fs.version}")
    ws.write(r, 1, f"Factor set: {fs.id}@{fs.version} (published {fs.published})")
    ws.protect()


def _lists(wb: xlsxwriter.Workbook, fs: FactorSet) -> None:
    """A hidden sheet holding the drop-down lists, each as a defined name."""
    ws = wb.add_worksheet(LISTS_SHEET)
    groups: dict[str, list[str]] = {"units": list(UNITS)}
    for spec in LINE_SHEETS:
        for col in spec.cols:
            if col.factor_prefix:
                groups[_list_name(col.factor_prefix)] = [
                    fid for fid in fs.factors if fid.startswith(col.factor_prefix)
                ]
    for c, (name, items) in enumerate(groups.items()):
        ws.write(0, c, name)
        for r, item in enumerate(items, start=1):
            ws.write(r, c, item)
        letter = xl_col_to_name(c)
        wb.define_name(name, f"='{LISTS_SHEET}'!${letter}$2:${letter}${max(len(items), 1) + 1}")
    ws.hide()
    ws.protect()


def _list_name(prefix: str) -> str:
    return "f_" + prefix.strip(".").replace(".", "_")


def _validate(ws: Any, col: Col, c: int, first: int, last: int) -> None:
    title = col.en[:32]
    if col.type in {"stage", "choice", "bool"}:
        ws.data_validation(first, c, last, c, {
            "validate": "list", "source": list(col.choices), "error_title": title,
            "error_message": f"请从列表中选择 / Choose from the list: {', '.join(col.choices)}"[:255]})
    elif col.type == "unit":
        ws.data_validation(first, c, last, c, {
            "validate": "list", "source": "=units", "error_type": "warning",
            "error_title": title, "error_message": "不常用的单位 / Unusual unit: check it."})
    elif col.type == "factor" and col.factor_prefix:
        ws.data_validation(first, c, last, c, {
            "validate": "list", "source": f"={_list_name(col.factor_prefix)}",
            "error_title": title,
            "error_message": "请选择因子集中的因子 / Choose a factor id of the factor set."})
    elif col.type == "float":
        ws.data_validation(first, c, last, c, {
            "validate": "decimal", "criteria": ">=", "value": 0, "error_title": title,
            "error_message": "请输入非负数字 / Enter a number, zero or more."})


def _put(ws: Any, r: int, c: int, col: Col, value: Any, fmt: dict[str, Any]) -> None:
    if value is None or value == "" or value == []:
        return
    if col.type == "bool":
        ws.write_string(r, c, "yes" if value else "no", fmt["open"])
    elif col.type == "list":
        ws.write_string(r, c, ", ".join(value), fmt["open"])
    elif col.type == "date" and isinstance(value, date):
        ws.write_datetime(r, c, value, fmt["date"])
    elif col.type == "float":
        ws.write_number(r, c, float(value), fmt["open"])
    else:
        ws.write_string(r, c, str(getattr(value, "value", value)), fmt["open"])


def _product(wb: xlsxwriter.Workbook, fmt: dict[str, Any], dossier: Dossier | None) -> None:
    ws = wb.add_worksheet(PRODUCT_SHEET)
    ws.set_column(0, 0, 26, fmt["key"])
    ws.set_column(1, 2, 28)
    ws.set_column(PRODUCT_VALUE_COL - 1, PRODUCT_VALUE_COL - 1, 36, fmt["open"])
    for c, text in enumerate(("key", "字段", "Field", "值 Value")):
        ws.write(0, c, text, fmt["head"])
    flat = _flatten(dossier.model_dump(mode="python")) if dossier else {}
    for r, col in enumerate(PRODUCT_FIELDS, start=1):
        star = " *" if col.required else ""
        ws.write(r, 0, col.key, fmt["key"])
        ws.write(r, 1, col.zh + star, fmt["head"])
        ws.write(r, 2, col.en + star, fmt["head"])
        vc = PRODUCT_VALUE_COL - 1
        _validate(ws, col, vc, r, r)
        if col.type == "date":
            ws.write_blank(r, vc, None, fmt["date"])
        _put(ws, r, vc, col, flat.get(col.key), fmt)
    ws.protect()


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and k not in {"regime_data", "subassemblies"}:
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _flat_lines(dossier: Dossier | None) -> list[dict[str, Any]]:
    if dossier is None:
        return []
    return [_flatten(line.model_dump(mode="python")) for line in dossier.lines]
