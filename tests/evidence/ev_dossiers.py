"""Dossiers used by the evidence tests (flat: the template holds no sub-assemblies)."""

from __future__ import annotations

from datetime import date

from footprint.model import (
    DQR,
    Boundary,
    Dossier,
    ElectricityLine,
    FuelLine,
    FunctionalUnit,
    MaterialLine,
    PackagingLine,
    ProcessEmissionLine,
    Product,
    ReferencePeriod,
    Stage,
    SupplierPCF,
    TransportLine,
    Uncertainty,
    UseEnergyLine,
    WasteLine,
)


def flat_dossier() -> Dossier:
    return Dossier(
        product=Product(name="磷酸铁锂电池包 LFP pack", model="LF-280", category="lithium_battery_power",
                        cn_code="85076000", description="储能电池包"),
        functional_unit=FunctionalUnit(amount=1.0, unit="kWh", description="1 kWh 额定容量"),
        boundary=Boundary.cradle_to_gate,
        reference_period=ReferencePeriod(start=date(2024, 1, 1), end=date(2024, 12, 31)),
        reference_flow=1000.0,
        gwp_set="AR6",
        lines=[
            MaterialLine(id="M1", description="steel case", quantity=1200.5, unit="kg",
                         material="material.steel.bof", origin="河北",
                         dqr=DQR(ter=2, ger=1, tir=2, p=3),
                         uncertainty=Uncertainty(distribution="lognormal", gsd2=1.21)),
            MaterialLine(id="M2", description="cells", quantity=1000, unit="kg",
                         supplier_pcf=SupplierPCF(value=61.8, unit="kg", supplier="宁德示例",
                                                  reference="DECL-2024-7", verified=True),
                         evidence=["a" * 64, "b" * 64]),
            PackagingLine(id="P1", quantity=80, unit="kg", material="material.paper.corrugated_board"),
            ElectricityLine(id="E1", description="assembly hall", quantity=12345.6, unit="kWh",
                            grid="elec.cn.lca.2023.national"),
            FuelLine(id="F1", fuel="fuel.diesel", quantity=500, unit="kg"),
            TransportLine(id="T1", mode="transport.road.hgv.average", mass=1.2, mass_unit="t",
                          distance=350, distance_unit="km"),
            ProcessEmissionLine(id="G1", gas="SF6", quantity=0.01, unit="kg"),
            UseEnergyLine(id="U1", stage=Stage.use, energy_per_year=12, years=10,
                          factor="elec.cn.lca.2023.national"),
            WasteLine(id="W1", treatment="waste.landfill.commercial", quantity=20, unit="kg"),
        ],
    )
