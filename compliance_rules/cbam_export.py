"""Operator-to-importer communication data (the Commission's template, DOMAIN.md section 5):
a plain data structure and an xlsx workbook written in memory with xlsxwriter.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import xlsxwriter

from compliance_rules.cbam_calc import SeeResult
from compliance_rules.cbam_model import CbamSection


def communication_data(section: CbamSection, see: SeeResult, as_of: date) -> dict[str, Any]:
    """JSON-ready communication: installation, period, route, goods, precursors, streams."""
    inst = section.installation
    return {
        "prepared_on": as_of.isoformat(),
        "installation": {
            "name": inst.name, "operator": inst.operator, "city": inst.city, "country": inst.country,
            "unlocode": inst.unlocode, "latitude": inst.latitude, "longitude": inst.longitude,
        },
        "reporting_period": {"start": inst.reporting_period_start.isoformat(),
                             "end": inst.reporting_period_end.isoformat()},
        "goods": [{
            "cn_code": section.cn_code,
            "production_route": section.production_route,
            "activity_level_t": section.activity_level_t,
            "see_direct": see.direct,
            "see_indirect": see.indirect,
            "electricity_mwh_per_t": (section.electricity_mwh / section.activity_level_t
                                      if section.electricity_mwh is not None else None),
            "defaults_used": list(see.defaults_used),
            "carbon_price_due_per_t_co2e": (section.carbon_price_paid.price_per_t_co2e
                                            if section.carbon_price_paid else None),
            "carbon_price_currency": (section.carbon_price_paid.currency
                                      if section.carbon_price_paid else None),
        }],
        "precursors": [p.model_dump() for p in section.precursors],
        "source_streams": [s.model_dump() for s in section.source_streams],
    }


_SHEETS: dict[str, list[tuple[str, str]]] = {
    "goods": [("cn_code", "CN code / CN编码"), ("production_route", "Production route / 生产路线"),
              ("activity_level_t", "Activity level (t) / 产量(吨)"),
              ("see_direct", "SEE direct (t CO2e/t) / 直接隐含排放"),
              ("see_indirect", "SEE indirect (t CO2e/t) / 间接隐含排放"),
              ("electricity_mwh_per_t", "Electricity (MWh/t) / 耗电量"),
              ("carbon_price_due_per_t_co2e", "Carbon price due (per t CO2e) / 应付碳价"),
              ("carbon_price_currency", "Currency / 币种"),
              ("defaults_used", "Default values used / 使用默认值")],
    "precursors": [("name", "Precursor / 前体"), ("cn_code", "CN code / CN编码"), ("mass_t", "Mass (t) / 质量(吨)"),
                   ("country", "Country / 国家"), ("see_direct", "SEE direct / 直接"),
                   ("see_indirect", "SEE indirect / 间接"), ("supplier_installation", "Supplier installation / 供应设施")],
    "source_streams": [("name", "Source stream / 源流"), ("kind", "Kind / 类型"), ("amount", "Amount / 数量"),
                       ("unit", "Unit / 单位"), ("emissions_t_co2e", "Emissions (t CO2e) / 排放")],
}


def communication_xlsx(comm: dict[str, Any]) -> bytes:
    """The communication as an xlsx workbook (bytes), one sheet per part, bilingual headers."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True})
    sheet = book.add_worksheet("Installation")
    rows = [(f"installation.{k}", v) for k, v in comm["installation"].items()]
    rows += [(f"reporting_period.{k}", v) for k, v in comm["reporting_period"].items()]
    rows.append(("prepared_on", comm["prepared_on"]))
    sheet.write_row(0, 0, ["Field / 字段", "Value / 值"], bold)
    for r, (key, value) in enumerate(rows, start=1):
        sheet.write(r, 0, key)
        sheet.write(r, 1, "" if value is None else value)
    sheet.set_column(0, 1, 32)
    for name, columns in _SHEETS.items():
        ws = book.add_worksheet(name.replace("_", " ").title())
        ws.write_row(0, 0, [label for _, label in columns], bold)
        for r, item in enumerate(comm[name], start=1):
            for col, (key, _) in enumerate(columns):
                value = item.get(key)
                if isinstance(value, list):
                    value = ", ".join(map(str, value))
                ws.write(r, col, "" if value is None else value)
        ws.set_column(0, len(columns) - 1, 22)
    book.close()
    return buffer.getvalue()
