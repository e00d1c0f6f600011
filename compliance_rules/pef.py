"""Pack ``pef``: Product Environmental Footprint, Commission Recommendation (EU) 2021/2279.

Tanpass computes one of the 16 EF impact categories (climate change) and says so; checks the
fossil / biogenic / LULUC split, the DQR of the most relevant processes, and that end-of-life
is modelled with the Circular Footprint Formula. Data: data/pef.json.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from compliance_rules import data
from compliance_rules.findings import Severity as S
from compliance_rules.pack import Check, PackVersion
from compliance_rules.rules_util import fmt, ref, rule
from compliance_rules.walk import field_paths, iter_lines

PACK_NAME = "pef"
PEF = "Commission Recommendation (EU) 2021/2279"


class PefSection(BaseModel):
    """The dossier's optional ``regime_data["pef"]`` section."""

    model_config = ConfigDict(extra="forbid")

    pefcr: str | None = Field(default=None, description="product category rule applied, if any")
    most_relevant_share: float | None = Field(default=None, gt=0, le=1)


RULES = (
    rule("pef.section.invalid", S.blocking, ref(PEF, annex="I"), "pef section has an invalid value",
         "PEF部分存在无效值"),
    rule("pef.categories.not_assessed", S.info, ref(PEF, annex="I", paragraph="4.4.1", check=True),
         "Only climate change assessed; the other 15 EF categories are not", "仅评估气候变化，其余15个类别未评估"),
    rule("pef.climate.split", S.info, ref(PEF, annex="I", paragraph="4.4.1", check=True),
         "Climate change split into fossil, biogenic and LULUC", "气候变化分为化石、生物源和土地利用变化"),
    rule("pef.climate.split_inconsistent", S.blocking, ref(PEF, annex="I", paragraph="4.4.1", check=True),
         "Sub-indicators do not add up to the climate change total", "子指标之和不等于气候变化总量"),
    rule("pef.boundary.partial", S.major, ref(PEF, annex="I", paragraph="4.2.3", check=True),
         "PEF studies are cradle-to-grave unless a PEFCR says otherwise", "PEF研究应为从摇篮到坟墓，PEFCR另有规定除外"),
    rule("pef.dqr.missing", S.major, ref(PEF, annex="I", paragraph="4.6.5", check=True),
         "Most relevant process without a DQR", "最相关过程缺少数据质量评级"),
    rule("pef.dqr.above_threshold", S.blocking, ref(PEF, annex="I", paragraph="4.6.5", check=True),
         "Most relevant process DQR above the limit", "最相关过程数据质量评级超限"),
    rule("pef.dqr.overall", S.info, ref(PEF, annex="I", paragraph="4.6.5", check=True),
         "Overall data quality level", "总体数据质量等级"),
    rule("pef.cff.not_applied", S.blocking, ref(PEF, annex="I", paragraph="4.4.8", check=True),
         "End of life not modelled with the Circular Footprint Formula", "寿命终止未采用循环足迹公式建模"),
    rule("pef.cff.a_value", S.minor, ref(PEF, annex="C", check=True),
         "CFF allocation factor A outside Annex C values", "循环足迹公式分配系数A不在附件C取值范围"),
    rule("pef.gwp.ar6", S.minor, ref(PEF, annex="I", paragraph="4.4.1", check=True),
         "EF 3.1 climate change uses IPCC AR6 GWP100", "EF 3.1气候变化采用IPCC AR6 GWP100"),
)


def _level(dqr: float, table: dict[str, Any]) -> str:
    return next(lv["level"] for lv in table["dqr_levels"]["levels"] if dqr <= lv["max"])


def most_relevant(lines: list[Any], share: float) -> list[Any]:
    """Lines contributing, ranked by |kg CO2e|, cumulatively at least ``share`` of the sum."""
    ranked = sorted(lines, key=lambda ln: abs(ln.kg_co2e), reverse=True)
    total = sum(abs(ln.kg_co2e) for ln in ranked)
    picked: list[Any] = []
    running = 0.0
    for ln in ranked:
        if total == 0 or running >= share * total:
            break
        picked.append(ln)
        running += abs(ln.kg_co2e)
    return picked


def _climate(c: Check) -> dict[str, float]:
    r = c.result
    split = {"fossil": r.fossil, "biogenic": r.biogenic_emissions + r.biogenic_removals, "luluc": r.dluc}
    c.emit("pef.categories.not_assessed", "result",
           "Climate change is assessed; the other 15 EF impact categories (ozone depletion ... resource use, fossils) are NOT assessed: this is not a full PEF profile.",
           "仅评估气候变化；其余15个环境足迹影响类别（臭氧消耗……化石资源使用）未评估：这不是完整的PEF结果。",
           assessed=["climate_change"])
    gap = r.total - sum(split.values())
    if abs(gap) > 1e-6 * max(1.0, abs(r.total)):
        c.emit("pef.climate.split_inconsistent", "result.total",
               f"fossil + biogenic + LULUC = {fmt(sum(split.values()))} but the total is {fmt(r.total)}.",
               f"化石+生物源+土地利用变化 = {fmt(sum(split.values()))}，但总量为{fmt(r.total)}。", gap=gap)
    else:
        c.emit("pef.climate.split", "result",
               f"Climate change {fmt(r.total)} kg CO2e: fossil {fmt(split['fossil'])}, biogenic {fmt(split['biogenic'])}, LULUC {fmt(split['luluc'])}.",
               f"气候变化{fmt(r.total)} kg CO2e：化石{fmt(split['fossil'])}，生物源{fmt(split['biogenic'])}，土地利用变化{fmt(split['luluc'])}。",
               **split)
    return split


