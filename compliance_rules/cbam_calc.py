"""CBAM arithmetic: coverage, specific embedded emissions, defaults with mark-up, cost estimate.

Annex IV of Reg. (EU) 2023/956: simple goods SEE = AttrEm / AL; complex goods
SEE = (AttrEm + EE_InpMat) / AL with EE_InpMat = sum_i M_i x SEE_i. Direct and indirect are
computed separately; indirect counts only for sectors where Annex II puts it in scope.
Where actual data is missing the default value (Impl. Reg. 2025/2621) plus the mark-up of the
import year is used. Certificates per tonne = max(0, SEE_in_scope - benchmark x CBAM factor);
cost = certificates x price - carbon price effectively paid at origin (Art. 9).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from compliance_rules import data
from compliance_rules.cbam_model import CarbonPricePaid, CbamSection


@dataclass(frozen=True)
class Sector:
    key: str
    indirect_in_scope: bool
    de_minimis: bool
    gases: tuple[str, ...]


def sector_of(cn_code: str) -> Sector | None:
    """The CBAM sector (Annex I) covering ``cn_code`` by longest prefix, or None."""
    digits = cn_code.replace(" ", "")
    best: tuple[int, str, dict[str, Any]] | None = None
    for key, sector in data.load("cbam_goods")["sectors"].items():
        for prefix in sector["cn"]:
            if digits.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), key, sector)
    if best is None:
        return None
    _, key, sector = best
    return Sector(key, sector["indirect_in_scope"], sector["de_minimis"], tuple(sector["gases"]))


def markup(as_of: date) -> float:
    """The default-value mark-up in force (0 before the definitive period)."""
    entry = data.in_force(data.load("cbam_markups")["markups"], as_of, "cbam_markups.json")
    return float(entry["markup"]) if entry else 0.0


def cbam_factor(as_of: date) -> float | None:
    entry = data.in_force(data.load("cbam_factors")["factors"], as_of, "cbam_factors.json")
    return float(entry["cbam_factor"]) if entry else None


def certificate_price(as_of: date) -> tuple[float, bool] | None:
    """(EUR per certificate, check flag) in force on ``as_of``."""
    entry = data.in_force(data.load("cbam_prices")["prices"], as_of, "cbam_prices.json")
    return (float(entry["eur_per_t"]), bool(entry.get("check"))) if entry else None


def _by_prefix(rows: list[dict[str, Any]], cn_code: str, **match: str) -> dict[str, Any] | None:
    hits = [
        r for r in rows
        if cn_code.startswith(r["cn"]) and all(r.get(k) == v for k, v in match.items())
    ]
    return max(hits, key=lambda r: len(r["cn"])) if hits else None


def default_value(cn_code: str, country: str) -> dict[str, Any] | None:
    """The default-value row (direct, indirect, before mark-up) for a CN code and origin."""
    return _by_prefix(data.load("cbam_defaults")["defaults"], cn_code, country=country)


def benchmark(cn_code: str) -> float | None:
    row = _by_prefix(data.load("cbam_benchmarks")["benchmarks"], cn_code)
    return float(row["value"]) if row else None


@dataclass
class SeeResult:
    """Specific embedded emissions of one good, t CO2e per t, and where each part came from."""

    direct: float
    indirect: float
    in_scope: float
    own_direct: float  # AttrEm_dir / AL (or the default)
    own_indirect: float
    precursors_direct: float  # sum M_i SEE_i,dir / AL
    precursors_indirect: float
    markup: float
    defaults_used: list[str] = field(default_factory=list)  # "good.direct", "precursors[0].direct" ...
    unavailable: list[str] = field(default_factory=list)  # parts with neither actual nor default


def specific_embedded_emissions(
    section: CbamSection, sector: Sector, as_of: date
) -> SeeResult:
    mk = markup(as_of)
    used: list[str] = []
    missing: list[str] = []
    al = section.activity_level_t
    country = section.installation.country
    good_default = default_value(section.cn_code, country)

    def own(actual: float | None, part: str) -> float:
        if actual is not None:
            return actual / al
        if good_default is None:
            missing.append(f"{part}")
            return 0.0
        used.append(part)
        return float(good_default[part.split(".")[-1]]) * (1 + mk)

    own_dir = own(section.attributed_direct_t, "good.direct")
    indirect_needed = sector.indirect_in_scope
    own_ind = (
        own(section.attributed_indirect_t, "good.indirect")
        if indirect_needed or section.attributed_indirect_t is not None
        else 0.0
    )
    pre_dir = pre_ind = 0.0
    for i, p in enumerate(section.precursors):
        p_default = default_value(p.cn_code, p.country)
        for kind in ("direct", "indirect"):
            actual = p.see_direct if kind == "direct" else p.see_indirect
            if kind == "indirect" and not indirect_needed and actual is None:
                continue
            part = f"precursors[{i}].{kind}"
            if actual is not None:
                see = actual
            elif p_default is not None:
                used.append(part)
                see = float(p_default[kind]) * (1 + mk)
            else:
                missing.append(part)
                see = 0.0
            if kind == "direct":
                pre_dir += p.mass_t * see / al
            else:
                pre_ind += p.mass_t * see / al
    direct = own_dir + pre_dir
    indirect = own_ind + pre_ind
    in_scope = direct + (indirect if indirect_needed else 0.0)
    return SeeResult(direct, indirect, in_scope, own_dir, own_ind, pre_dir, pre_ind, mk, used, missing)


@dataclass(frozen=True)
class CostEstimate:
    """Estimated CBAM certificate cost, EUR, per tonne of good and per shipment."""

    see_in_scope: float
    benchmark: float | None
    cbam_factor: float
    certificates_per_t: float
    price_eur: float
    gross_eur_per_t: float
    deduction_eur_per_t: float
    net_eur_per_t: float
    shipment_mass_t: float | None
    net_eur_per_shipment: float | None


def carbon_price_deduction(paid: CarbonPricePaid | None) -> float:
    """EUR per tonne of good deductible under Art. 9 (0 without certified evidence)."""
    if paid is None or not paid.evidence_certified:
        return 0.0
    net_price = max(0.0, paid.price_per_t_co2e - paid.rebate_per_t_co2e)
    return net_price * paid.eur_per_unit * paid.covered_t_co2e_per_t_good


def cost_estimate(
    see_in_scope: float,
    bench: float | None,
    factor: float,
    price_eur: float,
    deduction_eur_per_t: float,
    shipment_mass_t: float | None,
) -> CostEstimate:
    adjustment = (bench or 0.0) * factor
    certificates = max(0.0, see_in_scope - adjustment)
    gross = certificates * price_eur
    deduction = min(gross, deduction_eur_per_t)
    net = gross - deduction
    per_shipment = net * shipment_mass_t if shipment_mass_t is not None else None
    return CostEstimate(
        see_in_scope, bench, factor, certificates, price_eur, gross, deduction, net,
        shipment_mass_t, per_shipment,
    )
