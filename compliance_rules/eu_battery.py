"""Pack ``eu_battery``: carbon footprint declaration and related duties, Reg. (EU) 2023/1542.

Applicability by category and date (Art. 7(1)), declaration content (a)-(g), the functional
unit E_total = usable energy x cycles/year x service years, the four declared stages (use
excluded, Annex II), electricity modelling (draft method act), performance class and threshold
from dated tables (Art. 7(2), 7(3)), recycled content (Art. 8), passport (Art. 77, Annex XIII)
and label (Art. 13). Output: the declaration document data. Data: data/eu_battery*.json.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from compliance_rules import data
from compliance_rules.eu_battery_model import EuBatterySection
from compliance_rules.findings import Severity as S
from compliance_rules.pack import Check, PackVersion
from compliance_rules.rules_util import fmt, ref, rule
from compliance_rules.walk import iter_lines, stage_totals, stages_with_lines

PACK_NAME = "eu_battery"
BR = "Regulation (EU) 2023/1542"
DRAFT = "Draft delegated act on the EV battery carbon-footprint method (2024)"
_PIECE_UNITS = {"piece", "pcs", "unit", "battery", "pack", "set"}
_MATERIAL_ZH = {"cobalt": "钴", "lithium": "锂", "nickel": "镍", "lead": "铅"}

RULES = (
    rule("eu_battery.section.missing", S.blocking, ref(BR, article="7", paragraph="1"),
         "eu_battery section missing", "缺少欧盟电池法规部分"),
    rule("eu_battery.section.invalid", S.blocking, ref(BR, article="7", paragraph="1"),
         "eu_battery section has an invalid value", "欧盟电池法规部分存在无效值"),
    rule("eu_battery.scope.declaration_required", S.info, ref(BR, article="7", paragraph="1"),
         "Carbon footprint declaration required on the check date", "检查日已须提供碳足迹声明"),
    rule("eu_battery.scope.declaration_not_yet", S.info, ref(BR, article="7", paragraph="1", check=True),
         "Declaration not yet required (date or method act pending)", "尚未要求碳足迹声明（日期或方法法案未定）"),
    rule("eu_battery.scope.not_covered", S.info, ref(BR, article="7", paragraph="1"),
         "Battery category has no carbon footprint declaration duty", "该电池类别无碳足迹声明义务"),
    rule("eu_battery.declaration.missing_item", S.blocking, ref(BR, article="7", paragraph="1"),
         "Declaration item (a)-(g) missing", "碳足迹声明(a)-(g)项缺失"),
    rule("eu_battery.functional_unit.not_per_battery", S.blocking, ref(BR, annex="II", paragraph="3", check=True),
         "Dossier not modelled per one battery", "申报资料未按单个电池建模"),
    rule("eu_battery.functional_unit.cycles_missing", S.blocking, ref(DRAFT, check=True),
         "Full-equivalent cycles per year unknown", "每年等效满充放循环次数未知"),
    rule("eu_battery.functional_unit.cycles_differ", S.major, ref(DRAFT, check=True),
         "Cycles per year differ from the method act value", "每年循环次数与方法法案值不一致"),
    rule("eu_battery.stages.use_included", S.blocking, ref(BR, annex="II", paragraph="2", check=True),
         "Use stage included (it is excluded from the declaration)", "包含使用阶段（声明应排除）"),
    rule("eu_battery.stages.missing", S.blocking, ref(BR, annex="II", paragraph="2", check=True),
         "A declared life-cycle stage has no data", "某个须声明的生命周期阶段没有数据"),
    rule("eu_battery.electricity.not_accepted", S.blocking, ref(DRAFT, check=True),
         "Electricity not modelled as national mix or direct connection", "电力未按全国平均消费组合或直连建模"),
    rule("eu_battery.performance_class.unpublished", S.info, ref(BR, article="7", paragraph="2"),
         "No performance class table published yet", "尚未公布碳足迹性能等级表"),
    rule("eu_battery.performance_class.assigned", S.info, ref(BR, article="7", paragraph="2"),
         "Carbon footprint performance class", "碳足迹性能等级"),
    rule("eu_battery.threshold.unpublished", S.info, ref(BR, article="7", paragraph="3"),
         "No maximum threshold published yet", "尚未公布碳足迹最大限值"),
    rule("eu_battery.threshold.exceeded", S.blocking, ref(BR, article="7", paragraph="3"),
         "Carbon footprint above the maximum threshold", "碳足迹超过最大限值"),
    rule("eu_battery.recycled_content.undocumented", S.blocking, ref(BR, article="8", paragraph="1"),
         "Recycled content share not documented", "未提供再生材料含量文件"),
    rule("eu_battery.recycled_content.below_target", S.blocking, ref(BR, article="8", paragraph="2"),
         "Recycled content below the target in force", "再生材料含量低于现行目标"),
    rule("eu_battery.recycled_content.upcoming_shortfall", S.minor, ref(BR, article="8", paragraph="3"),
         "Recycled content below a coming target", "再生材料含量低于即将生效的目标"),
    rule("eu_battery.passport.incomplete", S.blocking, ref(BR, article="77", annex="XIII"),
         "Battery passport public data incomplete", "电池护照公开数据不完整"),
    rule("eu_battery.passport.upcoming", S.minor, ref(BR, article="77", annex="XIII"),
         "Battery passport data incomplete ahead of its start date", "电池护照生效前数据尚不完整"),
    rule("eu_battery.label.content_missing", S.blocking, ref(BR, article="13", paragraph="1", annex="VI"),
         "Label lacks the Annex VI content", "标签缺少附件VI内容"),
    rule("eu_battery.label.qr_missing", S.blocking, ref(BR, article="13", paragraph="6", check=True),
         "Label lacks the QR code", "标签缺少二维码"),
)


def _d(value: str) -> date:
    return data.parse_date(value, "eu_battery.json")


def _scope(c: Check, s: EuBatterySection, table: dict[str, Any]) -> None:
    cat = table["declaration"]["categories"].get(s.category)
    if s.category == "industrial" and s.usable_energy_kwh <= cat["min_kwh"]:
        cat = None
    if cat is None:
        c.emit("eu_battery.scope.not_covered", "regime_data.eu_battery.category",
               f"No carbon footprint declaration duty for category '{s.category}' ({fmt(s.usable_energy_kwh)} kWh); the declaration is voluntary.",
               f"“{s.category}”类电池（{fmt(s.usable_energy_kwh)} kWh）无碳足迹声明义务，声明为自愿。", category=s.category)
        return
    start = _d(cat["from"])
    act = cat.get("method_act_adopted")
    if act is None:
        c.emit("eu_battery.scope.declaration_not_yet", "regime_data.eu_battery.category",
               f"The declaration applies from the later of {start.isoformat()} and 12 months after the delegated act on the method, which is not yet adopted.",
               f"声明义务自{start.isoformat()}与方法授权法案通过后12个月两者中较晚者起适用；该法案尚未通过。",
               category=s.category, category_date=start.isoformat())
        return
    adopted = _d(act)
    due = max(start, adopted.replace(year=adopted.year + 1))
    if c.as_of >= due:
        c.emit("eu_battery.scope.declaration_required", "regime_data.eu_battery.category",
               f"A carbon footprint declaration is required since {due.isoformat()}.",
               f"自{due.isoformat()}起须提供碳足迹声明。", due=due.isoformat())
    else:
        c.emit("eu_battery.scope.declaration_not_yet", "regime_data.eu_battery.category",
               f"The declaration becomes mandatory on {due.isoformat()}.",
               f"碳足迹声明自{due.isoformat()}起强制。", due=due.isoformat())


def _declaration(c: Check, s: EuBatterySection) -> None:
    items = {
        "a": ("manufacturer", s.manufacturer, "manufacturer", "制造商"),
        "b": ("battery_model", s.battery_model or c.dossier.product.model, "battery model", "电池型号"),
        "c": ("plant", s.plant, "plant location", "生产厂址"),
        "f": ("declaration_of_conformity_id", s.declaration_of_conformity_id,
              "EU declaration of conformity ID", "欧盟符合性声明编号"),
        "g": ("study_url", s.study_url, "web link to the public study", "公开研究报告链接"),
    }
    for point, (field, value, en, zh) in items.items():
        if not value:
            c.emit("eu_battery.declaration.missing_item", f"regime_data.eu_battery.{field}",
                   f"Declaration item ({point}) {en} is missing.", f"碳足迹声明第({point})项{zh}缺失。", point=point)


def _functional_unit(c: Check, s: EuBatterySection, table: dict[str, Any]) -> float | None:
    fu = c.dossier.functional_unit
    ok = fu.amount == 1 and fu.unit.lower() in _PIECE_UNITS
    if not ok:
        c.emit("eu_battery.functional_unit.not_per_battery", "functional_unit",
               f"Model the footprint per one battery (functional unit is {fmt(fu.amount)} {fu.unit}); it is then divided by E_total.",
               f"请按单个电池建模（当前功能单位为{fmt(fu.amount)} {fu.unit}），再除以全寿命总能量。",
               amount=fu.amount, unit=fu.unit)
    fixed = table["cycles_per_year"]["by_vehicle_class"].get(s.vehicle_class or "")
    cycles = s.cycles_per_year if s.cycles_per_year is not None else fixed
    if cycles is None:
        c.emit("eu_battery.functional_unit.cycles_missing", "regime_data.eu_battery.cycles_per_year",
               "Give the full-equivalent cycles per year (or the vehicle class that fixes them).",
               "请提供每年等效满充放循环次数（或确定该值的车辆类别）。")
        return None
    if fixed is not None and s.cycles_per_year is not None and s.cycles_per_year != fixed:
        c.emit("eu_battery.functional_unit.cycles_differ", "regime_data.eu_battery.cycles_per_year",
               f"{fmt(s.cycles_per_year)} cycles/year declared; the method act fixes {fixed} for class {s.vehicle_class}.",
               f"声明每年{fmt(s.cycles_per_year)}次循环；方法法案对{s.vehicle_class}类规定为{fixed}次。",
               declared=s.cycles_per_year, fixed=fixed)
    return s.usable_energy_kwh * cycles * s.service_years if ok else None


def _stages(c: Check, table: dict[str, Any]) -> None:
    totals = stage_totals(c.result)
    present = stages_with_lines(c.dossier, c.result) | {k for k, v in totals.items() if v != 0}
    if "use" in present:
        c.emit("eu_battery.stages.use_included", "lines",
               f"The use stage ({fmt(totals.get('use', 0.0))} kg CO2e) is excluded from the battery declaration; remove its lines.",
               f"电池碳足迹声明不含使用阶段（{fmt(totals.get('use', 0.0))} kg CO2e），请删除相关数据行。",
               value=totals.get("use", 0.0))
    for stage in table["declared_stages"]:
        if stage not in present:
            c.emit("eu_battery.stages.missing", "lines", f"The declared stage '{stage}' has no data.",
                   f"须声明的阶段“{stage}”没有数据。", stage=stage)


def _national_mix(factor_id: str | None) -> bool:
    """A life-cycle national consumption mix factor id (elec.<cc>.lca.<year>.national)."""
    parts = str(factor_id or "").split(".")
    return len(parts) >= 5 and parts[0] == "elec" and parts[2] == "lca" and parts[-1] == "national"


def _electricity(c: Check) -> None:
    for lr in iter_lines(c.dossier):
        if lr.kind != "electricity":
            continue
        inst = lr.instrument
        if inst is not None and inst.type != "direct_line":
            c.emit("eu_battery.electricity.not_accepted", f"{lr.path}.instrument",
                   f"Line '{lr.id}': a {inst.type} is not accepted; use the national consumption mix unless the source is directly connected.",
                   f"行“{lr.id}”：不接受{inst.type}；除直连电源外应使用全国平均消费组合。",
                   line_id=lr.id, instrument=inst.type)
        elif inst is None and not _national_mix(lr.factor_id):
            c.emit("eu_battery.electricity.not_accepted", f"{lr.path}.grid",
                   f"Line '{lr.id}': factor '{lr.factor_id}' is not a national average mix.",
                   f"行“{lr.id}”：因子“{lr.factor_id}”不是全国平均组合。",
                   line_id=lr.id, factor_id=lr.factor_id)


def _class_and_threshold(c: Check, s: EuBatterySection, per_kwh: float | None) -> str | None:
    tables = data.load("eu_battery_classes")
    table = data.in_force([t for t in tables["class_tables"] if t["category"] == s.category], c.as_of)
    path = "result.total"
    klass = None
    if table is None:
        c.emit("eu_battery.performance_class.unpublished", path,
               f"No performance class table for '{s.category}' is published as of {c.as_of.isoformat()}; no class is declared.",
               f"截至{c.as_of.isoformat()}尚未公布“{s.category}”类性能等级表，不声明等级。", category=s.category)
    elif per_kwh is not None:
        klass = next((k["class"] for k in table["classes"] if per_kwh <= k["max_kg_per_kwh"]), None)
        c.emit("eu_battery.performance_class.assigned", path, f"Performance class {klass}.",
               f"碳足迹性能等级{klass}。", performance_class=klass)
    limit = data.in_force([t for t in tables["thresholds"] if t["category"] == s.category], c.as_of)
    if limit is None:
        c.emit("eu_battery.threshold.unpublished", path,
               f"No maximum carbon footprint threshold for '{s.category}' is published as of {c.as_of.isoformat()}.",
               f"截至{c.as_of.isoformat()}尚未公布“{s.category}”类碳足迹最大限值。", category=s.category)
    elif per_kwh is not None and per_kwh > limit["max_kg_per_kwh"]:
        c.emit("eu_battery.threshold.exceeded", path,
               f"{fmt(per_kwh)} kg CO2e/kWh exceeds the maximum {fmt(limit['max_kg_per_kwh'])}.",
               f"{fmt(per_kwh)} kg CO2e/kWh超过最大限值{fmt(limit['max_kg_per_kwh'])}。",
               value=per_kwh, limit=limit["max_kg_per_kwh"])
    return klass


def _materials(chemistry: str, shares: dict[str, float | None]) -> list[str]:
    """Art. 8 materials a chemistry contains: lead for lead-acid; lithium, plus cobalt and
    nickel when the chemistry names them (NMC, NCA, LCO) or a share is given (LFP has neither)."""
    chem = chemistry.lower().replace("-", "")
    if "lead" in chem or chem.startswith("pb"):
        return ["lead"]
    found = ["lithium"] if "li" in chem or "lfp" in chem or "nmc" in chem else []
    for material, marks in (("cobalt", ("co", "nmc", "nca", "lco")), ("nickel", ("ni", "nmc", "nca"))):
        if shares.get(material) is not None or any(m in chem for m in marks):
            found.append(material)
    return found


def _recycled(c: Check, s: EuBatterySection, table: dict[str, Any]) -> None:
    rc = table["recycled_content"]
    if s.category not in rc["applies_to"]:
        return
    shares = s.recycled_content.model_dump() if s.recycled_content else {}
    base = "regime_data.eu_battery.recycled_content"
    if c.as_of >= _d(rc["documentation_from"]) and not any(v is not None for v in shares.values()):
        c.emit("eu_battery.recycled_content.undocumented", base,
               f"Document the recycled cobalt, lithium, nickel and lead shares (required since {rc['documentation_from']}).",
               f"请提供再生钴、锂、镍、铅含量（自{rc['documentation_from']}起要求）。")
    current = data.in_force(rc["targets"], c.as_of, "eu_battery.json")
    upcoming = [t for t in rc["targets"] if _d(t["from"]) > c.as_of]
    nxt = min(upcoming, key=lambda t: t["from"]) if upcoming else None
    materials = _materials(s.chemistry, shares)
    for target, rule_id in ((current, "eu_battery.recycled_content.below_target"),
                            (nxt, "eu_battery.recycled_content.upcoming_shortfall")):
        if target is None:
            continue
        for material in materials:
            share = shares.get(material)
            if share is None or share < target[material]:
                got = "not given" if share is None else f"{fmt(share * 100, 2)} %"
                got_zh = "未提供" if share is None else f"{fmt(share * 100, 2)}%"
                c.emit(rule_id, f"{base}.{material}",
                       f"Recycled {material}: {got}; the target from {target['from']} is {fmt(target[material] * 100, 2)} %.",
                       f"再生{_MATERIAL_ZH[material]}：{got_zh}；自{target['from']}起目标为{fmt(target[material] * 100, 2)}%。",
                       material=material, share=share, target=target[material], target_from=target["from"])


def _passport_and_label(c: Check, s: EuBatterySection, table: dict[str, Any]) -> None:
    pp = table["passport"]
    if s.category in pp["applies_to"]:
        given = s.passport.model_dump() if s.passport else {}
        missing = [f for f in pp["public_fields"] if given.get(f) in (None, "")]
        if not given.get("chemistry") and s.chemistry:
            missing = [f for f in missing if f != "chemistry"]
        in_force = c.as_of >= _d(pp["from"])
        for field in missing:
            c.emit("eu_battery.passport.incomplete" if in_force else "eu_battery.passport.upcoming",
                   f"regime_data.eu_battery.passport.{field}",
                   f"Battery passport field '{field}' is missing (passport required from {pp['from']}).",
                   f"电池护照字段“{field}”缺失（自{pp['from']}起要求电池护照）。", field=field, passport_from=pp["from"])
    lb = table["label"]
    if c.as_of >= _d(lb["annex_vi_from"]) and not s.label.annex_vi_content:
        c.emit("eu_battery.label.content_missing", "regime_data.eu_battery.label.annex_vi_content",
               f"The label must carry the Annex VI information (since {lb['annex_vi_from']}).",
               f"标签须包含附件VI信息（自{lb['annex_vi_from']}起）。")
    if c.as_of >= _d(lb["qr_from"]) and not s.label.qr_code:
        c.emit("eu_battery.label.qr_missing", "regime_data.eu_battery.label.qr_code",
               f"The label must carry a QR code (since {lb['qr_from']}).", f"标签须带二维码（自{lb['qr_from']}起）。")


def run(c: Check) -> dict[str, Any]:
    table = data.load("eu_battery")
    s = c.section("eu_battery", EuBatterySection, "eu_battery.section.missing", "eu_battery.section.invalid")
    if s is None:
        return {}
    _scope(c, s, table)
    _declaration(c, s)
    e_total = _functional_unit(c, s, table)
    _stages(c, table)
    _electricity(c)
    totals = stage_totals(c.result)
    declared = {st: totals.get(st, 0.0) for st in table["declared_stages"]}
    per_kwh = sum(declared.values()) / e_total if e_total else None
    klass = _class_and_threshold(c, s, per_kwh)
    _recycled(c, s, table)
    _passport_and_label(c, s, table)
    return {"declaration": {
        "manufacturer": s.manufacturer.model_dump() if s.manufacturer else None,
        "battery_model": s.battery_model or c.dossier.product.model,
        "plant": s.plant.model_dump() if s.plant else None,
        "category": s.category,
        "chemistry": s.chemistry,
        "e_total_kwh": e_total,
        "carbon_footprint_kg_co2e_per_kwh": per_kwh,
        "per_stage_kg_co2e_per_kwh": {k: v / e_total for k, v in declared.items()} if e_total else None,
        "performance_class": klass,
        "declaration_of_conformity_id": s.declaration_of_conformity_id,
        "study_url": s.study_url,
        "recycled_content": s.recycled_content.model_dump() if s.recycled_content else None,
    }}


VERSIONS = (
    PackVersion(
        name=PACK_NAME, version="2023/1542", effective_from=date(2024, 2, 18), effective_to=None,
        title_en="EU Battery Regulation (EU) 2023/1542", title_zh="欧盟电池法规 (EU) 2023/1542",
        rules=RULES, run=run,
    ),
)