def _dqr(c: Check, table: dict[str, Any], share: float) -> list[dict[str, Any]]:
    paths = field_paths(c.dossier)
    limit = table["dqr_max_most_relevant"]
    out = []
    for ln in most_relevant(list(c.result.lines), share):
        path = f"{paths.get(ln.path, ln.path)}.dqr"
        out.append({"path": ln.path, "kg_co2e": ln.kg_co2e, "dqr": ln.dqr})
        if ln.dqr is None:
            c.emit("pef.dqr.missing", path,
                   f"Line '{ln.path}' ({fmt(ln.kg_co2e)} kg CO2e) is a most relevant process but has no DQR.",
                   f"行“{ln.path}”（{fmt(ln.kg_co2e)} kg CO2e）为最相关过程，但缺少数据质量评级。", line=ln.path)
        elif ln.dqr > limit:
            c.emit("pef.dqr.above_threshold", path,
                   f"Line '{ln.path}' is a most relevant process with DQR {fmt(ln.dqr, 2)}; at most {fmt(limit, 1)} is allowed.",
                   f"行“{ln.path}”为最相关过程，数据质量评级{fmt(ln.dqr, 2)}，上限为{fmt(limit, 1)}。",
                   line=ln.path, dqr=ln.dqr, limit=limit)
    if c.result.dqr is not None:
        level = _level(c.result.dqr, table)
        c.emit("pef.dqr.overall", "result.dqr", f"Overall DQR {fmt(c.result.dqr, 2)} ({level}).",
               f"总体数据质量评级{fmt(c.result.dqr, 2)}（{level}）。", dqr=c.result.dqr, level=level)
    return out


def _cff(c: Check, table: dict[str, Any]) -> None:
    paths = field_paths(c.dossier)
    eol_lines = [ln for ln in c.result.lines if ln.stage == "end_of_life"]
    for ln in eol_lines:
        if ln.kind != "end_of_life":
            c.emit("pef.cff.not_applied", paths.get(ln.path, ln.path),
                   f"End-of-life line '{ln.path}' is a {ln.kind} line; model it as an end_of_life line with CFF parameters.",
                   f"寿命终止行“{ln.path}”为{ln.kind}类型；请按带循环足迹公式参数的寿命终止行建模。", line=ln.path)
    if c.dossier.boundary.name == "cradle_to_grave" and not any(ln.kind == "end_of_life" for ln in eol_lines):
        c.emit("pef.cff.not_applied", "lines",
               "A cradle-to-grave PEF needs end-of-life lines modelled with the Circular Footprint Formula.",
               "从摇篮到坟墓的PEF需要采用循环足迹公式的寿命终止数据行。")
    allowed = table["cff_a_values"]
    for lr in iter_lines(c.dossier):
        if lr.kind == "end_of_life" and lr.line.cff.a not in allowed:
            c.emit("pef.cff.a_value", f"{lr.path}.cff.a",
                   f"A = {fmt(lr.line.cff.a)} is not one of the Annex C values {allowed}; justify it.",
                   f"A = {fmt(lr.line.cff.a)}不是附件C的取值{allowed}，请说明理由。", a=lr.line.cff.a)


def run(c: Check) -> dict[str, Any]:
    table = data.load("pef")
    section = c.section("pef", PefSection, None, "pef.section.invalid") or PefSection()
    split = _climate(c)
    if c.dossier.boundary.name != "cradle_to_grave" and not section.pefcr:
        c.emit("pef.boundary.partial", "boundary",
               f"The boundary is {c.dossier.boundary.value}; name the PEFCR that allows it or model cradle-to-grave.",
               f"系统边界为{c.dossier.boundary.value}；请注明允许该边界的PEFCR，或按从摇篮到坟墓建模。")
    if c.dossier.gwp_set != "AR6":
        c.emit("pef.gwp.ar6", "gwp_set", f"GWP set {c.dossier.gwp_set}: EF 3.1 uses IPCC AR6.",
               f"全球变暖潜势为{c.dossier.gwp_set}：EF 3.1采用IPCC AR6。")
    relevant = _dqr(c, table, section.most_relevant_share or table["most_relevant_share"])
    _cff(c, table)
    return {"climate_change": {"total": c.result.total, **split}, "assessed": table["assessed"],
            "not_assessed": [k for k in table["impact_categories"] if k not in table["assessed"]],
            "most_relevant": relevant, "dqr": c.result.dqr, "pefcr": section.pefcr}


VERSIONS = (
    PackVersion(
        name=PACK_NAME, version="2021/2279", effective_from=date(2021, 12, 16), effective_to=None,
        title_en="EU Product Environmental Footprint (Rec. 2021/2279), climate change",
        title_zh="欧盟产品环境足迹（建议2021/2279），气候变化", rules=RULES, run=run,
    ),
)
