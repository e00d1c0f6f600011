"""The footprint workbook (xlsxwriter): summary, stages with a chart, lines with factors and
sources, data quality, uncertainty. Every figure is written as a number, straight from the
``FootprintResult``: nothing is recomputed here."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter

from footprint.result import FootprintResult

SUMMARY = "汇总 Summary"
STAGES = "阶段 Stages"
LINES = "明细 Lines"
DQR_SHEET = "数据质量 DQR"
UNCERTAINTY = "不确定性 Uncertainty"

STAGE_NAMES = {
    "raw_material": ("原材料获取", "Raw material acquisition"),
    "production": ("生产", "Production"),
    "distribution": ("分销", "Distribution"),
    "use": ("使用", "Use"),
    "end_of_life": ("寿命终止", "End of life"),
}

LINE_COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("line_id", "行编号", "Line id", 10), ("path", "路径", "Path", 14),
    ("stage", "阶段", "Stage", 13), ("kind", "类型", "Kind", 12),
    ("description", "说明", "Description", 26), ("quantity", "数量", "Quantity", 12),
    ("unit", "单位", "Unit", 8), ("factor_id", "排放因子", "Factor id", 28),
    ("factor_value", "因子值", "Factor value", 12), ("factor_unit", "因子单位", "Factor unit", 14),
    ("factor_source", "因子来源", "Factor source", 40),
    ("multiplier", "倍数", "Multiplier", 10), ("kg_co2e", "kg CO2e/功能单位", "kg CO2e per FU", 14),
    ("primary", "初级数据", "Primary data", 8), ("dqr", "DQR", "DQR", 7),
    ("check", "因子待核", "Factor to check", 8),
)


def footprint_workbook(result: FootprintResult) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"title": f"Carbon footprint: {result.product}",
                       "comments": f"dossier {result.dossier_sha256}"})
    f = {
        "head": wb.add_format({"bold": True, "bg_color": "#dbeed3", "border": 1, "text_wrap": True}),
        "num": wb.add_format({"num_format": "#,##0.000"}),
        "pct": wb.add_format({"num_format": "0.0%"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
    }
    _summary(wb, f, result)
    _stages(wb, f, result)
    _lines(wb, f, result)
    _dqr(wb, f, result)
    if result.uncertainty is not None:
        _uncertainty(wb, f, result)
    wb.close()
    return buf.getvalue()


def _kv(ws: Any, r: int, zh: str, en: str, value: Any, fmt: Any = None) -> int:
    ws.write(r, 0, zh)
    ws.write(r, 1, en)
    if isinstance(value, int | float) and not isinstance(value, bool):
        ws.write_number(r, 2, value, fmt)
    elif value is None:
        ws.write_blank(r, 2, None)
    else:
        ws.write(r, 2, str(value))
    return r + 1


def _summary(wb: Any, f: dict[str, Any], res: FootprintResult) -> None:
    ws = wb.add_worksheet(SUMMARY)
    ws.set_column(0, 1, 30)
    ws.set_column(2, 2, 46)
    ws.write(0, 0, f"产品碳足迹 Product carbon footprint: {res.product}", f["title"])
    fu = res.functional_unit
    r = 2
    r = _kv(ws, r, "功能单位", "Functional unit", f"{fu.amount:g} {fu.unit} {fu.description}".strip())
    r = _kv(ws, r, "系统边界", "System boundary", res.boundary.value)
    r = _kv(ws, r, "碳足迹 (kg CO2e/功能单位)", "Total (kg CO2e per FU)", res.total, f["num"])
    r = _kv(ws, r, "化石排放", "Fossil", res.fossil, f["num"])
    r = _kv(ws, r, "生物源排放", "Biogenic emissions", res.biogenic_emissions, f["num"])
    r = _kv(ws, r, "生物源清除", "Biogenic removals", res.biogenic_removals, f["num"])
    r = _kv(ws, r, "直接土地利用变化", "Direct land-use change (dLUC)", res.dluc, f["num"])
    r = _kv(ws, r, "航空运输排放", "Aircraft transport", res.aircraft, f["num"])
    r = _kv(ws, r, "初级数据占比", "Primary data share", res.primary_data_share, f["pct"])
    r = _kv(ws, r, "数据质量评级 DQR", "Data quality rating (DQR)", res.dqr, f["num"])
    r = _kv(ws, r, "GWP 版本", "GWP set", res.gwp_set)
    r = _kv(ws, r, "排放因子集", "Factor set", f"{res.factor_set_id}@{res.factor_set_version}")
    r = _kv(ws, r, "计算引擎", "Engine version", res.engine_version)
    r = _kv(ws, r, "数据包 SHA-256", "Dossier SHA-256", res.dossier_sha256)
    r += 1
    ws.write(r, 0, "温室气体", f["head"])
    ws.write(r, 1, "Gas", f["head"])
    ws.write(r, 2, "kg CO2e", f["head"])
    for gas, value in res.per_gas.items():
        r += 1
        ws.write(r, 1, gas)
        ws.write_number(r, 2, value, f["num"])


def _stages(wb: Any, f: dict[str, Any], res: FootprintResult) -> None:
    ws = wb.add_worksheet(STAGES)
    ws.set_column(0, 2, 24)
    for c, h in enumerate(("阶段", "Stage", "kg CO2e", "占比 Share")):
        ws.write(0, c, h, f["head"])
    r = 0
    for r, (stage, value) in enumerate(res.per_stage.items(), start=1):
        zh, en = STAGE_NAMES.get(stage, (stage, stage))
        ws.write(r, 0, zh)
        ws.write(r, 1, en)
        ws.write_number(r, 2, value, f["num"])
        ws.write_number(r, 3, value / res.total if res.total else 0.0, f["pct"])
    if r:
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"name": "kg CO2e", "categories": [STAGES, 1, 1, r, 1],
                          "values": [STAGES, 1, 2, r, 2], "fill": {"color": "#4e9a57"}})
        chart.set_title({"name": "按生命周期阶段 By life-cycle stage"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"name": "kg CO2e"})
        ws.insert_chart(r + 2, 0, chart)


def _lines(wb: Any, f: dict[str, Any], res: FootprintResult) -> None:
    ws = wb.add_worksheet(LINES)
    for c, (_, zh, en, width) in enumerate(LINE_COLUMNS):
        ws.write(0, c, f"{zh}\n{en}", f["head"])
        ws.set_column(c, c, width)
    for r, line in enumerate(res.lines, start=1):
        data = line.model_dump()
        for c, (key, *_rest) in enumerate(LINE_COLUMNS):
            value = data[key]
            if isinstance(value, bool):
                ws.write_string(r, c, "yes" if value else "no")
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            elif value is not None:
                ws.write_string(r, c, str(value))
    ws.autofilter(0, 0, max(len(res.lines), 1), len(LINE_COLUMNS) - 1)
    ws.freeze_panes(1, 1)


def _dqr(wb: Any, f: dict[str, Any], res: FootprintResult) -> None:
    ws = wb.add_worksheet(DQR_SHEET)
    ws.set_column(0, 3, 22)
    r = _kv(ws, 0, "总体 DQR", "Overall DQR", res.dqr, f["num"])
    r = _kv(ws, r, "DQR 覆盖率", "DQR coverage (share of |kg CO2e|)", res.dqr_coverage, f["pct"])
    r = _kv(ws, r, "待核因子", "Factors to check", ", ".join(res.factors_to_check))
    r += 1
    for c, h in enumerate(("行编号 Line id", "kg CO2e", "DQR", "评级 Rating")):
        ws.write(r, c, h, f["head"])
    for line in res.lines:
        r += 1
        ws.write(r, 0, line.line_id)
        ws.write_number(r, 1, line.kg_co2e, f["num"])
        if line.dqr is not None:
            ws.write_number(r, 2, line.dqr)
            ws.write(r, 3, dqr_rating(line.dqr))


def dqr_rating(dqr: float) -> str:
    """Common PEF reading of a DQR (DOMAIN.md section 6, marked *check* there)."""
    for limit, name in ((1.5, "优秀 excellent"), (2.0, "很好 very good"), (3.0, "良好 good"),
                        (4.0, "一般 fair")):
        if dqr <= limit:
            return name
    return "较差 poor"


def _uncertainty(wb: Any, f: dict[str, Any], res: FootprintResult) -> None:
    u = res.uncertainty
    assert u is not None
    ws = wb.add_worksheet(UNCERTAINTY)
    ws.set_column(0, 1, 28)
    r = _kv(ws, 0, "模拟次数", "Monte Carlo draws", u.draws)
    r = _kv(ws, r, "随机种子", "Seed", u.seed)
    r = _kv(ws, r, "均值", "Mean (kg CO2e)", u.mean, f["num"])
    r = _kv(ws, r, "中位数", "Median", u.median, f["num"])
    r = _kv(ws, r, "标准差", "Standard deviation", u.std, f["num"])
    r = _kv(ws, r, "2.5% 分位", "2.5th percentile", u.p2_5, f["num"])
    r = _kv(ws, r, "97.5% 分位", "97.5th percentile", u.p97_5, f["num"])
    _kv(ws, r, "有分布的行数", "Lines with a distribution", u.lines_with_distribution)
