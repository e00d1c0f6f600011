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


def ev_battery(**section_overrides: Any) -> dict[str, Any]:
    """EV battery pack, one battery, cradle-to-grave without use. Hand-worked total 4823.635 kg:
    cells (supplier PCF) 4000; aluminium housing 30 kg x 16.1 = 483; assembly 300 kWh x 0.6205
    = 186.15; sea freight 0.45 t x 20000 km x 0.0161 = 144.9; recycling 450 kg x 0.0213 = 9.585."""
    section: dict[str, Any] = {
        "category": "ev", "vehicle_class": "M1", "usable_energy_kwh": 75, "service_years": 10,
        "chemistry": "NMC811",
        "manufacturer": {"name": "Sichuan Cell Tech Co., Ltd.", "address": "Yibin, Sichuan, CN",
                         "identifier": "91512081MA62K0260E"},
        "battery_model": "SCT-75-NMC", "plant": {"name": "Yibin plant 1", "city": "Yibin", "country": "CN"},
        "declaration_of_conformity_id": "DoC-SCT-75-2026-001",
        "study_url": "https://example.com/sct-75-cf-study",
        "recycled_content": {"cobalt": 0.18, "lithium": 0.05, "nickel": 0.07},
        "passport": {"passport_id": "SCT75-BP", "qr_url": "https://bp.example.com/SCT75",
                     "hazardous_substances": ["LiPF6"], "critical_raw_materials": ["cobalt", "lithium", "natural graphite"],
                     "renewable_content_share": 0.1, "rated_capacity_ah": 200, "nominal_voltage_v": 375,
                     "power_w": 150000, "expected_lifetime_cycles": 1500},
        "label": {"annex_vi_content": True, "qr_code": True},
    }
    section.update(section_overrides)
    return {
        "product": {"name": "EV battery pack SCT-75", "model": "SCT-75-NMC", "category": "lithium_battery_power",
                    "cn_code": "85076000"},
        "functional_unit": {"amount": 1, "unit": "piece", "description": "one 75 kWh traction battery pack"},
        "boundary": "cradle-to-grave",
        "reference_period": {"start": "2025-01-01", "end": "2025-12-31"},
        "lines": [
            {"kind": "material", "id": "cells", "quantity": 1, "unit": "piece",
             "supplier_pcf": {"value": 4000, "unit": "piece", "supplier": "cell maker"}},
            {"kind": "material", "id": "housing", "material": "material.aluminium.primary", "quantity": 30, "unit": "kg"},
            {"kind": "electricity", "id": "assembly", "quantity": 300, "unit": "kWh", "grid": "elec.cn.lca.2023.national"},
            {"kind": "transport", "id": "to-eu", "mode": "transport.sea.container.average",
             "mass": 450, "mass_unit": "kg", "distance": 20000},
            {"kind": "waste", "id": "recycling", "stage": "end_of_life", "treatment": "waste.recycling.open_loop",
             "quantity": 450, "unit": "kg"},
        ],
        "regime_data": {"eu_battery": section},
    }


def pp_chair(**overrides: Any) -> dict[str, Any]:
    """PP garden chair, cradle-to-grave. Hand-worked total 22.4081 kg CO2e: PP 4 kg x 1.63 = 6.52;
    moulding 5 kWh x 0.6205 = 3.1025; delivery 0.004 t x 500 km x 0.107 = 0.214; end of life by
    the CFF with R2 = R3 = 0: (1 - 0 - 0) x ED = 4 kg x 3.1429 (incineration of PP) = 12.5716."""
    raw: dict[str, Any] = {
        "product": {"name": "PP garden chair", "model": "GC-4", "category": "furniture"},
        "functional_unit": {"amount": 1, "unit": "piece", "description": "one chair used for 5 years"},
        "boundary": "cradle-to-grave",
        "reference_period": {"start": "2025-01-01", "end": "2025-12-31"},
        "lines": [
            {"kind": "material", "id": "pp", "material": "material.plastic.pp", "quantity": 4, "unit": "kg",
             "dqr": {"ter": 2, "ger": 2, "tir": 2, "p": 2}},
            {"kind": "electricity", "id": "moulding", "quantity": 5, "unit": "kWh",
             "grid": "elec.cn.lca.2023.national", "dqr": {"ter": 1, "ger": 2, "tir": 1, "p": 2}},
            {"kind": "transport", "id": "delivery", "mode": "transport.road.hgv.average", "mass": 4,
             "mass_unit": "kg", "distance": 500},
            {"kind": "end_of_life", "id": "eol", "material": "material.plastic.pp", "mass": 4, "unit": "kg",
             "cff": {"a": 0.5, "r1": 0, "r2": 0, "r3": 0, "ed": "eol.incineration.pp"},
             "dqr": {"ter": 2, "ger": 3, "tir": 2, "p": 3}},
        ],
        "regime_data": {},
    }
    raw.update(overrides)
    return raw
