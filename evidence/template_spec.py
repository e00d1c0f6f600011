"""The layout of the xlsx submission template, shared by the writer and the reader.

One sheet for the product, one sheet per line kind. On a line sheet, row 1 holds the machine
key of each column (never translated: the reader checks it), row 2 the Chinese label, row 3 the
English label; data starts on row 4. Nested fields use dotted keys (``supplier_pcf.value``).
Sub-assemblies, allocation and regime data are not in the template: submit those as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColType = Literal["str", "float", "bool", "date", "stage", "choice", "factor", "unit", "list"]

HEADER_ROWS = 3
FIRST_DATA_ROW = HEADER_ROWS + 1
TEMPLATE_VERSION = "1"

STAGES = ("raw_material", "production", "distribution", "use", "end_of_life")
BOOLS = ("yes", "no")


@dataclass(frozen=True)
class Col:
    key: str
    zh: str
    en: str
    type: ColType = "str"
    required: bool = False
    choices: tuple[str, ...] = ()
    factor_prefix: str | None = None
    """For ``factor`` columns: ids of the factor set starting with this prefix."""
    width: int = 14


_COMMON_HEAD = (
    Col("id", "行编号", "Line id", required=True, width=12),
    Col("stage", "生命周期阶段", "Life-cycle stage", "stage", required=True, choices=STAGES),
    Col("description", "说明", "Description", width=28),
)
_COMMON_TAIL = (
    Col("dqr.ter", "技术代表性 TeR(1-5)", "TeR (1-5)", "float", width=9),
    Col("dqr.ger", "地理代表性 GeR(1-5)", "GeR (1-5)", "float", width=9),
    Col("dqr.tir", "时间代表性 TiR(1-5)", "TiR (1-5)", "float", width=9),
    Col("dqr.p", "精确度 P(1-5)", "Precision P (1-5)", "float", width=9),
    Col("uncertainty.gsd2", "不确定性 GSD²", "Uncertainty GSD² (lognormal)", "float", width=10),
    Col("evidence", "证据文件(SHA-256,逗号分隔)", "Evidence (SHA-256, comma-separated)", "list",
        width=30),
)

_MATERIAL = (
    Col("quantity", "数量", "Quantity", "float", required=True),
    Col("unit", "单位", "Unit", "unit", required=True, width=9),
    Col("material", "排放因子", "Emission factor", "factor", factor_prefix="material.", width=28),
    Col("origin", "产地", "Origin"),
    Col("recycled_content", "再生料比例(0-1)", "Recycled share (0-1)", "float"),
    Col("supplier_pcf.value", "供应商碳足迹(kgCO2e/单位)", "Supplier PCF (kg CO2e/unit)", "float"),
    Col("supplier_pcf.unit", "供应商碳足迹单位", "Supplier PCF unit", "unit", width=9),
    Col("supplier_pcf.supplier", "供应商", "Supplier"),
    Col("supplier_pcf.reference", "碳足迹声明编号", "PCF reference"),
    Col("supplier_pcf.verified", "已核查(yes/no)", "Verified (yes/no)", "bool", choices=BOOLS,
        width=9),
)


@dataclass(frozen=True)
class SheetSpec:
    kind: str
    name: str
    """Tab name (Excel: at most 31 characters)."""
    cols: tuple[Col, ...]
    default_stage: str


LINE_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("material", "原材料 Materials", _COMMON_HEAD + _MATERIAL + _COMMON_TAIL,
              "raw_material"),
    SheetSpec("packaging", "包装 Packaging", _COMMON_HEAD + _MATERIAL + _COMMON_TAIL,
              "raw_material"),
    SheetSpec("electricity", "电力 Electricity", _COMMON_HEAD + (
        Col("quantity", "用电量", "Consumption", "float", required=True),
        Col("unit", "单位", "Unit", "unit", required=True, width=9),
        Col("grid", "电网排放因子", "Grid factor", "factor", factor_prefix="elec.", width=32),
        Col("instrument.type", "绿电凭证类型", "Instrument type", "choice",
            choices=("ppa", "direct_line", "green_certificate", "guarantee_of_origin",
                     "supplier_mix")),
        Col("instrument.factor", "凭证因子(kgCO2e/kWh)", "Instrument factor (kg CO2e/kWh)", "float"),
        Col("instrument.reference", "凭证编号", "Instrument reference"),
    ) + _COMMON_TAIL, "production"),
    SheetSpec("fuel", "燃料 Fuels", _COMMON_HEAD + (
        Col("fuel", "燃料排放因子", "Fuel factor", "factor", required=True, factor_prefix="fuel.",
            width=28),
        Col("quantity", "数量", "Quantity", "float", required=True),
        Col("unit", "单位", "Unit", "unit", required=True, width=9),
    ) + _COMMON_TAIL, "production"),
    SheetSpec("transport", "运输 Transport", _COMMON_HEAD + (
        Col("mode", "运输方式因子", "Transport factor", "factor", required=True,
            factor_prefix="transport.", width=30),
        Col("mass", "货物质量", "Mass", "float", required=True),
        Col("mass_unit", "质量单位", "Mass unit", "unit", required=True, width=9),
        Col("distance", "距离", "Distance", "float", required=True),
        Col("distance_unit", "距离单位", "Distance unit", "unit", required=True, width=9),
    ) + _COMMON_TAIL, "distribution"),
    SheetSpec("process_emission", "过程排放 Process", _COMMON_HEAD + (
        Col("gas", "温室气体", "Gas", required=True, width=10),
        Col("quantity", "排放量", "Amount of gas", "float", required=True),
        Col("unit", "单位", "Unit", "unit", required=True, width=9),
        Col("origin", "碳来源", "Carbon origin", "choice", choices=("fossil", "biogenic", "dluc")),
        Col("removal", "清除(yes/no)", "Removal (yes/no)", "bool", choices=BOOLS, width=9),
    ) + _COMMON_TAIL, "production"),
    SheetSpec("use_energy", "使用能耗 Use", _COMMON_HEAD + (
        Col("energy_per_year", "年能耗", "Energy per year", "float", required=True),
        Col("unit", "单位", "Unit", "unit", required=True, width=9),
        Col("years", "使用年限", "Years of service", "float", required=True),
        Col("factor", "能源排放因子", "Energy factor", "factor", required=True,
            factor_prefix="elec.", width=30),
    ) + _COMMON_TAIL, "use"),
    SheetSpec("waste", "废物 Waste", _COMMON_HEAD + (
        Col("treatment", "处理方式因子", "Treatment factor", "factor", required=True,
            factor_prefix="waste.", width=30),
        Col("quantity", "数量", "Quantity", "float", required=True),
        Col("unit", "单位", "Unit", "unit", required=True, width=9),
    ) + _COMMON_TAIL, "production"),
)

PRODUCT_SHEET = "产品 Product"
INSTRUCTIONS_SHEET = "说明 Instructions"
LISTS_SHEET = "lists"

PRODUCT_FIELDS: tuple[Col, ...] = (
    Col("product.name", "产品名称", "Product name", required=True),
    Col("product.model", "型号", "Model", required=True),
    Col("product.category", "产品类别", "Category"),
    Col("product.cn_code", "海关编码(CN)", "CN code"),
    Col("product.description", "产品描述", "Description"),
    Col("functional_unit.amount", "功能单位数量", "Functional unit amount", "float", required=True),
    Col("functional_unit.unit", "功能单位", "Functional unit", "unit", required=True),
    Col("functional_unit.description", "功能单位说明", "Functional unit description"),
    Col("boundary", "系统边界", "System boundary", "choice", required=True,
        choices=("cradle-to-gate", "cradle-to-grave", "gate-to-gate")),
    Col("reference_period.start", "数据期开始", "Reference period start", "date", required=True),
    Col("reference_period.end", "数据期结束", "Reference period end", "date", required=True),
    Col("reference_flow", "基准流(功能单位数)", "Reference flow (functional units)", "float",
        required=True),
    Col("gwp_set", "GWP 版本", "GWP set", "choice", required=True, choices=("AR6", "AR5")),
)
"""Product sheet: one field per row; column A key, B Chinese, C English, D value."""

PRODUCT_VALUE_COL = 4  # D

UNITS = ("kg", "g", "t", "piece", "kWh", "MWh", "MJ", "GJ", "L", "m3", "Nm3", "km", "m2", "set")

INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("如何填写本模板", "How to fill in this template"),
    ("1. 在“产品 Product”页D列填写产品信息；带 * 的为必填项。",
     "1. Fill in the product on sheet 'Product', column D; fields marked * are required."),
    ("2. 每类活动数据一页（原材料、包装、电力、燃料、运输、过程排放、使用能耗、废物），从第4行起每行一条。",
     "2. One sheet per kind of activity data; one line per row, starting at row 4."),
    ("3. 前三行为表头（已锁定）：第1行为字段代码，请勿修改。",
     "3. The first three rows are protected headers; row 1 holds field codes: do not change them."),
    ("4. 单位与排放因子请从下拉列表选择；行编号在整个工作簿中不得重复。",
     "4. Pick units and emission factors from the drop-down lists; line ids must be unique in the workbook."),
    ("5. 数据质量（TeR/GeR/TiR/P）按PEF取1（最好）至5（最差）。",
     "5. Data quality (TeR/GeR/TiR/P) follows PEF: 1 (best) to 5 (worst)."),
    ("6. 证据文件填写已上传文件的SHA-256，多个以逗号分隔。",
     "6. Evidence: SHA-256 of uploaded files, separated by commas."),
    ("7. 子装配、分配和法规专项数据请通过JSON提交。",
     "7. Sub-assemblies, allocation and regime-specific data are submitted as JSON."),
)


def sheet_for(kind: str) -> SheetSpec | None:
    return next((s for s in LINE_SHEETS if s.kind == kind), None)
