"""Confirmed evidence -> dossier lines (the corrected value wins, the file hash is kept)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from evidence import DossierBuildError, confirm, correct, extract_pdf, samples
from evidence.to_dossier import electricity_line, fuel_line, supplier_pcf

AT = datetime(2024, 4, 2, 9, 0, tzinfo=UTC)


def _confirm_all(data: bytes) -> list:
    result = extract_pdf(data)
    return [confirm(v, by="exporter", at=AT) for v in result.values]


def test_bill_becomes_electricity_line_with_grid_region() -> None:
    sample = samples.electricity_bill("zh")
    result = extract_pdf(sample.data)
    confirmed = [confirm(v, by="exporter", at=AT) for v in result.values if v.field != "consumption_kwh"]
    kwh = result.get("consumption_kwh")
    assert kwh is not None
    confirmed.append(correct(kwh, Decimal("12400"), by="exporter", at=AT, reason="estimated read"))
    line = electricity_line(confirmed, line_id="E1")
    assert line.quantity == 12400.0 and line.grid == "elec.cn.lca.2023.national"
    assert "southwest" in line.description and "西南" in line.description
    assert line.evidence == [result.sha256]
    regional = electricity_line(confirmed, line_id="E1", policy="regional_inventory")
    assert regional.grid == "elec.cn.grid.2023.region.southwest"


def test_fuel_invoice_in_litres_needs_a_density() -> None:
    confirmed = _confirm_all(samples.fuel_invoice("en", quantity=Decimal("1000")).data)
    with pytest.raises(DossierBuildError) as err:
        fuel_line(confirmed, line_id="F1")
    assert err.value.missing == ("density_kg_per_l",)
    line = fuel_line(confirmed, line_id="F1", density_kg_per_l=0.84)
    assert (line.fuel, line.unit, line.quantity) == ("fuel.diesel", "kg", 840.0)


def test_natural_gas_in_m3_uses_the_nm3_factor() -> None:
    confirmed = _confirm_all(samples.fuel_invoice("zh", fuel="natural_gas", unit="m3").data)
    line = fuel_line(confirmed, line_id="F2")
    assert (line.fuel, line.unit) == ("fuel.natural_gas.cn_nm3", "Nm3")


def test_declaration_becomes_supplier_pcf() -> None:
    confirmed = _confirm_all(samples.supplier_declaration("en").data)
    pcf = supplier_pcf(confirmed, unit="kWh", verified=True)
    assert pcf.value == 61.8 and pcf.unit == "kWh" and pcf.verified
    assert pcf.reference is not None and pcf.reference.endswith(":p2")


def test_missing_confirmation_is_named() -> None:
    with pytest.raises(DossierBuildError) as err:
        electricity_line([], line_id="E1")
    assert "consumption_kwh" in err.value.missing and "consumption_kwh" in err.value.message_zh
