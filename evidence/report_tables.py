"""Workbooks built from plain rows (mappings): the exporter portfolio, subsidy batch results and
the verifier's working papers. Each function returns xlsx bytes."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import xlsxwriter

from footprint.result import FootprintResult

PORTFOLIO = "组合 Portfolio"
MATRIX = "矩阵 Matrix"
RESULTS = "结果 Results"
TOTALS = "汇总 Summary"
PAPERS = "底稿 Lines"
FINDINGS = "发现 Findings"

Row = Mapping[str, Any]

PORTFOLIO_COLUMNS = (
    ("product", "产品", "Product"), ("model", "型号", "Model"), ("regime", "法规/制度", "Regime"),
    ("status", "状态", "Status"), ("deadline", "截止日期", "Deadline"),
    ("certificate_number", "证书编号", "Certificate no."), ("note", "备注", "Note"),
)
SUBSIDY_COLUMNS = (
    ("uscc", "统一社会信用代码", "USCC"), ("company", "企业名称", "Company"),
    ("certificate_number", "证书编号", "Certificate no."), ("amount", "申请金额", "Amount claimed"),
    ("claim_date", "申请日期", "Claim date"), ("status", "结果", "Result"),
    ("approved_amount", "核定金额", "Amount approved"), ("reasons", "原因", "Reasons"),
)
PAPER_COLUMNS = (
    ("line_id", "行编号", "Line id"), ("path", "路径", "Path"), ("stage", "阶段", "Stage"),
    ("description", "说明", "Description"), ("quantity", "数量", "Quantity"), ("unit", "单位", "Unit"),
    ("factor_id", "排放因子", "Factor"), ("factor_source", "因子来源", "Factor source"),
    ("kg_co2e", "kg CO2e/功能单位", "kg CO2e per FU"), ("share", "占比", "Share of total"),
    ("evidence", "证据(文件:页)", "Evidence (file:page)"), ("checked", "已核查", "Checked"),
    ("note", "核查记录", "Verifier note"),
)
FINDING_COLUMNS = (
    ("id", "编号", "Id"), ("line_id", "行编号", "Line id"), ("severity", "严重程度", "Severity"),
    ("description", "描述", "Description"), ("status", "状态", "Status"), ("due", "整改期限", "Due"),
)


def _book() -> tuple[io.BytesIO, Any, dict[str, Any]]:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    fmt = {
        "head": wb.add_format({"bold": True, "bg_color": "#dbeed3", "border": 1, "text_wrap": True}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "money": wb.add_format({"num_format": "#,##0.00"}),
        "pct": wb.add_format({"num_format": "0.0%"}),
        "soon": wb.add_format({"bg_color": "#ffe699"}),
        "late": wb.add_format({"bg_color": "#f4b6b6"}),
    }
    return buf, wb, fmt


def _cell(ws: Any, r: int, c: int, value: Any, fmt: dict[str, Any], money: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_string(r, c, "yes" if value else "no")
    elif isinstance(value, date):
        ws.write_datetime(r, c, value, fmt["date"])
    elif isinstance(value, int | float) or type(value).__name__ == "Decimal":
        ws.write_number(r, c, float(value), fmt["money"] if money else None)
    elif isinstance(value, list | tuple):
        ws.write_string(r, c, "; ".join(str(v) for v in value))
    else:
        ws.write_string(r, c, str(value))


def _table(ws: Any, cols: Sequence[tuple[str, str, str]], rows: Sequence[Row],
           fmt: dict[str, Any], money: frozenset[str] = frozenset()) -> None:
    for c, (_, zh, en) in enumerate(cols):
        ws.write(0, c, f"{zh}\n{en}", fmt["head"])
        ws.set_column(c, c, 18)
    for r, row in enumerate(rows, start=1):
        for c, (key, *_rest) in enumerate(cols):
            _cell(ws, r, c, row.get(key), fmt, key in money)
    ws.autofilter(0, 0, max(len(rows), 1), len(cols) - 1)
    ws.freeze_panes(1, 0)


def portfolio_workbook(rows: Sequence[Row], *, as_of: date, warn_days: int = 30) -> bytes:
    """Products x regimes x status x deadlines. Rows: product, model, regime, status,
    deadline (date or None), certificate_number, note. Deadlines within ``warn_days`` of
    ``as_of`` are shaded yellow, past ones red."""
    buf, wb, fmt = _book()
    ws = wb.add_worksheet(PORTFOLIO)
    _table(ws, PORTFOLIO_COLUMNS, rows, fmt)
    if rows:
        dl = [k for k, *_ in PORTFOLIO_COLUMNS].index("deadline")
        last = len(rows)
        ws.conditional_format(1, dl, last, dl, {"type": "date", "criteria": "less than",
                                                "value": as_of, "format": fmt["late"]})
        ws.conditional_format(1, dl, last, dl, {"type": "date", "criteria": "between",
                                                "minimum": as_of,
                                                "maximum": date.fromordinal(as_of.toordinal() + warn_days),
                                                "format": fmt["soon"]})
    m = wb.add_worksheet(MATRIX)
    products = list(dict.fromkeys((str(r["product"]), str(r.get("model") or "")) for r in rows))
    regimes = list(dict.fromkeys(str(r["regime"]) for r in rows))
    m.write(0, 0, "产品 Product", fmt["head"])
    m.write(0, 1, "型号 Model", fmt["head"])
    m.set_column(0, 1 + len(regimes), 18)
    for c, regime in enumerate(regimes, start=2):
        m.write(0, c, regime, fmt["head"])
    cell = {(str(r["product"]), str(r.get("model") or ""), str(r["regime"])): r for r in rows}
    for i, (product, model) in enumerate(products, start=1):
        m.write(i, 0, product)
        m.write(i, 1, model)
        for c, regime in enumerate(regimes, start=2):
            row = cell.get((product, model, regime))
            if row is not None:
                m.write(i, c, str(row["status"]))
    wb.close()
    return buf.getvalue()


def subsidy_results_workbook(rows: Sequence[Row]) -> bytes:
    """Batch check results. Rows: uscc, company, certificate_number, amount, claim_date,
    status (e.g. "approved" / "rejected"), approved_amount, reasons (list of str)."""
    buf, wb, fmt = _book()
    ws = wb.add_worksheet(RESULTS)
    _table(ws, SUBSIDY_COLUMNS, rows, fmt, money=frozenset({"amount", "approved_amount"}))
    s = wb.add_worksheet(TOTALS)
    s.set_column(0, 1, 26)
    statuses = sorted({str(r.get("status")) for r in rows})
    s.write_row(0, 0, ["结果 Result", "件数 Claims", "申请金额 Claimed", "核定金额 Approved"], fmt["head"])
    for i, status in enumerate(statuses, start=1):
        mine = [r for r in rows if str(r.get("status")) == status]
        s.write(i, 0, status)
        s.write_number(i, 1, len(mine))
        s.write_number(i, 2, float(sum(float(r.get("amount") or 0) for r in mine)), fmt["money"])
        s.write_number(i, 3, float(sum(float(r.get("approved_amount") or 0) for r in mine)),
                       fmt["money"])
    n = len(statuses) + 1
    s.write(n, 0, "合计 Total")
    s.write_number(n, 1, len(rows))
    s.write_number(n, 2, float(sum(float(r.get("amount") or 0) for r in rows)), fmt["money"])
    s.write_number(n, 3, float(sum(float(r.get("approved_amount") or 0) for r in rows)), fmt["money"])
    wb.close()
    return buf.getvalue()


def working_papers_workbook(
    result: FootprintResult,
    *,
    evidence: Mapping[str, Sequence[str]] | None = None,
    checked: Mapping[str, bool] | None = None,
    notes: Mapping[str, str] | None = None,
    findings: Sequence[Row] = (),
) -> bytes:
    """The verifier's working papers: every line of the result with its evidence references
    (e.g. ``"<sha256[:12]>:p2"``), a checked flag (drop-down yes/no), a note; and the findings.
    Keys of the mappings are line paths (``LineResult.path``)."""
    evidence, checked, notes = evidence or {}, checked or {}, notes or {}
    buf, wb, fmt = _book()
    ws = wb.add_worksheet(PAPERS)
    rows = [
        {**line.model_dump(), "share": line.kg_co2e / result.total if result.total else 0.0,
         "evidence": list(evidence.get(line.path, ())), "checked": checked.get(line.path, False),
         "note": notes.get(line.path)}
        for line in result.lines
    ]
    _table(ws, PAPER_COLUMNS, rows, fmt)
    share = [k for k, *_ in PAPER_COLUMNS].index("share")
    flag = [k for k, *_ in PAPER_COLUMNS].index("checked")
    ws.set_column(share, share, 10, fmt["pct"])
    if rows:
        ws.data_validation(1, flag, len(rows), flag, {"validate": "list", "source": ["yes", "no"]})
    f = wb.add_worksheet(FINDINGS)
    _table(f, FINDING_COLUMNS, findings, fmt)
    wb.close()
    return buf.getvalue()
