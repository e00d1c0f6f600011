"""A small, realistic dossier for demos and end-to-end tests.

A single-phase smart electricity meter assembled in Chengdu, Sichuan; the lines describe one
production batch of 1,000 meters (``reference_flow`` = 1000), the result is per meter. The
amounts are plausible illustrations, not a real company's data.
"""

from __future__ import annotations

from footprint.model import Dossier

_DQR_GOOD = {"ter": 2, "ger": 2, "tir": 1, "p": 2}
_DQR_FAIR = {"ter": 3, "ger": 3, "tir": 2, "p": 3}


def demo_dossier() -> Dossier:
    """Return a fresh, valid demo dossier (a new object on every call)."""
    return Dossier.model_validate({
        "product": {
            "name": "Smart electricity meter DDZY-1", "model": "DDZY-1 (single-phase)",
            "category": "smart_electricity_meter", "cn_code": "902830",
            "description": "Single-phase smart meter with LCD, relay and PLC module",
        },
        "functional_unit": {"amount": 1, "unit": "piece", "description": "one meter, 10 years of service"},
        "boundary": "cradle-to-grave",
        "reference_period": {"start": "2024-01-01", "end": "2024-12-31"},
        "reference_flow": 1000,
        "lines": [
            {"kind": "material", "id": "enclosure-pc", "description": "PC enclosure and cover",
             "material": "material.plastic.pc", "quantity": 180, "unit": "kg", "origin": "CN-JS",
             "dqr": _DQR_FAIR, "uncertainty": {"distribution": "lognormal", "gsd2": 1.3}},
            {"kind": "material", "id": "terminal-pp", "description": "PP terminal block",
             "material": "material.plastic.pp", "quantity": 60, "unit": "kg",
             "dqr": _DQR_FAIR, "uncertainty": {"distribution": "lognormal", "gsd2": 1.3}},
            {"kind": "material", "id": "copper", "description": "Copper shunt and terminals",
             "material": "material.copper.cathode", "quantity": 45, "unit": "kg",
             "dqr": _DQR_FAIR, "uncertainty": {"distribution": "lognormal", "gsd2": 1.2}},
            {"kind": "material", "id": "screws", "description": "Steel screws and clamps",
             "material": "material.steel.bof", "quantity": 12, "unit": "kg", "dqr": _DQR_FAIR},
            {"kind": "subassembly", "id": "pcba", "ref": "pcba", "quantity": 1000,
             "description": "Main board assembled by a supplier in Mianyang, Sichuan"},
            {"kind": "electricity", "id": "assembly-power", "description": "Assembly and test line",
             "quantity": 1.2, "unit": "MWh", "grid": "elec.cn.lca.2023.national",
             "dqr": _DQR_GOOD, "uncertainty": {"distribution": "normal", "rel_sd": 0.05}},
            {"kind": "fuel", "id": "forklift-diesel", "fuel": "fuel.diesel", "quantity": 8,
             "unit": "kg", "description": "Forklift diesel", "dqr": _DQR_GOOD},
            {"kind": "transport", "id": "inbound-components", "stage": "raw_material",
             "description": "Components Shenzhen -> Chengdu by truck", "mode": "transport.road.hgv.average",
             "mass": 0.45, "mass_unit": "t", "distance": 1900, "distance_unit": "km",
             "uncertainty": {"distribution": "uniform", "low": 0.8, "high": 1.2}},
            {"kind": "packaging", "id": "carton", "description": "Corrugated cartons",
             "material": "material.paper.corrugated_board", "quantity": 95, "unit": "kg",
             "dqr": _DQR_FAIR},
            {"kind": "waste", "id": "scrap", "treatment": "waste.landfill.commercial",
             "quantity": 15, "unit": "kg", "description": "Production scrap to landfill"},
            {"kind": "transport", "id": "to-customer", "description": "Chengdu -> Wuhan by truck",
             "mode": "transport.road.hgv.average", "mass": 800, "mass_unit": "kg",
             "distance": 1100, "distance_unit": "km"},
            {"kind": "use_energy", "id": "standby-power", "description": "Own consumption 1 W",
             "energy_per_year": 8760, "unit": "kWh", "years": 10,
             "factor": "elec.cn.lca.2023.national", "dqr": _DQR_GOOD,
             "uncertainty": {"distribution": "triangular", "low": 0.8, "high": 1.1}},
            {"kind": "end_of_life", "id": "eol-terminal-pp", "material": "material.plastic.pp",
             "mass": 60, "unit": "kg", "description": "PP terminal block at end of life",
             "cff": {"r2": 0.2, "r3": 0.4, "a": 0.5, "b": 0.0, "qsout_qp": 0.9,
                     "erec_eol": "material.plastic.recycled", "eer": "eol.incineration.pp",
                     "lhv": 43.0, "x_heat": 0.2, "x_elec": 0.1,
                     "ese_heat": "fuel.natural_gas.per_mj", "ese_elec": "elec.cn.lca.2023.national",
                     "ed": "waste.landfill.commercial"}},
        ],
        "subassemblies": {
            "pcba": {
                "name": "Main PCBA", "reference_flow": 1, "unit": "piece",
                "lines": [
                    {"kind": "material", "id": "bare-pcb", "description": "4-layer FR-4 board",
                     "quantity": 1, "unit": "piece",
                     "supplier_pcf": {"value": 0.92, "unit": "piece", "supplier": "PCB maker, Suining",
                                      "reference": "supplier declaration 2024-03", "verified": True},
                     "dqr": {"ter": 1, "ger": 1, "tir": 1, "p": 2}},
                    {"kind": "material", "id": "components", "description": "MCU, metering IC, relay, passives",
                     "quantity": 1, "unit": "set", "supplier_pcf": {"value": 1.65, "unit": "set"},
                     "dqr": {"ter": 2, "ger": 3, "tir": 2, "p": 3},
                     "uncertainty": {"distribution": "lognormal", "gsd2": 1.5}},
                    {"kind": "subassembly", "id": "lcd", "ref": "lcd", "quantity": 1},
                    {"kind": "electricity", "id": "smt-power", "description": "SMT reflow and test",
                     "quantity": 0.35, "unit": "kWh", "grid": "elec.cn.grid.2022.province.sichuan"},
                ],
                "subassemblies": {
                    "lcd": {"name": "LCD module", "lines": [
                        {"kind": "material", "id": "lcd-module", "quantity": 1, "unit": "piece",
                         "supplier_pcf": {"value": 0.48, "unit": "piece", "supplier": "LCD maker, Chengdu"}},
                    ]},
                },
            },
        },
    })


__all__ = ["demo_dossier"]
