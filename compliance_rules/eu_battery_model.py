"""The dossier's ``regime_data["eu_battery"]`` section (Reg. (EU) 2023/1542).

Fields the declaration, the passport and the label need; completeness is judged by the pack
(as findings with the field path), so most fields are optional here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

_STRICT = ConfigDict(extra="forbid")

BatteryCategory = Literal["ev", "industrial", "industrial_external_storage", "lmt", "sli", "portable"]


class Manufacturer(BaseModel):
    model_config = _STRICT

    name: str = Field(min_length=1)
    address: str = Field(min_length=1)
    identifier: str | None = Field(default=None, description="e.g. USCC or EORI")


class Plant(BaseModel):
    model_config = _STRICT

    name: str = Field(min_length=1)
    city: str = Field(min_length=1)
    country: str = Field(min_length=2, max_length=2)
    address: str | None = None


class RecycledContent(BaseModel):
    """Share of each material recovered from waste, in the active materials (lead: of the battery)."""

    model_config = _STRICT

    cobalt: float | None = Field(default=None, ge=0, le=1)
    lithium: float | None = Field(default=None, ge=0, le=1)
    nickel: float | None = Field(default=None, ge=0, le=1)
    lead: float | None = Field(default=None, ge=0, le=1)


class Passport(BaseModel):
    """Public (model-level) passport data, Annex XIII point 1."""

    model_config = _STRICT

    passport_id: str | None = None
    qr_url: str | None = Field(default=None, pattern=r"^https://")
    chemistry: str | None = None
    hazardous_substances: list[str] | None = None
    critical_raw_materials: list[str] | None = None
    renewable_content_share: float | None = Field(default=None, ge=0, le=1)
    rated_capacity_ah: float | None = Field(default=None, gt=0)
    nominal_voltage_v: float | None = Field(default=None, gt=0)
    power_w: float | None = Field(default=None, gt=0)
    expected_lifetime_cycles: int | None = Field(default=None, gt=0)


class Label(BaseModel):
    model_config = _STRICT

    annex_vi_content: bool = False
    qr_code: bool = False


class EuBatterySection(BaseModel):
    model_config = _STRICT

    category: BatteryCategory
    vehicle_class: Literal["M1", "N1", "L", "M2", "M3", "N2", "N3"] | None = None
    usable_energy_kwh: float = Field(gt=0, description="usable energy at beginning of life")
    cycles_per_year: float | None = Field(default=None, gt=0, description="full-equivalent cycles")
    service_years: float = Field(gt=0)
    chemistry: str = Field(min_length=1)
    manufacturer: Manufacturer | None = None
    battery_model: str | None = None
    plant: Plant | None = None
    declaration_of_conformity_id: str | None = None
    study_url: str | None = Field(default=None, pattern=r"^https?://")
    recycled_content: RecycledContent | None = None
    passport: Passport | None = None
    label: Label = Field(default_factory=Label)
