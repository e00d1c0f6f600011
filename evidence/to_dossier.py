"""Turn confirmed evidence values into dossier lines.

Only ``Confirmation`` values enter a dossier (never raw proposals). Each line records the
evidence file's SHA-256 in ``evidence`` and what it was read from in ``description``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from evidence.errors import DossierBuildError
from evidence.normalize import GRID_REGIONS
from evidence.provenance import Confirmation
from footprint.factors import FactorSet, load_factor_set
from footprint.model import ElectricityLine, FuelLine, Stage, SupplierPCF

GridPolicy = Literal["lca_national", "regional_inventory"]


def _by_field(confirmed: Sequence[Confirmation], need: Sequence[str], kind: str) -> dict[str, Confirmation]:
    got = {c.field: c for c in confirmed}
    missing = [n for n in need if n not in got]
    if missing:
        raise DossierBuildError(missing, kind)
    return got


def _evidence(confirmed: Sequence[Confirmation]) -> list[str]:
    return list(dict.fromkeys(c.original.provenance.sha256 for c in confirmed))


def electricity_line(
    confirmed: Sequence[Confirmation],
    *,
    line_id: str,
    stage: Stage = Stage.production,
    policy: GridPolicy = "lca_national",
    factor_set: FactorSet | None = None,
) -> ElectricityLine:
    """An electricity line from a confirmed bill.

    ``lca_national`` (default) uses the national life-cycle factor, as GB/T 24067 product
    footprints and the EU battery draft act ask (DOMAIN.md section 3, 4); the grid region is
    kept in the description. ``regional_inventory`` picks the newest regional inventory factor
    of the set for the bill's region (organisational inventories)."""
    got = _by_field(confirmed, ("consumption_kwh", "billing_period_start", "billing_period_end"),
                    "electricity_bill")
    fs = factor_set or load_factor_set()
    region = got.get("grid_region")
    region_key = str(region.value) if region else None
    if policy == "lca_national":
        grid = _newest(fs, "elec.cn.lca.", ".national")
    else:
        if region_key is None:
            raise DossierBuildError(["grid_region"], "electricity_bill")
        grid = _newest(fs, "elec.cn.grid.", f".region.{region_key}")
    zh_en = GRID_REGIONS.get(region_key or "", ("", ""))
    meter = got.get("meter_number")
    parts = [
        f"bill {got['billing_period_start'].value}..{got['billing_period_end'].value}",
        f"meter {meter.value}" if meter else "",
        f"grid region {region_key} ({zh_en[0]} {zh_en[1]})" if region_key else "",
    ]
    return ElectricityLine(
        id=line_id, stage=stage, quantity=float(_decimal(got["consumption_kwh"])), unit="kWh",
        grid=grid, description="; ".join(p for p in parts if p), evidence=_evidence(confirmed),
    )


def fuel_line(
    confirmed: Sequence[Confirmation],
    *,
    line_id: str,
    stage: Stage = Stage.production,
    density_kg_per_l: float | None = None,
    factor_set: FactorSet | None = None,
) -> FuelLine:
    """A fuel line from a confirmed invoice. Litres of a liquid fuel need ``density_kg_per_l``
    (the factors are per kg); it is stated in the description, never assumed."""
    got = _by_field(confirmed, ("fuel", "quantity", "unit"), "fuel_invoice")
    fs = factor_set or load_factor_set()
    fuel = str(got["fuel"].value)
    unit = str(got["unit"].value)
    quantity = float(_decimal(got["quantity"]))
    factor = f"fuel.{fuel}"
    note = ""
    if fuel == "natural_gas" and unit in {"m3", "Nm3"}:
        factor, unit = "fuel.natural_gas.cn_nm3", "Nm3"
    elif unit == "L":
        if density_kg_per_l is None:
            raise DossierBuildError(["density_kg_per_l"], "fuel_invoice")
        quantity, unit = quantity * density_kg_per_l, "kg"
        note = f"; {got['quantity'].value} L x {density_kg_per_l} kg/L"
    if factor not in fs.factors:
        raise DossierBuildError([f"factor {factor}"], "fuel_invoice")
    return FuelLine(id=line_id, stage=stage, fuel=factor, quantity=quantity, unit=unit,
                    description=f"fuel invoice: {fuel}{note}", evidence=_evidence(confirmed))


def supplier_pcf(confirmed: Sequence[Confirmation], *, unit: str, verified: bool) -> SupplierPCF:
    """A supplier PCF (for a material line) from a confirmed declaration. ``unit`` is the
    dossier unit the declared value is per (the declared unit as printed is free text)."""
    got = _by_field(confirmed, ("footprint_value", "product", "declared_unit"), "supplier_declaration")
    supplier = got.get("supplier") or got.get("verifier")
    return SupplierPCF(
        value=float(_decimal(got["footprint_value"])), unit=unit,
        supplier=str(got["supplier"].value) if "supplier" in got else None,
        reference=f"{got['footprint_value'].original.provenance.sha256}"
                  f":p{got['footprint_value'].original.provenance.page}",
        verified=verified and supplier is not None,
    )


def _decimal(c: Confirmation) -> Decimal:
    if not isinstance(c.value, Decimal):
        raise DossierBuildError([c.field], "number")
    return c.value


def _newest(fs: FactorSet, prefix: str, suffix: str) -> str:
    ids = sorted(fid for fid in fs.factors if fid.startswith(prefix) and fid.endswith(suffix))
    if not ids:
        raise DossierBuildError([f"factor {prefix}*{suffix}"], "electricity_bill")
    return ids[-1]
