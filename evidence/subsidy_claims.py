"""Read a subsidy office's claims workbook: one claim per row (company USCC, certificate number,
amount, claim date). Headers may be Chinese or English, in any order; every bad cell is reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from compliance_rules.uscc import uscc_problem
from evidence.cells import Bad, as_date, as_text, blank, problem
from evidence.errors import CellProblem, WorkbookInvalid
from evidence.template_read import open_workbook

HEADERS: dict[str, tuple[str, ...]] = {
    "uscc": ("uscc", "统一社会信用代码", "社会信用代码", "unified social credit code"),
    "company": ("company", "企业名称", "公司名称", "company name"),
    "certificate_number": ("certificate_number", "证书编号", "certificate number", "certificate no."),
    "amount": ("amount", "申请金额", "补贴金额", "金额", "amount claimed"),
    "claim_date": ("claim_date", "申请日期", "claim date", "date"),
}
REQUIRED = ("uscc", "certificate_number", "amount", "claim_date")


def claim_columns(ws: Any) -> dict[str, int]:
    """Column number (1-based) of each known header in row 1 of ``ws``: Chinese or English,
    any order, a header may carry words before or after the name (the first match wins)."""
    cols: dict[str, int] = {}
    for c in range(1, ws.max_column + 1):
        head = as_text(ws.cell(1, c).value or "").lower().replace("\n", " ")
        for key, names in HEADERS.items():
            if any(head == n or head.startswith(n + " ") or head.endswith(" " + n) for n in names):
                cols.setdefault(key, c)
    return cols


@dataclass(frozen=True)
class SubsidyClaim:
    uscc: str
    certificate_number: str
    amount: Decimal
    claim_date: date
    company: str | None
    sheet: str
    row: int


def read_subsidy_claims(data: bytes) -> list[SubsidyClaim]:
    """Claims from the first sheet; ``WorkbookInvalid`` lists every problem (with its cell)."""
    wb = open_workbook(data)
    ws = wb.worksheets[0]
    problems: list[CellProblem] = []
    cols = claim_columns(ws)
    for key in REQUIRED:
        if key not in cols:
            problems.append(CellProblem(ws.title, "A1", 1, key, "wrong_header",
                                        f"No column headed '{HEADERS[key][0]}' / '{HEADERS[key][1]}'.",
                                        f"缺少列“{HEADERS[key][1]}”。"))
    if problems:
        raise WorkbookInvalid(problems)
    claims: list[SubsidyClaim] = []
    seen: dict[tuple[str, str], int] = {}
    for r in range(2, ws.max_row + 1):
        cells = {k: ws.cell(r, c).value for k, c in cols.items()}
        if all(blank(v) for v in cells.values()):
            continue
        before = len(problems)
        for key in REQUIRED:
            if blank(cells[key]):
                problems.append(problem(ws.title, r, cols[key], key, "required",
                                        f"'{HEADERS[key][0]}' is required.", f"“{HEADERS[key][1]}”为必填项。"))
        uscc = as_text(cells["uscc"] or "").upper()
        if uscc and (p := uscc_problem(uscc)) is not None:
            problems.append(problem(ws.title, r, cols["uscc"], "uscc", "bad_uscc", p.message_en, p.message_zh))
        amount = _amount(cells["amount"], ws.title, r, cols["amount"], problems)
        when: date | None = None
        if not blank(cells["claim_date"]):
            try:
                when = as_date(cells["claim_date"])
            except Bad as bad:
                problems.append(problem(ws.title, r, cols["claim_date"], "claim_date", bad.code,
                                        bad.en, bad.zh))
        cert = as_text(cells["certificate_number"] or "")
        if cert and uscc:
            if (uscc, cert) in seen:
                problems.append(problem(ws.title, r, cols["certificate_number"], "certificate_number",
                                        "duplicate_id",
                                        f"The same company and certificate were claimed on row {seen[(uscc, cert)]}.",
                                        f"同一企业和证书已在第{seen[(uscc, cert)]}行申请。"))
            seen.setdefault((uscc, cert), r)
        if len(problems) == before and amount is not None and when is not None:
            company = cells.get("company")
            claims.append(SubsidyClaim(uscc, cert, amount, when,
                                       None if blank(company) else as_text(company), ws.title, r))
    if problems:
        raise WorkbookInvalid(problems)
    return claims


def _amount(value: object, sheet: str, r: int, c: int, problems: list[CellProblem]) -> Decimal | None:
    if blank(value):
        return None
    try:
        amount = Decimal(as_text(value).replace(",", "").replace("¥", "").replace("￥", ""))
    except InvalidOperation:
        problems.append(problem(sheet, r, c, "amount", "not_a_number", f"'{value}' is not an amount",
                                f"“{value}”不是金额"))
        return None
    if not amount.is_finite() or amount <= 0:
        problems.append(problem(sheet, r, c, "amount", "not_positive",
                                f"The amount must be above zero (got {value}).", f"金额必须大于零（当前为{value}）。"))
        return None
    return amount.quantize(Decimal("0.01"))
