"""Pack ``cn_label``: GB/T 24067-2024 and China's carbon-label certification pilot.

Checks boundary and stage coverage, separate reporting (fossil, biogenic, dLUC, aircraft,
iLUC outside the total), electricity factor choice (life-cycle, not inventory grid factor),
cut-off, the national pilot catalogue, and computes the label grade (stars) against a
configurable category benchmark. Data: data/cn_label.json.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from compliance_rules import data
from compliance_rules.cn_label_model import CnLabelSection
from compliance_rules.findings import Severity as S
from compliance_rules.pack import Check, PackVersion
from compliance_rules.rules_util import fmt, ref, rule
from compliance_rules.walk import field_paths, iter_lines, stage_totals, stages_with_lines

PACK_NAME = "cn_label"
GB = "GB/T 24067-2024"
PILOT = "Carbon-label certification pilot (SAMR/MEE/NDRC/MIIT, 2025)"
_STAGE_ZH = {"raw_material": "原材料获取", "production": "生产", "distribution": "分销",
             "use": "使用", "end_of_life": "寿命终止"}
_AGRI = {"citrus", "fruit", "vegetable", "tea", "rice", "grain", "agricultural", "food"}

RULES = (
    rule("cn_label.section.invalid", S.blocking, ref(GB, paragraph="7"),
         "cn_label section has an invalid value", "碳标签部分存在无效值"),
    rule("cn_label.boundary.stage_missing", S.blocking, ref(GB, paragraph="6.3.4", check=True),
         "A stage required by the declared boundary has no data", "声明的系统边界所要求的阶段缺少数据"),
    rule("cn_label.boundary.stage_outside", S.major, ref(GB, paragraph="6.3.4", check=True),
         "Data reported in a stage outside the declared boundary", "存在声明系统边界以外阶段的数据"),
    rule("cn_label.boundary.partial", S.info, ref(GB, paragraph="3.1.1.2", check=True),
         "Partial CFP: the label and certificate must say so", "部分碳足迹：标签与证书须注明"),
    rule("cn_label.report.functional_unit", S.blocking, ref(GB, paragraph="6.3.3", check=True),
         "Functional or declared unit not described", "未描述功能单位或声明单位"),
    rule("cn_label.report.items_missing", S.blocking, ref(GB, paragraph="7.2", check=True),
         "Separately reported GHG values are missing", "缺少须单独报告的温室气体数值"),
    rule("cn_label.report.dluc_not_addressed", S.blocking, ref(GB, paragraph="6.4.9.5", check=True),
         "dLUC is zero without a stated reason for a land-based product", "涉及土地的产品直接土地利用变化为零且无说明"),
    rule("cn_label.report.iluc_separate", S.info, ref(GB, paragraph="6.4.9.5", check=True),
         "iLUC reported separately and excluded from the total", "间接土地利用变化单独报告，不计入总量"),
    rule("cn_label.report.gwp_set", S.major, ref(GB, annex="A", check=True),
         "GWP values are not the standard's reference set (IPCC AR6)", "全球变暖潜势值不是标准参考值（IPCC AR6）"),
    rule("cn_label.electricity.inventory_factor", S.blocking,
         ref("MEE/NBS/NEA announcement on the 2023 electricity CO2 factors (2025-01-17)"),
         "Electricity uses the inventory grid factor instead of the life-cycle factor",
         "电力使用了排放清单电网因子而非全生命周期因子"),
    rule("cn_label.electricity.inventory_factor_immaterial", S.major,
         ref("MEE/NBS/NEA announcement on the 2023 electricity CO2 factors (2025-01-17)"),
         "Inventory grid factor on an immaterial line: correct or justify",
         "非重要数据行使用排放清单电网因子：须更正或说明"),
    rule("cn_label.electricity.instrument_review", S.major, ref(GB, paragraph="6.4.9.4", check=True),
         "Supplier-specific electricity: instrument quality criteria to be confirmed",
         "供应商特定电力：需确认合同工具符合质量要求"),
    rule("cn_label.electricity.unknown_factor", S.minor, ref(GB, paragraph="6.4.9.4", check=True),
         "Electricity factor type cannot be recognised", "无法识别电力排放因子类型"),
    rule("cn_label.cutoff.undeclared", S.major, ref(GB, paragraph="6.3.4.3", check=True),
         "Cut-off criteria not stated", "未声明取舍准则"),
    rule("cn_label.cutoff.exceeded", S.blocking, ref(GB, paragraph="6.3.4.3", check=True),
         "Flows excluded by cut-off exceed the allowed share", "取舍排除的流超过允许比例"),
    rule("cn_label.catalogue.national", S.info, ref(PILOT, annex="first product catalogue (2025-07)"),
         "Product is in the national pilot catalogue", "产品属于国家试点产品目录"),
    rule("cn_label.catalogue.voluntary", S.info, ref("T/DZJN 004-2019"),
         "Not in the national catalogue: voluntary scheme applies", "不在国家目录内：适用自愿性标识方案"),
    rule("cn_label.catalogue.unlisted", S.minor, ref(PILOT, annex="first product catalogue (2025-07)"),
         "No catalogue or scheme category for the product", "产品无对应目录或方案类别"),
    rule("cn_label.grade.assigned", S.info, ref("T/DZJN 004-2019", check=True),
         "Label grade (stars) against the category benchmark", "相对类别基准的标识等级（星级）"),
    rule("cn_label.grade.no_benchmark", S.info, ref("T/DZJN 004-2019", check=True),
         "No category benchmark: label shows the figure without grade", "无类别基准：标识仅显示数值不评级"),
    rule("cn_label.grade.above_benchmark", S.minor, ref("T/DZJN 004-2019", check=True),
         "Footprint above the category benchmark: no star", "碳足迹高于类别基准：无星级"),
    rule("cn_label.grade.unit_mismatch", S.major, ref("T/DZJN 004-2019", check=True),
         "Benchmark unit differs from the functional unit", "基准单位与功能单位不一致"),
)


def _stage_checks(c: Check, scheme: dict[str, Any]) -> None:
    boundary = c.dossier.boundary
    required = scheme["required_stages"][boundary.name]
    totals = stage_totals(c.result)
    present = stages_with_lines(c.dossier, c.result) | {s for s, v in totals.items() if v != 0}
    for stage in required:
        if stage not in present:
            c.emit("cn_label.boundary.stage_missing", "lines",
                   f"The boundary is {boundary.value} but the {stage} stage has no data.",
                   f"系统边界为{boundary.value}，但“{_STAGE_ZH.get(stage, stage)}”阶段没有数据。",
                   stage=stage, boundary=boundary.value)
    for stage in sorted(present - set(required)):
        c.emit("cn_label.boundary.stage_outside", "boundary",
               f"The {stage} stage has data but lies outside the declared {boundary.value} boundary.",
               f"“{_STAGE_ZH.get(stage, stage)}”阶段有数据，但在声明的{boundary.value}边界之外。",
               stage=stage, boundary=boundary.value, value=totals.get(stage, 0.0))
    if boundary.name != "cradle_to_grave":
        c.emit("cn_label.boundary.partial", "boundary",
               f"Partial CFP ({boundary.value}): the certificate and label state the boundary.",
               f"部分碳足迹（{boundary.value}）：证书与标签须注明系统边界。", boundary=boundary.value)


def _report_items(c: Check, section: CnLabelSection, category: str | None) -> dict[str, Any]:
    items: dict[str, Any] = {}
    for name in ("total", "fossil", "biogenic_emissions", "biogenic_removals", "dluc", "aircraft"):
        value = getattr(c.result, name, None)
        if value is None or not math.isfinite(float(value)):
            c.emit("cn_label.report.items_missing", f"result.{name}",
                   f"The footprint result does not report '{name}' separately.",
                   f"碳足迹结果未单独报告“{name}”。", item=name)
        else:
            items[name] = float(value)
    if not (c.dossier.functional_unit.description or "").strip():
        c.emit("cn_label.report.functional_unit", "functional_unit.description",
               "Describe the functional or declared unit (what one unit of product delivers).",
               "请描述功能单位或声明单位（一个单位产品提供的功能）。")
    land_based = bool(items.get("biogenic_removals") or items.get("biogenic_emissions")) or (
        category is not None and category in _AGRI)
    if land_based and items.get("dluc", 0.0) == 0.0 and not (section.dluc_statement or "").strip():
        c.emit("cn_label.report.dluc_not_addressed", "regime_data.cn_label.dluc_statement",
               "dLUC is zero for a land-based product; state why (e.g. no land conversion in the last 20 years).",
               "涉及土地的产品直接土地利用变化为零，请说明原因（如近20年无土地转换）。",
               category=category)
    if section.iluc_kg is not None:
        items["iluc_reported_separately"] = section.iluc_kg
        c.emit("cn_label.report.iluc_separate", "regime_data.cn_label.iluc_kg",
               f"iLUC of {fmt(section.iluc_kg)} kg CO2e is reported separately, not in the total.",
               f"间接土地利用变化{fmt(section.iluc_kg)} kg CO2e单独报告，不计入总量。", iluc_kg=section.iluc_kg)
    if c.dossier.gwp_set != "AR6":
        c.emit("cn_label.report.gwp_set", "gwp_set",
               f"GWP set is {c.dossier.gwp_set}; GB/T 24067-2024 reference values follow IPCC AR6.",
               f"全球变暖潜势采用{c.dossier.gwp_set}；GB/T 24067-2024参考值为IPCC AR6。", gwp_set=c.dossier.gwp_set)
    return items


def electricity_kind(factor_id: str | None) -> str | None:
    """'lifecycle' / 'inventory_grid' from a footprint factor id (elec.cn.lca.* / elec.cn.grid.*)."""
    parts = (factor_id or "").split(".")
    if len(parts) >= 3 and parts[0] == "elec":
        return {"lca": "lifecycle", "grid": "inventory_grid"}.get(parts[2])
    return None


def _line_shares(c: Check) -> dict[str, float]:
    """Share of the |total| carried by each dossier line definition (all its occurrences)."""
    paths = field_paths(c.dossier)
    lines = list(getattr(c.result, "lines", None) or [])
    total = sum(abs(ln.kg_co2e) for ln in lines)
    shares: dict[str, float] = {}
    for ln in lines:
        key = paths.get(ln.path, ln.path)
        shares[key] = shares.get(key, 0.0) + (abs(ln.kg_co2e) / total if total else 0.0)
    return shares


def _electricity(c: Check, scheme: dict[str, Any]) -> None:
    shares = _line_shares(c)
    limit = scheme["electricity"]["materiality_line_share"]
    for lr in iter_lines(c.dossier):
        kind = lr.kind
        if kind not in ("electricity", "use_energy"):
            continue
        instrument = lr.instrument
        if instrument is not None:
            c.emit("cn_label.electricity.instrument_review", f"{lr.path}.instrument",
                   f"Line '{lr.id}' uses a {instrument.type} instrument; the verifier confirms it meets the quality criteria (no double counting, same period and market).",
                   f"行“{lr.id}”使用{instrument.type}电力合同工具；核查方须确认其满足质量要求（无重复计算、同期同市场）。",
                   line_id=lr.id, instrument=instrument.type)
            continue
        field = "grid" if kind == "electricity" else "factor"
        factor_id = lr.factor_id
        if not str(factor_id or "").startswith("elec."):
            if kind == "electricity":
                c.emit("cn_label.electricity.unknown_factor", f"{lr.path}.{field}",
                       f"Line '{lr.id}': electricity factor '{factor_id}' is not a recognised grid factor id.",
                       f"行“{lr.id}”：电力因子“{factor_id}”无法识别。", line_id=lr.id)
            continue
        if electricity_kind(factor_id) == "inventory_grid":
            share = shares.get(lr.path, 0.0)
            material = share >= limit
            c.emit("cn_label.electricity.inventory_factor" if material
                   else "cn_label.electricity.inventory_factor_immaterial", f"{lr.path}.{field}",
                   f"Line '{lr.id}' ({fmt(share * 100, 2)} % of the footprint) uses the inventory grid factor '{factor_id}'; product footprints use the life-cycle electricity factor (e.g. elec.cn.lca.2023.national, 0.6205 kg CO2e/kWh).",
                   f"行“{lr.id}”（占碳足迹{fmt(share * 100, 2)}%）使用排放清单电网因子“{factor_id}”；产品碳足迹应使用全生命周期电力因子（如全国0.6205 kg CO2e/kWh）。",
                   line_id=lr.id, factor_id=factor_id, line_share=share, materiality=limit)
        elif electricity_kind(factor_id) is None:
            c.emit("cn_label.electricity.unknown_factor", f"{lr.path}.{field}",
                   f"Line '{lr.id}': cannot tell whether '{factor_id}' is a life-cycle factor.",
                   f"行“{lr.id}”：无法判断“{factor_id}”是否为全生命周期因子。", line_id=lr.id)


def _cutoff(c: Check, section: CnLabelSection, scheme: dict[str, Any]) -> None:
    rules = scheme["cutoff"]
    if not (section.cutoff_criteria or "").strip():
        c.emit("cn_label.cutoff.undeclared", "regime_data.cn_label.cutoff_criteria",
               "State the cut-off criteria and the flows they exclude.", "请声明取舍准则及其排除的流。")
    total = sum(f.estimated_share for f in section.excluded_flows)
    if total > rules["max_total_excluded_share"]:
        c.emit("cn_label.cutoff.exceeded", "regime_data.cn_label.excluded_flows",
               f"Excluded flows add up to {fmt(total * 100, 2)} % of the footprint; at most {fmt(rules['max_total_excluded_share'] * 100, 2)} % may be cut off.",
               f"被排除的流合计占碳足迹的{fmt(total * 100, 2)}%，最多允许{fmt(rules['max_total_excluded_share'] * 100, 2)}%。",
               excluded_share=total, limit=rules["max_total_excluded_share"])
    for i, flow in enumerate(section.excluded_flows):
        if flow.estimated_share > rules["max_single_flow_share"]:
            c.emit("cn_label.cutoff.exceeded", f"regime_data.cn_label.excluded_flows[{i}].estimated_share",
                   f"Excluded flow '{flow.name}' is {fmt(flow.estimated_share * 100, 2)} % of the footprint; a single flow may be at most {fmt(rules['max_single_flow_share'] * 100, 2)} %.",
                   f"被排除的流“{flow.name}”占{fmt(flow.estimated_share * 100, 2)}%，单个流最多{fmt(rules['max_single_flow_share'] * 100, 2)}%。",
                   excluded_share=flow.estimated_share, limit=rules["max_single_flow_share"])


def _catalogue(c: Check, category: str | None, scheme: dict[str, Any]) -> dict[str, Any]:
    catalogue = data.in_force(scheme["catalogues"], c.as_of, "cn_label.json")
    path = "regime_data.cn_label.catalogue_category" if category and category != c.dossier.product.category else "product.category"
    if catalogue and category in catalogue["categories"]:
        name_zh = catalogue["categories"][category]
        c.emit("cn_label.catalogue.national", path,
               f"'{category}' is in the national pilot catalogue ({catalogue['from']}).",
               f"“{name_zh}”属于国家碳标签认证试点产品目录（{catalogue['from']}）。", category=category)
        return {"scheme": "national_pilot", "category": category, "name_zh": name_zh}
    for key, vol in scheme["voluntary_schemes"].items():
        if category in vol["categories"]:
            c.emit("cn_label.catalogue.voluntary", path,
                   f"'{category}' is not in the national pilot catalogue; the label is issued under {vol['scheme']}.",
                   f"“{category}”不在国家试点目录内；按{vol['scheme']}（{vol['name_zh']}）颁发标识。",
                   category=category, scheme=vol["scheme"])
            return {"scheme": key, "standard": vol["scheme"], "category": category}
    c.emit("cn_label.catalogue.unlisted", path,
           f"Product category '{category}' is in no catalogue or scheme known on {c.as_of.isoformat()}; the label is a GB/T 24067 CFP declaration only.",
           f"产品类别“{category}”在{c.as_of.isoformat()}不属于已知目录或方案；仅作GB/T 24067碳足迹声明。",
           category=category)
    return {"scheme": None, "category": category}


def _grade(c: Check, section: CnLabelSection, scheme: dict[str, Any]) -> dict[str, Any] | None:
    benchmarks = scheme["benchmarks"]["entries"]
    if section.benchmark_id is None:
        c.emit("cn_label.grade.no_benchmark", "regime_data.cn_label.benchmark_id",
               "No category benchmark chosen: the label shows the footprint without a grade.",
               "未选择类别基准：标识仅显示碳足迹数值，不评星级。")
        return None
    bench = benchmarks[section.benchmark_id]
    fu = c.dossier.functional_unit
    expected = f"kg CO2e/{fu.unit}"
    if bench["unit"] != expected or fu.amount != 1:
        c.emit("cn_label.grade.unit_mismatch", "regime_data.cn_label.benchmark_id",
               f"Benchmark '{section.benchmark_id}' is in {bench['unit']} but the footprint is per {fmt(fu.amount)} {fu.unit}.",
               f"基准“{section.benchmark_id}”单位为{bench['unit']}，而碳足迹以每{fmt(fu.amount)} {fu.unit}计。",
               benchmark_unit=bench["unit"], functional_unit=f"{fu.amount} {fu.unit}")
        return None
    ratio = float(c.result.total) / float(bench["value"])
    stars = next((t["stars"] for t in scheme["grading"]["tiers"] if ratio <= t["max_ratio"]), 0)
    grade = {"benchmark_id": section.benchmark_id, "benchmark": bench["value"], "unit": bench["unit"],
             "ratio": ratio, "stars": stars, "illustrative": bool(bench.get("illustrative"))}
    if stars == 0:
        c.emit("cn_label.grade.above_benchmark", "regime_data.cn_label.benchmark_id",
               f"The footprint is {fmt(ratio * 100, 1)} % of the benchmark {fmt(bench['value'])} {bench['unit']}: no star.",
               f"碳足迹为基准{fmt(bench['value'])} {bench['unit']}的{fmt(ratio * 100, 1)}%：无星级。", **grade)
    else:
        c.emit("cn_label.grade.assigned", "regime_data.cn_label.benchmark_id",
               f"{stars} star(s): the footprint is {fmt(ratio * 100, 1)} % of the benchmark {fmt(bench['value'])} {bench['unit']}.",
               f"{stars}星：碳足迹为基准{fmt(bench['value'])} {bench['unit']}的{fmt(ratio * 100, 1)}%。", **grade)
    return grade


def run(c: Check) -> dict[str, Any]:
    scheme = data.load("cn_label")
    section = c.section("cn_label", CnLabelSection, None, "cn_label.section.invalid")
    if section is not None and section.benchmark_id and section.benchmark_id not in scheme["benchmarks"]["entries"]:
        c.emit("cn_label.section.invalid", "regime_data.cn_label.benchmark_id",
               f"Unknown benchmark '{section.benchmark_id}'.", f"未知基准“{section.benchmark_id}”。",
               known=sorted(scheme["benchmarks"]["entries"]))
        section = section.model_copy(update={"benchmark_id": None})
    usable = section or CnLabelSection()
    category = usable.catalogue_category or c.dossier.product.category
    _stage_checks(c, scheme)
    items = _report_items(c, usable, category)
    _electricity(c, scheme)
    _cutoff(c, usable, scheme)
    catalogue = _catalogue(c, category, scheme)
    grade = _grade(c, usable, scheme) if math.isfinite(float(c.result.total)) else None
    return {
        "standard": GB,
        "boundary": c.dossier.boundary.value,
        "partial": c.dossier.boundary.name != "cradle_to_grave",
        "functional_unit": {"amount": c.dossier.functional_unit.amount, "unit": c.dossier.functional_unit.unit},
        "per_stage": stage_totals(c.result),
        "reported": items,
        "catalogue": catalogue,
        "grade": grade,
    }


VERSIONS = (
    PackVersion(
        name=PACK_NAME, version="2025.1", effective_from=date(2025, 3, 1), effective_to=None,
        title_en="China carbon label (GB/T 24067-2024, national pilot)",
        title_zh="中国碳标签（GB/T 24067-2024，国家试点）", rules=RULES, run=run,
    ),
)
