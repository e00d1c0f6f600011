"""Turn the wizard's tables into a dossier document (the JSON the API validates).

Pure functions, no Streamlit: each table is a list of row dicts as ``st.data_editor`` returns
them. Blank rows are dropped; a blank line id gets one from its kind and position. The API (and
the footprint model behind it) remains the judge of validity; its problem details name the
path of each mistake, which matches the ``lines/<n>`` order built here.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

# kind -> (columns shown in the editor, the column that must be filled for a row to count)
TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "material": (("id", "description", "material", "quantity", "unit", "origin"), "quantity"),
    "packaging": (("id", "description", "material", "quantity", "unit"), "quantity"),
    "electricity": (("id", "description", "grid", "quantity", "unit"), "quantity"),
    "fuel": (("id", "description", "fuel", "quantity", "unit"), "quantity"),
    "transport": (("id", "description", "stage", "mode", "mass", "distance"), "distance"),
    "waste": (("id", "description", "treatment", "quantity", "unit"), "quantity"),
}
NUMERIC = frozenset({"quantity", "mass", "distance"})
DEFAULT_UNITS = {"material": "kg", "packaging": "kg", "electricity": "kWh", "fuel": "kg",
                 "waste": "kg"}

EXAMPLE_FU_DESCRIPTION = "one single-phase smart meter at the factory gate"
EXAMPLE_CUTOFF = "Flows below 1 % of mass and of footprint excluded; together below 5 %."
EXAMPLE: dict[str, list[dict[str, Any]]] = {
    "material": [
        {"id": "housing", "description": "PC housing", "material": "material.plastic.pc",
         "quantity": 0.42, "unit": "kg", "origin": "CN-GD"},
        {"id": "terminals", "description": "Copper terminals", "material":
         "material.copper.cathode", "quantity": 0.11, "unit": "kg", "origin": "CN-JX"},
        {"id": "bracket", "description": "Steel bracket", "material": "material.steel.bof",
         "quantity": 0.25, "unit": "kg", "origin": "CN-SC"},
    ],
    "packaging": [{"id": "box", "description": "Corrugated box",
                   "material": "material.paper.corrugated_board", "quantity": 0.18, "unit": "kg"}],
    "electricity": [{"id": "assembly_power", "description": "Assembly line, Chengdu",
                     "grid": "elec.cn.lca.2023.national", "quantity": 1.6, "unit": "kWh"}],
    "fuel": [],
    "transport": [{"id": "copper_in", "description": "Copper terminals, Jiangxi to Chengdu, truck",
                   "stage": "raw_material", "mode": "transport.road.hgv.average", "mass": 0.11,
                   "distance": 1250}],
    "waste": [{"id": "scrap", "description": "Production scrap to landfill",
               "treatment": "waste.landfill.commercial", "quantity": 0.03, "unit": "kg"}],
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if _blank(value):
            continue
        if key in NUMERIC:
            value = float(value)
        elif isinstance(value, str):
            value = value.strip()
        out[key] = value
    return out


def build_lines(tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for kind, (_, required) in TABLES.items():
        for n, raw in enumerate(tables.get(kind) or [], 1):
            row = _clean(raw)
            if required not in row:
                continue
            line: dict[str, Any] = {"kind": kind, "id": row.pop("id", f"{kind}_{n}"), **row}
            if kind in DEFAULT_UNITS:
                line.setdefault("unit", DEFAULT_UNITS[kind])
            if kind == "transport":
                line.setdefault("mass_unit", "kg")
                line.setdefault("distance_unit", "km")
            lines.append(line)
    return lines


def build_dossier(
    product: dict[str, Any],
    *,
    fu_amount: float,
    fu_unit: str,
    fu_description: str,
    boundary: str,
    period_start: date,
    period_end: date,
    reference_flow: float,
    gwp_set: str,
    tables: dict[str, list[dict[str, Any]]],
    regimes: list[str] | None = None,
    cutoff_criteria: str = "",
) -> dict[str, Any]:
    regime_data: dict[str, dict[str, Any]] = {}
    if cutoff_criteria.strip() and "cn_label" in (regimes or []):
        regime_data["cn_label"] = {"cutoff_criteria": cutoff_criteria.strip()}
    return {
        "schema_version": "1",
        "product": {k: product.get(k) for k in ("name", "model", "category", "cn_code")
                    if product.get(k)},
        "functional_unit": {"amount": fu_amount, "unit": fu_unit, "description": fu_description},
        "boundary": boundary,
        "reference_period": {"start": period_start.isoformat(), "end": period_end.isoformat()},
        "reference_flow": reference_flow,
        "gwp_set": gwp_set,
        "lines": build_lines(tables),
        "regime_data": regime_data,
    }
