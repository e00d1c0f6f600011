"""CBAM arithmetic, hand-worked (Reg. 2023/956 Annex IV; illustrative defaults and benchmarks)."""

from datetime import date

import pytest

from compliance_rules.cbam_calc import (
    carbon_price_deduction,
    cbam_factor,
    certificate_price,
    cost_estimate,
    markup,
    sector_of,
    specific_embedded_emissions,
)
from compliance_rules.cbam_model import CbamSection


def _steel(precursor_see: float | None) -> CbamSection:
    return CbamSection.model_validate({
        "installation": {"name": "Rolling mill 2", "operator": "Tangshan Steel", "city": "Tangshan",
                         "country": "CN", "unlocode": "CN TGS", "latitude": 39.63, "longitude": 118.18,
                         "reporting_period_start": "2025-01-01", "reporting_period_end": "2025-12-31"},
        "cn_code": "7208 10 00", "production_route": "hot rolling of purchased slabs",
        "activity_level_t": 1000, "attributed_direct_t": 400,
        "precursors": [{"name": "slab", "cn_code": "72071114", "mass_t": 1050, "see_direct": precursor_see}],
    })


def test_sector_by_longest_prefix() -> None:
    assert sector_of("72081000").key == "iron_steel"
    assert sector_of("76061100").key == "aluminium"
    assert sector_of("25231000").indirect_in_scope is True
    assert sector_of("85044090") is None


def test_complex_good_see_with_actual_precursor() -> None:
    # (400 + 1050 x 1.9) / 1000 = 2.395
    see = specific_embedded_emissions(_steel(1.9), sector_of("72081000"), date(2026, 6, 1))
    assert see.direct == pytest.approx(2.395)
    assert see.in_scope == pytest.approx(2.395)  # indirect not in scope for steel
    assert see.defaults_used == []


@pytest.mark.parametrize(("as_of", "expected"), [
    (date(2026, 6, 1), 0.4 + 1.05 * 2.10 * 1.10),  # 2.8255
    (date(2027, 6, 1), 0.4 + 1.05 * 2.10 * 1.20),  # 3.046
    (date(2028, 6, 1), 0.4 + 1.05 * 2.10 * 1.30),  # 3.2665
])
def test_precursor_default_with_yearly_markup(as_of: date, expected: float) -> None:
    see = specific_embedded_emissions(_steel(None), sector_of("72081000"), as_of)
    assert see.direct == pytest.approx(expected)
    assert see.defaults_used == ["precursors[0].direct"]


def test_dated_series() -> None:
    assert markup(date(2025, 12, 31)) == 0.0
    assert markup(date(2026, 1, 1)) == pytest.approx(0.10)
    assert markup(date(2031, 1, 1)) == pytest.approx(0.30)
    assert cbam_factor(date(2026, 3, 1)) == pytest.approx(0.975)
    assert cbam_factor(date(2034, 1, 1)) == 0.0
    assert cbam_factor(date(2025, 1, 1)) is None
    assert certificate_price(date(2026, 2, 1)) == (75.36, True)


def test_cost_estimate_with_deduction() -> None:
    # certificates = 2.395 - 1.4 x 0.975 = 1.03 t/t; x 75.36 = 77.6208 EUR/t
    # deduction = 100 CNY x 0.127 EUR/CNY x 0.4 t = 5.08 EUR/t; net 72.5408; 25 t = 1813.52
    section = _steel(1.9).model_copy(update={"carbon_price_paid": None})
    paid = CbamSection.model_validate({**section.model_dump(), "carbon_price_paid": {
        "instrument": "China national ETS", "price_per_t_co2e": 100, "currency": "CNY",
        "eur_per_unit": 0.127, "covered_t_co2e_per_t_good": 0.4, "evidence_certified": True}}).carbon_price_paid
    deduction = carbon_price_deduction(paid)
    assert deduction == pytest.approx(5.08)
    est = cost_estimate(2.395, 1.4, 0.975, 75.36, deduction, 25.0)
    assert est.certificates_per_t == pytest.approx(1.03)
    assert est.gross_eur_per_t == pytest.approx(77.6208)
    assert est.net_eur_per_t == pytest.approx(72.5408)
    assert est.net_eur_per_shipment == pytest.approx(1813.52)


def test_uncertified_carbon_price_not_deducted() -> None:
    paid = CbamSection.model_validate({**_steel(1.9).model_dump(), "carbon_price_paid": {
        "instrument": "China national ETS", "price_per_t_co2e": 100, "currency": "CNY",
        "eur_per_unit": 0.127, "covered_t_co2e_per_t_good": 0.4, "evidence_certified": False}}).carbon_price_paid
    assert carbon_price_deduction(paid) == 0.0


def test_deduction_capped_at_gross() -> None:
    est = cost_estimate(1.0, 1.0, 0.975, 75.36, 50.0, None)
    # certificates 0.025 x 75.36 = 1.884 EUR; deduction capped to 1.884
    assert est.net_eur_per_t == pytest.approx(0.0)
    assert est.net_eur_per_shipment is None
