"""Labels and value shapes of the documents Tanpass reads, in Chinese and English.

Each field is found by a label (several spellings, both languages) followed on the same line,
or on the line below, by a value of a known shape. Adding a new bill layout usually means adding
a label spelling here, nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from evidence.provenance import DocumentType

ValueKind = Literal["number", "period", "text", "code"]

NUMBER = r"(?P<v>-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)"
_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
PERIOD = rf"(?P<v>{_DATE})\s*(?:至|到|~|～|–|—|-|to|until)\s*(?P<v2>{_DATE})"
TEXT = r"(?P<v>[^\s:：](?:.*?[^\s:：])?)(?=\s{3}|$)"
CODE = r"(?P<v>(?=[A-Za-z\-/]*\d)[A-Za-z0-9][A-Za-z0-9\-/]{3,})"  # holds a digit
SEP = r"\s*[:：]?\s*"
TEXT_SEP = r"(?:\s*[:：]\s*|\s{3,})"
"""Before free text the label needs a colon or a column gap ("Fuel invoice" is a title)."""
END_OF_CELL = r"\s*[:：]?(?:\s{3}|\s*$)"

FUEL_UNITS = r"(?P<u>Nm3|Nm³|m3|m³|立方米|kg|千克|公斤|t|吨|L|l|升|litres?|liters?|tonnes?|GJ)"
FOOTPRINT_UNIT = r"(?P<u>(?:kg|t|g)\s*CO2e?(?:q)?\s*(?:/|per)\s*\S+)"

VALUE_PATTERNS: dict[ValueKind, str] = {"number": NUMBER, "period": PERIOD, "text": TEXT, "code": CODE}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    labels: tuple[str, ...]
    """Regex fragments for the label, most specific first."""
    kind: ValueKind
    required: bool = True
    unit: str | None = None
    """Regex (with group ``u``) for a unit that may follow the value."""
    second: str | None = None
    """For a period: the field name of the second date (group ``v2``)."""


SPECS: dict[DocumentType, tuple[FieldSpec, ...]] = {
    "electricity_bill": (
        FieldSpec("supplier", (r"供电单位", r"供电公司", r"售电公司", r"Electricity supplier",
                               r"Supplier", r"Utility"), "text"),
        FieldSpec("meter_number", (r"电能表编号", r"电表编号", r"计量点编号", r"表号",
                                   r"Meter (?:No\.?|number|ID)"), "code"),
        FieldSpec("billing_period_start", (r"计费周期", r"抄表周期", r"账单周期", r"结算周期",
                                           r"Billing period", r"Service period"), "period",
                  second="billing_period_end"),
        FieldSpec("consumption_kwh", (r"(?:本期)?(?<!上期)(?<!同期)用电量\s*[(（]\s*kWh\s*[)）]",
                                      r"本期用电量", r"(?<!上期)(?<!同期)(?<!上月)用电量",
                                      r"结算电量", r"Consumption\s*\(kWh\)",
                                      r"Total consumption", r"Energy used",
                                      r"(?<!Previous )Usage\s*\(kWh\)"), "number",
                  unit=r"(?P<u>kWh|千瓦时|度)"),
        FieldSpec("grid_region", (r"所属电网", r"电网区域", r"供电区域", r"Grid region"), "text",
                  required=False),
    ),
    "fuel_invoice": (
        FieldSpec("fuel", (r"货物或应税劳务、?服务名称", r"货物名称", r"项目名称", r"燃料种类",
                           r"品名", r"Fuel type", r"Fuel", r"Product"), "text"),
        FieldSpec("quantity", (r"数量", r"Quantity", r"Qty\.?"), "number", unit=FUEL_UNITS),
        FieldSpec("unit", (r"计量单位", r"单位(?!价)", r"Unit(?! price)"), "text"),
        FieldSpec("invoice_number", (r"发票号码", r"Invoice (?:No\.?|number)"), "code",
                  required=False),
        FieldSpec("seller", (r"销售方名称", r"销售方", r"Seller", r"Sold by"), "text",
                  required=False),
    ),
    "supplier_declaration": (
        FieldSpec("product", (r"产品名称", r"Product name", r"Product"), "text"),
        FieldSpec("declared_unit", (r"声明单位", r"功能单位", r"Declared unit",
                                    r"Functional unit"), "text"),
        FieldSpec("footprint_value", (r"产品碳足迹", r"碳足迹值?", r"Product carbon footprint",
                                      r"Carbon footprint", r"PCF"), "number",
                  unit=FOOTPRINT_UNIT),
        FieldSpec("standard", (r"核算标准", r"依据标准", r"Standards? applied", r"Standard",
                               r"Methodology"), "text"),
        FieldSpec("verifier", (r"核查机构", r"验证机构", r"第三方核查机构", r"Verification body",
                               r"Verified by", r"Verifier"), "text"),
        FieldSpec("supplier", (r"声明方", r"供应商", r"Declared by", r"Supplier"), "text",
                  required=False),
    ),
}

# Words that make a document look like each type, with a weight.
TYPE_KEYWORDS: dict[DocumentType, tuple[tuple[str, float], ...]] = {
    "electricity_bill": (("电费", 2), ("用电量", 2), ("电力公司", 1), ("电表", 1), ("电能表", 1),
                         ("electricity", 2), ("kwh", 1), ("meter", 1), ("billing period", 1),
                         ("计费周期", 1)),
    "fuel_invoice": (("发票", 2), ("柴油", 1), ("汽油", 1), ("天然气", 1), ("燃料", 1),
                     ("invoice", 2), ("fuel", 1), ("diesel", 1), ("litre", 1), ("quantity", 1),
                     ("数量", 1)),
    "supplier_declaration": (("碳足迹", 2), ("声明", 2), ("声明单位", 1), ("功能单位", 1),
                             ("carbon footprint", 2), ("declaration", 2), ("declared unit", 1),
                             ("verifier", 1), ("核查机构", 1)),
}


def compiled(spec: FieldSpec) -> list[re.Pattern[str]]:
    """One pattern per label: label, optional unit in brackets, separator, value, unit."""
    value = VALUE_PATTERNS[spec.kind]
    tail = rf"(?:\s*{spec.unit})?" if spec.unit else ""
    sep = TEXT_SEP if spec.kind == "text" else SEP
    return [
        re.compile(rf"(?P<label>{label}){sep}{value}{tail}", re.IGNORECASE)
        for label in spec.labels
    ]


def label_only(spec: FieldSpec) -> list[re.Pattern[str]]:
    """A label alone in its cell (the value sits below it, in a table's next row)."""
    return [
        re.compile(rf"(?:^|\s{{3}})(?P<label>{label}){END_OF_CELL}", re.IGNORECASE)
        for label in spec.labels
    ]


def value_only(spec: FieldSpec) -> re.Pattern[str]:
    """A value that fills a cell of its own."""
    tail = rf"(?:\s*{spec.unit})?" if spec.unit else ""
    value = VALUE_PATTERNS[spec.kind].replace("(?=\\s{3}|$)", "")
    return re.compile(rf"(?:^|(?<=\s{{3}})){value}{tail}(?=\s{{3}}|$)", re.IGNORECASE)
