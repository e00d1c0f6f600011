"""Reconstructions of the published carbon-label cases of DOMAIN.md section 8.

The published studies give totals, not their line data. These dossiers are RECONSTRUCTIONS:
plausible lines with factors from tanpass-cn@2025.1 whose sum reproduces the published total
to the published precision. They show how such a total is built and checked; they are not the
studies' data. See docs/footprint-worked-examples.md for the arithmetic.
"""

from __future__ import annotations

from typing import Any

from footprint.model import Dossier

_BASE: dict[str, Any] = {"boundary": "cradle-to-gate",
                         "reference_period": {"start": "2024-01-01", "end": "2024-12-31"}}


def citrus() -> Dossier:
    """Citrus, published 0.2956 kg CO2e per kg; lines per hectare and season (30 t fruit)."""
    return Dossier.model_validate({**_BASE,
        "product": {"name": "Fresh citrus", "model": "navel orange", "category": "citrus"},
        "functional_unit": {"amount": 1, "unit": "kg", "description": "1 kg packed fruit"},
        "reference_flow": 30000,
        "lines": [
            {"kind": "material", "id": "urea", "material": "material.fertiliser.urea", "quantity": 300,
             "description": "inputs: urea fertiliser"},
            {"kind": "process_emission", "id": "field-n2o", "gas": "N2O", "quantity": 2.1686,
             "description": "cultivation: direct N2O, 138 kg N x 1 % x 44/28 (IPCC 2019 EF1)"},
            {"kind": "fuel", "id": "tractor-diesel", "fuel": "fuel.diesel", "quantity": 150,
             "description": "cultivation and harvest: tractor diesel"},
            {"kind": "electricity", "id": "irrigation", "quantity": 2000,
             "grid": "elec.cn.lca.2023.national", "description": "cultivation: irrigation pumps"},
            {"kind": "packaging", "id": "cartons", "material": "material.paper.corrugated_board",
             "quantity": 1500, "description": "sorting and packing: cartons"},
            {"kind": "electricity", "id": "packhouse", "quantity": 7712,
             "grid": "elec.cn.lca.2023.national",
             "description": "sorting and packing: washing, waxing, grading, cold store"},
        ]})


def roller_shutter_controller() -> Dossier:
    """Roller-shutter controller, published 1.9 kg CO2e per unit."""
    return Dossier.model_validate({**_BASE,
        "product": {"name": "Roller-shutter controller", "model": "RSC", "category": "electrical_electronic"},
        "functional_unit": {"amount": 1, "unit": "piece"},
        "lines": [
            {"kind": "material", "id": "housing", "material": "material.plastic.abs", "quantity": 0.12},
            {"kind": "material", "id": "pcba", "quantity": 1, "unit": "piece",
             "supplier_pcf": {"value": 0.8125, "unit": "piece", "supplier": "PCBA supplier"}},
            {"kind": "material", "id": "wire", "material": "material.copper.cathode", "quantity": 0.03},
            {"kind": "material", "id": "bracket", "material": "material.steel.bof", "quantity": 0.05},
            {"kind": "electricity", "id": "assembly", "quantity": 0.5, "grid": "elec.cn.lca.2023.national"},
            {"kind": "packaging", "id": "carton", "material": "material.paper.corrugated_board",
             "quantity": 0.06},
            {"kind": "transport", "id": "inbound", "stage": "raw_material",
             "mode": "transport.road.hgv.average", "mass": 0.3, "distance": 1200},
        ]})


def switchgear() -> Dossier:
    """Switchgear set, published 991.5 kg CO2e per set."""
    return Dossier.model_validate({**_BASE,
        "product": {"name": "Medium-voltage switchgear", "model": "MV set", "category": "electrical_electronic"},
        "functional_unit": {"amount": 1, "unit": "set"},
        "lines": [
            {"kind": "material", "id": "enclosure-steel", "material": "material.steel.bof", "quantity": 239.135},
            {"kind": "material", "id": "busbar-copper", "material": "material.copper.cathode", "quantity": 40},
            {"kind": "process_emission", "id": "sf6-filling-loss", "gas": "SF6", "quantity": 5, "unit": "g"},
            {"kind": "electricity", "id": "assembly", "quantity": 150, "grid": "elec.cn.lca.2023.national"},
            {"kind": "material", "id": "insulation", "material": "material.plastic.pc", "quantity": 5},
            {"kind": "transport", "id": "inbound-steel", "stage": "raw_material",
             "mode": "transport.road.hgv.average", "mass": 0.4, "mass_unit": "t", "distance": 800},
        ]})


def locomotive(parts_per_module: int = 97, lines_per_part: int = 100, modules: int = 10) -> Dossier:
    """A locomotive model of about 97,000 data points: 10 modules x 97 parts x 100 lines.

    No published total exists for this case; the dossier shows the engine at that scale.
    """
    mats = ["material.steel.bof", "material.copper.cathode", "material.aluminium.primary",
            "material.plastic.pc"]
    subs: dict[str, Any] = {}
    top = []
    for m in range(modules):
        parts: dict[str, Any] = {}
        refs = []
        for p in range(parts_per_module):
            lines = [{"kind": "material", "id": f"l{k}", "material": mats[(m + p + k) % 4],
                      "quantity": 0.1 * (1 + (k % 10)), "unit": "kg"} for k in range(lines_per_part - 1)]
            lines.append({"kind": "electricity", "id": "machining", "quantity": 2.0 + p % 5,
                          "grid": "elec.cn.lca.2023.national"})
            parts[f"P{p}"] = {"name": f"part {m}.{p}", "lines": lines}
            refs.append({"kind": "subassembly", "id": f"p{p}", "ref": f"P{p}", "quantity": 1 + p % 3})
        subs[f"M{m}"] = {"name": f"module {m}", "lines": refs, "subassemblies": parts}
        top.append({"kind": "subassembly", "id": f"m{m}", "ref": f"M{m}", "quantity": 1})
    return Dossier.model_validate({**_BASE,
        "product": {"name": "Electric locomotive", "model": "reconstruction"},
        "functional_unit": {"amount": 1, "unit": "piece"}, "lines": top, "subassemblies": subs})
