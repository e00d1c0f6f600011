"""Dossier builders shared by the compliance_rules tests (real footprint models and calculation)."""

from __future__ import annotations

import copy
from typing import Any

from footprint import Dossier, FootprintResult, calculate


def citrus(**overrides: Any) -> dict[str, Any]:
    """Citrus, cradle-to-gate, per kg, lines for 1000 kg (hand-worked total 0.27373 kg CO2e/kg):
    urea 40 kg x 1.9 = 76.0; field N2O 0.5 kg x 273 = 136.5; sorting 60 kWh x 0.6205 = 37.23;
    cartons 30 kg x 0.8 = 24.0; sum 273.73 kg per 1000 kg."""
    raw: dict[str, Any] = {
        "product": {"name": "Gannan navel orange", "model": "grade A, 5 kg carton", "category": "citrus"},
        "functional_unit": {"amount": 1, "unit": "kg", "description": "1 kg of packed fresh citrus at the packhouse gate"},
        "boundary": "cradle-to-gate",
        "reference_period": {"start": "2024-01-01", "end": "2024-12-31"},
        "reference_flow": 1000,
        "lines": [
            {"kind": "material", "id": "urea", "material": "material.fertiliser.urea", "quantity": 40, "unit": "kg",
             "dqr": {"ter": 2, "ger": 2, "tir": 2, "p": 2}},
            {"kind": "process_emission", "id": "field-n2o", "gas": "N2O", "quantity": 0.5, "unit": "kg",
             "dqr": {"ter": 2, "ger": 2, "tir": 3, "p": 3}},
            {"kind": "electricity", "id": "sorting-power", "quantity": 60, "unit": "kWh",
             "grid": "elec.cn.lca.2023.national", "dqr": {"ter": 1, "ger": 2, "tir": 1, "p": 1}},
            {"kind": "packaging", "id": "carton", "material": "material.paper.corrugated_board",
             "quantity": 30, "unit": "kg", "dqr": {"ter": 3, "ger": 3, "tir": 3, "p": 3}},
        ],
        "regime_data": {"cn_label": {
            "cutoff_criteria": "flows below 1 % of mass and footprint, at most 5 % in total",
            "excluded_flows": [{"name": "pruning shears", "estimated_share": 0.002, "reason": "capital goods"}],
            "dluc_statement": "orchard planted in 1998; no land conversion in the last 20 years",
            "benchmark_id": "citrus-illustrative-2025",
        }},
    }
    raw.update(overrides)
    return raw


def build(raw: dict[str, Any]) -> tuple[Dossier, FootprintResult]:
    dossier = Dossier.model_validate(copy.deepcopy(raw))
    return dossier, calculate(dossier)


def with_section(raw: dict[str, Any], key: str, section: dict[str, Any] | None) -> dict[str, Any]:
    out = copy.deepcopy(raw)
    if section is None:
        out["regime_data"].pop(key, None)
    else:
        out["regime_data"][key] = section
    return out
