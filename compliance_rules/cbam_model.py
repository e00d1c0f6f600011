"""The dossier's ``regime_data["cbam"]`` section: what the installation operator declares.

Amounts in tonnes (t) of good and t CO2e; the communication template fields of the
Commission's operator-to-importer template (Reg. 2023/956 Annex IV; DOMAIN.md section 5).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

_STRICT = ConfigDict(extra="forbid")


def _cn_digits(value: str) -> str:
    digits = "".join(ch for ch in value if not ch.isspace())
    if not digits.isdigit() or len(digits) not in (4, 6, 8, 10):
        raise ValueError("a CN code has 4, 6, 8 or 10 digits")
    return digits


CnCode = Annotated[str, AfterValidator(_cn_digits)]


class Installation(BaseModel):
    model_config = _STRICT

    name: str = Field(min_length=1)
    operator: str = Field(min_length=1)
    city: str = Field(min_length=1)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    unlocode: str | None = Field(default=None, pattern=r"^[A-Z]{2} ?[A-Z2-9]{3}$")
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    reporting_period_start: date
    reporting_period_end: date

    @model_validator(mode="after")
    def _period(self) -> Installation:
        if self.reporting_period_end < self.reporting_period_start:
            raise ValueError("reporting_period_end is before reporting_period_start")
        return self


class Precursor(BaseModel):
    """A relevant precursor: M_i tonnes used for the activity level, with its own SEE."""

    model_config = _STRICT

    name: str = Field(min_length=1)
    cn_code: CnCode
    mass_t: float = Field(ge=0)
    country: str = Field(default="CN", min_length=2, max_length=2)
    see_direct: float | None = Field(default=None, ge=0, description="t CO2e/t, actual")
    see_indirect: float | None = Field(default=None, ge=0, description="t CO2e/t, actual")
    supplier_installation: str | None = None


class CarbonPricePaid(BaseModel):
    """Carbon price effectively paid in the country of origin (Reg. 2023/956 Art. 9)."""

    model_config = _STRICT

    instrument: str = Field(min_length=1, description="e.g. China national ETS")
    price_per_t_co2e: float = Field(ge=0, description="in the local currency")
    currency: str = Field(min_length=3, max_length=3)
    eur_per_unit: float = Field(gt=0, description="exchange rate: EUR per unit of currency")
    rebate_per_t_co2e: float = Field(default=0.0, ge=0)
    covered_t_co2e_per_t_good: float = Field(ge=0, description="embedded emissions that bore the price")
    evidence_certified: bool = Field(description="independently certified evidence of payment")


class SourceStream(BaseModel):
    model_config = _STRICT

    name: str
    kind: str = Field(description="fuel, material, process input ...")
    amount: float = Field(ge=0)
    unit: str
    emissions_t_co2e: float = Field(ge=0)


class CbamSection(BaseModel):
    """One CBAM good (the dossier's product) as produced at one installation."""

    model_config = _STRICT

    installation: Installation
    cn_code: CnCode
    production_route: str = Field(min_length=1)
    activity_level_t: float = Field(gt=0, description="AL: tonnes of the good produced")
    attributed_direct_t: float | None = Field(default=None, ge=0, description="AttrEm direct")
    attributed_indirect_t: float | None = Field(default=None, ge=0, description="AttrEm indirect")
    electricity_mwh: float | None = Field(default=None, ge=0)
    precursors: list[Precursor] = Field(default_factory=list)
    source_streams: list[SourceStream] = Field(default_factory=list)
    carbon_price_paid: CarbonPricePaid | None = None
    shipment_mass_t: float | None = Field(default=None, gt=0)
    importer_annual_mass_t: float | None = Field(
        default=None, ge=0, description="the importer's net mass this year of de-minimis sectors"
    )
    certificate_price_eur: float | None = Field(default=None, gt=0, description="assumed price")
