"""Shared helpers: a tiny factor set with round numbers, and a dossier builder."""

from __future__ import annotations

from typing import Any

import pytest

from footprint import Dossier, Factor, FactorSet, FactorSource, GwpTable, load_factor_set

SRC = FactorSource(document="test figures", year=2024)


def _f(fid: str, value: float | None, unit: str = "kg CO2e/kg", **kw: Any) -> Factor:
    return Factor(id=fid, name=fid, unit=unit, value=value, source=SRC, valid_from="2024-01-01",
                  **kw)


def tiny_factor_set() -> FactorSet:
    """Round numbers so every expected figure can be worked by hand."""
    factors = [
        _f("mat.a", 2.0), _f("mat.rec", 0.5), _f("disp", 0.1), _f("eer", 3.0),
        _f("heat", 0.05, "kg CO2e/MJ"), _f("elecmj", 0.1, "kg CO2e/MJ"),
        _f("grid", 0.5, "kg CO2e/kWh"), _f("truck", 0.1, "kg CO2e/(t*km)"),
        _f("plane", 1.0, "kg CO2e/(t*km)", aircraft=True), _f("part", 3.0, "kg CO2e/piece"),
        _f("wood", -1.5, carbon="biogenic"), _f("soy", 4.0, carbon="dluc"),
        Factor(id="fuel", name="fuel", unit="kg CO2e/kg", gases={"CO2": 3.0, "CH4": 0.01, "N2O": 0.001},
               source=SRC, valid_from="2024-01-01"),
    ]
    return FactorSet(
        id="tiny", version="1", published="2024-01-01",
        gwp={"AR6": GwpTable(source=SRC, values={"CO2": 1, "CH4_fossil": 29.8, "CH4_non_fossil": 27.0,
                                                  "N2O": 273, "SF6": 25200}),
             "AR5": GwpTable(source=SRC, values={"CO2": 1, "CH4_fossil": 30, "CH4_non_fossil": 28,
                                                  "N2O": 265, "SF6": 23500})},
        factors={f.id: f for f in factors},
    )


def dossier(lines: list[dict[str, Any]], **kw: Any) -> Dossier:
    data: dict[str, Any] = {
        "product": {"name": "Test product", "model": "T-1"},
        "functional_unit": {"amount": 1, "unit": "piece"},
        "boundary": "cradle-to-grave",
        "reference_period": {"start": "2024-01-01", "end": "2024-12-31"},
        "lines": lines,
    }
    data.update(kw)
    return Dossier.model_validate(data)


@pytest.fixture(scope="session")
def tiny() -> FactorSet:
    return tiny_factor_set()


@pytest.fixture(scope="session")
def cn() -> FactorSet:
    return load_factor_set("tanpass-cn", "2025.1")
