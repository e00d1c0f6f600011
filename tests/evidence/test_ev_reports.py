"""Each report opens with openpyxl, with the expected sheets and the calculation's numbers."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from evidence import WorkbookInvalid
from evidence.report_footprint import LINES, STAGES, SUMMARY, UNCERTAINTY, footprint_workbook
from evidence.report_tables import (
    FINDINGS,
    MATRIX,
    PAPERS,
    PORTFOLIO,
    RESULTS,
    TOTALS,
    portfolio_workbook,
    subsidy_results_workbook,
    working_papers_workbook,
)
from evidence.subsidy_claims import read_subsidy_claims
from footprint import calculate, demo_dossier


def same(a: float, b: float) -> bool:
    """Equal as Excel stores it: xlsxwriter writes 16 significant digits (one ulp may go)."""
    return a == pytest.approx(b, rel=1e-15, abs=1e-300)


def _open(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data), data_only=True)


@pytest.fixture(scope="module")
def result() -> Any:
    return calculate(demo_dossier(), monte_carlo_draws=200, seed=7)


def _column(ws: Any, header_en: str) -> int:
    for c in range(1, ws.max_column + 1):
        if header_en in str(ws.cell(1, c).value):
            return c
    raise AssertionError(header_en)


def test_footprint_workbook_numbers_equal_the_calculation(result: Any) -> None:
    wb = _open(footprint_workbook(result))
    assert wb.sheetnames == [SUMMARY, STAGES, LINES, "数据质量 DQR", UNCERTAINTY]
    summary = {ws_row[1].value: ws_row[2].value for ws_row in wb[SUMMARY].iter_rows(min_row=3)
               if ws_row[1].value}
    assert same(summary["Total (kg CO2e per FU)"], result.total)
    assert same(summary["Fossil"], result.fossil)
    assert summary["Dossier SHA-256"] == result.dossier_sha256
    for gas, value in result.per_gas.items():
        assert same(summary[gas], value)
    stages = {row[1].value: row[2].value for row in wb[STAGES].iter_rows(min_row=2) if row[1].value}
    assert sum(stages.values()) == pytest.approx(result.total)
    assert len(stages) == len(result.per_stage)
    assert len(wb[STAGES]._charts) == 1
    lines = wb[LINES]
    kg = _column(lines, "kg CO2e per FU")
    src = _column(lines, "Factor source")
    ids = _column(lines, "Line id")
    assert lines.max_row - 1 == len(result.lines)
    for r, line in enumerate(result.lines, start=2):
        assert lines.cell(r, ids).value == line.line_id
        assert same(lines.cell(r, kg).value, line.kg_co2e)
        assert lines.cell(r, src).value == line.factor_source
    u = {row[1].value: row[2].value for row in wb[UNCERTAINTY].iter_rows() if row[1].value}
    assert same(u["Mean (kg CO2e)"], result.uncertainty.mean)
    assert same(u["97.5th percentile"], result.uncertainty.p97_5)


def test_footprint_workbook_without_uncertainty() -> None:
    res = calculate(demo_dossier())
    assert UNCERTAINTY not in _open(footprint_workbook(res)).sheetnames


def test_portfolio_workbook() -> None:
    rows = [
        {"product": "LFP pack", "model": "LF-280", "regime": "eu_battery", "status": "valid",
         "deadline": date(2025, 2, 18), "certificate_number": "TP-2025-0001"},
        {"product": "LFP pack", "model": "LF-280", "regime": "cn_label", "status": "under_review",
         "deadline": date(2025, 7, 1)},
        {"product": "Steel rebar", "model": "HRB400", "regime": "cbam", "status": "draft",
         "deadline": None},
    ]
    wb = _open(portfolio_workbook(rows, as_of=date(2025, 1, 31)))
    assert wb.sheetnames == [PORTFOLIO, MATRIX]
    ws = wb[PORTFOLIO]
    assert ws.cell(2, 5).value.date() == date(2025, 2, 18)
    assert ws.cell(4, 3).value == "cbam" and ws.cell(4, 5).value is None
    assert sum(len(cf.rules) for cf in ws.conditional_formatting) == 2
    m = wb[MATRIX]
    header = [c.value for c in m[1]]
    assert header == ["产品 Product", "型号 Model", "eu_battery", "cn_label", "cbam"]
    assert [c.value for c in m[2]] == ["LFP pack", "LF-280", "valid", "under_review", None]
    assert [c.value for c in m[3]] == ["Steel rebar", "HRB400", None, None, "draft"]


def test_subsidy_results_workbook() -> None:
    rows = [
        {"uscc": "91350100M000100Y43", "company": "A", "certificate_number": "TP-1",
         "amount": Decimal("50000.00"), "claim_date": date(2025, 3, 1), "status": "approved",
         "approved_amount": Decimal("50000.00"), "reasons": []},
        {"uscc": "91512081MA62K0260E", "company": "B", "certificate_number": "TP-2",
         "amount": Decimal("20000.50"), "claim_date": date(2025, 3, 2), "status": "rejected",
         "approved_amount": Decimal("0"), "reasons": ["certificate revoked", "证书已撤销"]},
    ]
    wb = _open(subsidy_results_workbook(rows))
    assert wb.sheetnames == [RESULTS, TOTALS]
    res = wb[RESULTS]
    assert res.cell(3, 4).value == 20000.5 and res.cell(3, 8).value == "certificate revoked; 证书已撤销"
    totals = {row[0].value: [c.value for c in row[1:]] for row in wb[TOTALS].iter_rows(min_row=2)}
    assert totals["approved"] == [1, 50000.0, 50000.0]
    assert totals["合计 Total"] == [2, 70000.5, 50000.0]


def test_working_papers(result: Any) -> None:
    first = result.lines[0]
    findings = [{"id": "F-1", "line_id": first.line_id, "severity": "minor",
                 "description": "bill for March missing", "status": "open", "due": date(2025, 5, 1)}]
    data = working_papers_workbook(result, evidence={first.path: ["ab12cd34ef56:p2"]},
                                   checked={first.path: True}, notes={first.path: "matches bill"},
                                   findings=findings)
    wb = _open(data)
    assert wb.sheetnames == [PAPERS, FINDINGS]
    ws = wb[PAPERS]
    assert ws.max_row - 1 == len(result.lines)
    assert ws.cell(2, _column(ws, "Line id")).value == first.line_id
    assert ws.cell(2, _column(ws, "Evidence")).value == "ab12cd34ef56:p2"
    assert ws.cell(2, _column(ws, "Checked")).value == "yes"
    assert ws.cell(3, _column(ws, "Checked")).value == "no"
    kg = _column(ws, "kg CO2e per FU")
    assert sum(ws.cell(r, kg).value for r in range(2, ws.max_row + 1)) == pytest.approx(result.total)
    assert wb[FINDINGS].cell(2, 1).value == "F-1"


def _claims_book(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header or ["统一社会信用代码\nUSCC", "企业名称", "证书编号", "申请金额", "申请日期"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_read_subsidy_claims() -> None:
    data = _claims_book([
        ["91350100M000100Y43", "福州示例", "TP-2025-0001", 50000, date(2025, 3, 1)],
        ["91512081ma62k0260e", None, "TP-2025-0002", "12,000.50", "2025-03-02"],
        [None, None, None, None, None],
    ])
    claims = read_subsidy_claims(data)
    assert [(c.uscc, c.certificate_number, c.amount, c.claim_date, c.row) for c in claims] == [
        ("91350100M000100Y43", "TP-2025-0001", Decimal("50000.00"), date(2025, 3, 1), 2),
        ("91512081MA62K0260E", "TP-2025-0002", Decimal("12000.50"), date(2025, 3, 2), 3),
    ]
    assert claims[0].company == "福州示例" and claims[1].company is None


def test_subsidy_claims_errors_have_cells() -> None:
    data = _claims_book(
        [["91350100M000100Y44", "A", "TP-1", 100, date(2025, 3, 1)],   # wrong check character
         ["91512081MA62K0260E", "B", "TP-2", "lots", "yesterday"],      # amount, date
         ["91512081MA62K0260E", "B", "TP-2", -5, date(2025, 3, 3)],    # duplicate, negative
         ["91512081MA62K0260E", "B", None, 10, date(2025, 3, 3)]],     # required
        header=["USCC", "Company", "Certificate number", "Amount", "Claim date"])
    with pytest.raises(WorkbookInvalid) as err:
        read_subsidy_claims(data)
    got = {(p.cell, p.code) for p in err.value.problems}
    assert got == {("A2", "bad_uscc"), ("D3", "not_a_number"), ("E3", "bad_date"),
                   ("C4", "duplicate_id"), ("D4", "not_positive"), ("C5", "required")}
    bad = next(p for p in err.value.problems if p.code == "bad_uscc")
    assert "check character" in bad.message_en and "校验码" in bad.message_zh


def test_subsidy_claims_missing_column() -> None:
    with pytest.raises(WorkbookInvalid) as err:
        read_subsidy_claims(_claims_book([], header=["USCC", "Amount"]))
    assert {p.column for p in err.value.problems} == {"certificate_number", "claim_date"}
