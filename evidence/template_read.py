"""Read a filled submission template (openpyxl) into a ``Dossier``.

Every problem is collected with its sheet, A1 cell, row and column, in Chinese and English,
then raised together as ``WorkbookInvalid``; nothing is silently dropped.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from evidence.cells import (
    Bad,
    as_bool,
    as_choice,
    as_date,
    as_float,
    as_list,
    as_text,
    blank,
    problem,
)
from evidence.errors import CellProblem, WorkbookError, WorkbookInvalid
from evidence.template_spec import (
    FIRST_DATA_ROW,
    LINE_SHEETS,
    PRODUCT_FIELDS,
    PRODUCT_SHEET,
    PRODUCT_VALUE_COL,
    Col,
    SheetSpec,
)
from footprint.errors import FootprintError, UnknownUnitError
from footprint.factors import FactorSet, load_factor_set
from footprint.model import Dossier
from footprint.units import parse_unit

Where = tuple[str, int, dict[str, int]]  # sheet, row, key -> column number


def open_workbook(data: bytes) -> Any:
    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise WorkbookError(
            f"The file is not an Excel workbook (.xlsx) ({type(exc).__name__}).",
            "该文件不是Excel工作簿（.xlsx）。",
        ) from exc


def read_template(data: bytes, factor_set: FactorSet | None = None) -> Dossier:
    """The dossier in a filled template; ``WorkbookInvalid`` lists every problem found."""
    fs = factor_set or load_factor_set()
    wb = open_workbook(data)
    problems: list[CellProblem] = []
    head = _read_product(wb, problems)
    lines: list[dict[str, Any]] = []
    where: dict[str, Where] = {}
    for spec in LINE_SHEETS:
        if spec.name in wb.sheetnames:
            _read_lines(wb[spec.name], spec, fs, lines, where, problems)
    if problems:
        raise WorkbookInvalid(problems)
    try:
        return Dossier.model_validate({**head, "lines": lines})
    except FootprintError as err:
        raise WorkbookInvalid([_from_domain(err, where)]) from err
    except ValidationError as err:
        raise WorkbookInvalid([_from_pydantic(e, lines, where) for e in err.errors()]) from err


def _read_product(wb: Any, problems: list[CellProblem]) -> dict[str, Any]:
    if PRODUCT_SHEET not in wb.sheetnames:
        problems.append(CellProblem(PRODUCT_SHEET, "A1", 1, "sheet", "missing_sheet",
                                    f"The sheet '{PRODUCT_SHEET}' is missing.",
                                    f"缺少工作表“{PRODUCT_SHEET}”。"))
        return {}
    ws = wb[PRODUCT_SHEET]
    rows = {as_text(ws.cell(r, 1).value): r for r in range(2, ws.max_row + 1)
            if not blank(ws.cell(r, 1).value)}
    out: dict[str, Any] = {}
    for col in PRODUCT_FIELDS:
        r = rows.get(col.key)
        if r is None:
            problems.append(CellProblem(PRODUCT_SHEET, "A1", 1, col.key, "wrong_header",
                                        f"The row for '{col.key}' is missing.",
                                        f"缺少字段“{col.key}”所在的行。"))
            continue
        value = _cell(ws, r, PRODUCT_VALUE_COL, col, None, problems)
        if value is not None:
            _assign(out, col.key, value)
    return out


def _read_lines(
    ws: Worksheet, spec: SheetSpec, fs: FactorSet, lines: list[dict[str, Any]],
    where: dict[str, Where], problems: list[CellProblem],
) -> None:
    cols = {col.key: c for c, col in enumerate(spec.cols, start=1)}
    for col in spec.cols:
        c = cols[col.key]
        found = ws.cell(1, c).value
        if as_text(found or "") != col.key:
            problems.append(problem(ws.title, 1, c, col.key, "wrong_header",
                                    f"Header '{found}' should be '{col.key}'; do not edit row 1.",
                                    f"表头“{found}”应为“{col.key}”，请勿修改第1行。"))
    if any(p.sheet == ws.title and p.code == "wrong_header" for p in problems):
        return
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        if all(blank(ws.cell(r, c).value) for c in cols.values()):
            continue
        line: dict[str, Any] = {"kind": spec.kind}
        for col in spec.cols:
            value = _cell(ws, r, cols[col.key], col, fs, problems)
            if value is not None:
                _assign(line, col.key, value)
        line_id = line.get("id")
        if isinstance(line_id, str):
            if line_id in where:
                first_sheet, first_row, _ = where[line_id]
                problems.append(problem(
                    ws.title, r, cols["id"], "id", "duplicate_id",
                    f"Line id '{line_id}' is already used at {first_sheet} row {first_row}.",
                    f"行编号“{line_id}”已在“{first_sheet}”第{first_row}行使用。"))
            else:
                where[line_id] = (ws.title, r, cols)
        lines.append(line)


def _cell(
    ws: Worksheet, r: int, c: int, col: Col, fs: FactorSet | None, problems: list[CellProblem]
) -> Any:
    raw = ws.cell(r, c).value
    if blank(raw):
        if col.required:
            problems.append(problem(ws.title, r, c, col.key, "required",
                                    f"'{col.en}' is required.", f"“{col.zh}”为必填项。"))
        return None
    try:
        return _parse(raw, col, fs)
    except Bad as bad:
        problems.append(problem(ws.title, r, c, col.key, bad.code, f"{col.en}: {bad.en}",
                                f"{col.zh}：{bad.zh}"))
        return None


def _parse(raw: Any, col: Col, fs: FactorSet | None) -> Any:
    if col.type == "float":
        return as_float(raw)
    if col.type == "bool":
        return as_bool(raw)
    if col.type == "date":
        return as_date(raw)
    if col.type in {"stage", "choice"}:
        return as_choice(raw, col.choices)
    if col.type == "list":
        return as_list(raw)
    if col.type == "factor" and fs is not None:
        ids = [fid for fid in fs.factors if fid.startswith(col.factor_prefix or "")]
        text = as_text(raw)
        if text not in fs.factors:
            raise Bad("unknown_choice",
                      f"'{text}' is not a factor of set {fs.id}@{fs.version}",
                      f"“{text}”不是因子集 {fs.id}@{fs.version} 中的因子") from None
        return as_choice(text, ids)
    if col.type == "unit":
        text = as_text(raw)
        try:
            parse_unit(text)
        except UnknownUnitError:
            raise Bad("unknown_unit", f"unit '{text}' is not understood",
                      f"单位“{text}”无法识别") from None
        return text
    return as_text(raw)


def _assign(target: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for p in parents:
        target = target.setdefault(p, {})
    target[last] = value


def _from_domain(err: FootprintError, where: dict[str, Where]) -> CellProblem:
    located = where.get(err.line_id or "")
    field = err.field or "id"
    if located is None:
        return CellProblem(PRODUCT_SHEET, "D1", 1, field, "invalid", str(err), err.message_zh)
    sheet, row, cols = located
    c = cols.get(field) or cols.get(field.split(".")[0]) or cols["id"]
    return problem(sheet, row, c, field, "invalid", err.reason or str(err), err.message_zh or str(err))


def _from_pydantic(e: Any, lines: list[dict[str, Any]], where: dict[str, Where]) -> CellProblem:
    loc = [str(x) for x in e["loc"]]
    msg = e["msg"]
    if len(loc) >= 2 and loc[0] == "lines" and loc[1].isdigit():
        line = lines[int(loc[1])]
        located = where.get(str(line.get("id")))
        if located is not None:
            sheet, row, cols = located
            keys = loc[3:] if len(loc) > 3 else ["id"]
            key = ".".join(keys)
            c = cols.get(key) or cols.get(keys[0]) or cols["id"]
            return problem(sheet, row, c, key, "invalid", msg, f"数据无效：{msg}")
    key = ".".join(loc)
    return CellProblem(PRODUCT_SHEET, "D1", 1, key, "invalid", f"{key}: {msg}", f"{key}：数据无效（{msg}）")
