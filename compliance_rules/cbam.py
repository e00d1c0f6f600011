"""Pack ``cbam``: EU CBAM, Reg. (EU) 2023/956 as simplified by Reg. (EU) 2025/2083.

CN-code coverage (Annex I), SEE of simple and complex goods (Annex IV; direct, indirect where
Annex II puts it in scope, precursors), default values with the yearly mark-up where actual
data is missing (Impl. Reg. 2025/2621), the 50 t de-minimis test, the CBAM-factor phase-in of
free allocation (Art. 31), deduction of carbon price paid at origin (Art. 9), an estimated
certificate cost, and the operator-to-importer communication data (see cbam_export).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from functools import partial
from typing import Any

from compliance_rules import cbam_calc as calc
from compliance_rules import data
from compliance_rules.cbam_export import communication_data
from compliance_rules.cbam_model import CbamSection
from compliance_rules.findings import Severity as S
from compliance_rules.pack import Check, PackVersion
from compliance_rules.rules_util import fmt, ref, rule

PACK_NAME = "cbam"
REG = "Regulation (EU) 2023/956"
AMD = "Regulation (EU) 2023/956 as amended by Regulation (EU) 2025/2083"
DEFAULTS = "Implementing Regulation (EU) 2025/2621"
BASE = "regime_data.cbam"

RULES = (
    rule("cbam.section.missing", S.blocking, ref(REG, annex="IV"), "cbam section missing", "缺少CBAM部分"),
    rule("cbam.section.invalid", S.blocking, ref(REG, annex="IV"), "cbam section has an invalid value", "CBAM部分存在无效值"),
    rule("cbam.scope.not_covered", S.info, ref(REG, article="2", annex="I"), "Good not listed in Annex I", "货物不在附件I所列范围"),
    rule("cbam.scope.cn_mismatch", S.major, ref(REG, annex="I"), "CN code differs from the product's", "CN编码与产品不一致"),
    rule("cbam.period.transitional", S.info, ref(REG, article="32"), "Transitional period: reporting only", "过渡期：仅报告"),
    rule("cbam.see.default_used", S.major, ref(DEFAULTS, check=True), "Default value with mark-up used for missing actual data", "缺少实际数据，采用默认值加成"),
    rule("cbam.see.unavailable", S.blocking, ref(REG, annex="IV"), "Neither actual data nor a default value", "既无实际数据也无默认值"),
    rule("cbam.defaults.illustrative", S.info, ref(DEFAULTS, check=True), "Default value from the illustrative subset", "默认值取自示例子集"),
    rule("cbam.de_minimis.exempt", S.info, ref(AMD, article="2a", check=True), "Importer under the 50 t de-minimis", "进口商低于50吨豁免线"),
    rule("cbam.de_minimis.counted", S.info, ref(AMD, article="2a", check=True), "Importer over 50 t: whole year counts", "进口商超过50吨：全年进口均计入"),
    rule("cbam.de_minimis.unknown", S.minor, ref(AMD, article="2a", check=True), "Importer's annual mass unknown", "进口商年进口量未知"),
    rule("cbam.carbon_price.uncertified", S.major, ref(REG, article="9"), "Carbon price paid lacks certified evidence", "已付碳价缺少经独立认证的证据"),
    rule("cbam.carbon_price.deducted", S.info, ref(REG, article="9"), "Carbon price paid at origin deducted", "扣减原产国已付碳价"),
    rule("cbam.benchmark.unavailable", S.info, ref(REG, article="31", check=True), "No CBAM benchmark for the free-allocation adjustment", "无免费配额调整基准"),
    rule("cbam.estimate", S.info, ref(REG, article="22", check=True), "Estimated CBAM certificate cost", "CBAM证书成本估算"),
    rule("cbam.installation.incomplete", S.major, ref(REG, article="10", annex="IV", check=True), "Installation identity incomplete for the communication", "设施信息不完整"),
)


def _d(value: str) -> date:
    return data.parse_date(value, "cbam_periods.json")


def _installation(c: Check, s: CbamSection) -> None:
    inst = s.installation
    for field in ("unlocode", "latitude", "longitude"):
        if getattr(inst, field) is None:
            c.emit("cbam.installation.incomplete", f"{BASE}.installation.{field}",
                   f"The installation's {field} is needed for the operator-to-importer communication.",
                   f"设施的{field}为向进口商提供信息所必需。", field=field)


def _see(c: Check, s: CbamSection, sector: calc.Sector) -> calc.SeeResult:
    see = calc.specific_embedded_emissions(s, sector, c.as_of)
    where = {"good.direct": "attributed_direct_t", "good.indirect": "attributed_indirect_t"}
    illustrative = bool(data.load("cbam_defaults").get("illustrative"))
    for part in see.defaults_used:
        path = f"{BASE}.{where.get(part, part.replace('.direct', '.see_direct').replace('.indirect', '.see_indirect'))}"
        c.emit("cbam.see.default_used", path,
               f"No actual data for {part}: the default value plus the {fmt(see.markup * 100, 1)} % mark-up of {c.as_of.year} is used.",
               f"{part}缺少实际数据：采用默认值并加成{fmt(see.markup * 100, 1)}%（{c.as_of.year}年）。",
               part=part, markup=see.markup)
    if see.defaults_used and illustrative:
        c.emit("cbam.defaults.illustrative", f"{BASE}.cn_code",
               "Default values come from Tanpass's illustrative subset, not the official Impl. Reg. 2025/2621 tables: figures are indicative only.",
               "默认值取自Tanpass示例子集，并非实施条例2025/2621正式表格：数值仅供参考。")
    for part in see.unavailable:
        path = f"{BASE}.{where.get(part, part)}"
        c.emit("cbam.see.unavailable", path,
               f"No actual data and no default value for {part}: supply actual emissions.",
               f"{part}既无实际数据也无默认值：请提供实际排放数据。", part=part)
    return see


def _de_minimis(c: Check, s: CbamSection, sector: calc.Sector) -> bool:
    if not sector.de_minimis:
        return False
    limit = data.in_force(data.load("cbam_periods")["de_minimis_tonnes_per_year"], c.as_of)
    if limit is None:
        return False
    path = f"{BASE}.importer_annual_mass_t"
    tonnes = float(limit["tonnes"])
    if s.importer_annual_mass_t is None:
        c.emit("cbam.de_minimis.unknown", path,
               f"Give the importer's net mass this year of iron and steel, aluminium, fertilisers and cement to test the {fmt(tonnes)} t de minimis.",
               f"请提供进口商本年钢铁、铝、化肥、水泥的净进口量，以判断{fmt(tonnes)}吨豁免。")
        return False
    if s.importer_annual_mass_t <= tonnes:
        c.emit("cbam.de_minimis.exempt", path,
               f"{fmt(s.importer_annual_mass_t)} t this year is at most {fmt(tonnes)} t: the importer is exempt (re-check if imports grow).",
               f"本年{fmt(s.importer_annual_mass_t)}吨不超过{fmt(tonnes)}吨：进口商豁免（进口增加时须重新判断）。",
               mass_t=s.importer_annual_mass_t, limit_t=tonnes)
        return True
    c.emit("cbam.de_minimis.counted", path,
           f"{fmt(s.importer_annual_mass_t)} t this year exceeds {fmt(tonnes)} t: all of the year's imports count.",
           f"本年{fmt(s.importer_annual_mass_t)}吨超过{fmt(tonnes)}吨：全年进口均须计入。",
           mass_t=s.importer_annual_mass_t, limit_t=tonnes)
    return False


def _estimate(c: Check, s: CbamSection, see: calc.SeeResult) -> dict[str, Any] | None:
    price = (s.certificate_price_eur, False) if s.certificate_price_eur else calc.certificate_price(c.as_of)
    factor = calc.cbam_factor(c.as_of)
    if price is None or factor is None:
        return None
    bench = calc.benchmark(s.cn_code)
    if bench is None:
        c.emit("cbam.benchmark.unavailable", f"{BASE}.cn_code",
               "No CBAM benchmark for this good: the estimate makes no free-allocation adjustment (upper bound).",
               "该货物无CBAM基准：估算未作免费配额调整（上限值）。")
    paid = s.carbon_price_paid
    deduction = calc.carbon_price_deduction(paid)
    if paid is not None and not paid.evidence_certified:
        c.emit("cbam.carbon_price.uncertified", f"{BASE}.carbon_price_paid.evidence_certified",
               "The carbon price paid is not deducted: Art. 9 needs independently certified evidence that it was actually paid.",
               "已付碳价不予扣减：第9条要求提供经独立认证的实际支付证据。")
    est = calc.cost_estimate(see.in_scope, bench, factor, price[0], deduction, s.shipment_mass_t)
    if paid is not None and paid.evidence_certified:
        c.emit("cbam.carbon_price.deducted", f"{BASE}.carbon_price_paid",
               f"{fmt(est.deduction_eur_per_t, 2)} EUR per tonne deducted for the {paid.instrument} price paid.",
               f"扣减{paid.instrument}已付碳价，每吨{fmt(est.deduction_eur_per_t, 2)}欧元。",
               deduction_eur_per_t=est.deduction_eur_per_t)
    shipment = (f"; {fmt(est.net_eur_per_shipment, 2)} EUR for {fmt(est.shipment_mass_t or 0)} t"
                if est.net_eur_per_shipment is not None else "")
    shipment_zh = (f"；{fmt(est.shipment_mass_t or 0)}吨共{fmt(est.net_eur_per_shipment, 2)}欧元"
                   if est.net_eur_per_shipment is not None else "")
    c.emit("cbam.estimate", BASE,
           f"Estimated {fmt(est.certificates_per_t)} certificates and {fmt(est.net_eur_per_t, 2)} EUR per tonne at {fmt(est.price_eur, 2)} EUR (CBAM factor {fmt(factor)}){shipment}.",
           f"估算每吨{fmt(est.certificates_per_t)}张证书、{fmt(est.net_eur_per_t, 2)}欧元（价格{fmt(est.price_eur, 2)}欧元，CBAM系数{fmt(factor)}）{shipment_zh}。",
           **asdict(est), price_check=price[1])
    return asdict(est) | {"price_check": price[1]}


def run(c: Check, definitive: bool) -> dict[str, Any]:
    s = c.section("cbam", CbamSection, "cbam.section.missing", "cbam.section.invalid")
    if s is None:
        return {}
    sector = calc.sector_of(s.cn_code)
    if sector is None:
        c.emit("cbam.scope.not_covered", f"{BASE}.cn_code",
               f"CN {s.cn_code} is not a CBAM good (Annex I): no CBAM obligation.",
               f"CN {s.cn_code}不属于CBAM货物（附件I）：无CBAM义务。", cn_code=s.cn_code)
        return {"covered": False, "cn_code": s.cn_code}
    product_cn = (c.dossier.product.cn_code or "").replace(" ", "")
    if product_cn and not (product_cn.startswith(s.cn_code) or s.cn_code.startswith(product_cn)):
        c.emit("cbam.scope.cn_mismatch", f"{BASE}.cn_code",
               f"CN {s.cn_code} in the CBAM section differs from the product's CN {product_cn}.",
               f"CBAM部分的CN {s.cn_code}与产品CN {product_cn}不一致。", product_cn=product_cn)
    _installation(c, s)
    see = _see(c, s, sector)
    out: dict[str, Any] = {"covered": True, "sector": sector.key, "cn_code": s.cn_code,
                           "see": asdict(see), "estimate": None, "de_minimis_exempt": False}
    if not definitive:
        c.emit("cbam.period.transitional", BASE,
               f"Transitional period (until {data.load('cbam_periods')['definitive_from']}): quarterly reports only, no certificates.",
               f"过渡期（至{data.load('cbam_periods')['definitive_from']}）：仅季度报告，无需购买证书。")
    else:
        out["de_minimis_exempt"] = _de_minimis(c, s, sector)
        out["estimate"] = _estimate(c, s, see)
    out["communication"] = communication_data(s, see, c.as_of)
    return out


VERSIONS = (
    PackVersion(
        name=PACK_NAME, version="2023/956-transitional", effective_from=date(2023, 10, 1),
        effective_to=date(2026, 1, 1), title_en="EU CBAM, transitional period (reporting)",
        title_zh="欧盟CBAM过渡期（报告）", rules=RULES, run=partial(run, definitive=False),
    ),
    PackVersion(
        name=PACK_NAME, version="2025/2083-definitive", effective_from=date(2026, 1, 1),
        effective_to=None, title_en="EU CBAM, definitive period as simplified by Reg. 2025/2083",
        title_zh="欧盟CBAM正式期（经2025/2083简化）", rules=RULES, run=partial(run, definitive=True),
    ),
)
