"""A CBAM dossier (hot-rolled steel coil, the worked example of tests/compliance_rules) and an
application carrying it, for API and portal tests."""

from __future__ import annotations

import uuid
from typing import Any

INSTALLATION = {"name": "Rolling mill 2", "operator": "Tangshan Steel Co.", "city": "Tangshan",
                "country": "CN", "unlocode": "CN TGS", "latitude": 39.63, "longitude": 118.18,
                "reporting_period_start": "2025-01-01", "reporting_period_end": "2025-12-31"}


def steel_dossier() -> dict[str, Any]:
    """SEE direct (400 + 1050 x 1.9) / 1000 = 2.395 t CO2e/t; 25 t per shipment."""
    section = {"installation": INSTALLATION, "cn_code": "7208 10 00",
               "production_route": "hot rolling of slabs", "activity_level_t": 1000,
               "attributed_direct_t": 400, "electricity_mwh": 120,
               "precursors": [{"name": "slab", "cn_code": "72071114", "mass_t": 1050,
                               "see_direct": 1.9}],
               "source_streams": [{"name": "natural gas", "kind": "fuel", "amount": 200000,
                                   "unit": "Nm3", "emissions_t_co2e": 400}],
               "shipment_mass_t": 25, "importer_annual_mass_t": 800,
               "carbon_price_paid": {"instrument": "China national ETS", "price_per_t_co2e": 100,
                                     "currency": "CNY", "eur_per_unit": 0.127,
                                     "covered_t_co2e_per_t_good": 0.4,
                                     "evidence_certified": True}}
    return {
        "product": {"name": "Hot-rolled coil", "model": "HRC-3mm", "cn_code": "72081000",
                    "category": "steel"},
        "functional_unit": {"amount": 1, "unit": "t", "description": "one tonne of coil"},
        "boundary": "cradle-to-gate",
        "reference_period": {"start": "2025-01-01", "end": "2025-12-31"},
        "lines": [{"kind": "material", "id": "steel", "material": "material.steel.bof",
                   "quantity": 1000, "unit": "kg"},
                  {"kind": "electricity", "id": "mill", "quantity": 100, "unit": "kWh",
                   "grid": "elec.cn.lca.2023.national"}],
        "regime_data": {"cbam": section},
    }


def add_cbam_application(sessions: Any, org_id: str, user_id: str, *, regimes: list[str],
                         with_dossier: bool = True, status: str = "awaiting_verification") -> str:
    """An application of ``org_id`` (regimes as given) with the steel dossier as version 1."""
    from footprint import Dossier, calculate
    from store import Application, DossierVersion, FootprintRecord, Product, transaction

    with transaction(sessions) as s:
        product = Product(org_id=org_id, name="Hot-rolled coil", model="HRC-3mm",
                          category="steel", cn_code="72081000")
        s.add(product)
        s.flush()
        app = Application(org_id=org_id, product_id=product.id, regimes=regimes, status=status,
                          workflow_id=f"wf-{uuid.uuid4().hex}", created_by=user_id)
        s.add(app)
        s.flush()
        if with_dossier:
            content = steel_dossier()
            result = calculate(Dossier.model_validate(content))
            s.add(DossierVersion(application_id=app.id, version=1, sha256="1" * 64,
                                 content=content, submitted_by=user_id))
            s.add(FootprintRecord(application_id=app.id, dossier_version=1, total=result.total,
                                  unit="kg CO2e/t", factor_set_id=result.factor_set_id,
                                  factor_set_version=result.factor_set_version,
                                  result=result.model_dump(mode="json")))
        return app.id
