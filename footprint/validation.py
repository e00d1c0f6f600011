"""Whole-dossier checks with full paths: ids, amounts, shares, references, cycles, units.

Runs when a :class:`~footprint.model.Dossier` is built. Paths are slash-joined line ids from the
root: ``"pcb/solder"`` is line ``solder`` inside the sub-assembly pulled in by root line ``pcb``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from footprint.errors import (
    DossierError,
    DuplicateLineIdError,
    InvalidQuantityError,
    InvalidShareError,
    MissingFactorError,
    SubassemblyCycleError,
    UncertaintyError,
    UnknownSubassemblyError,
)
from footprint.tables import OwnerRows, join_rows, joined_cache, owner_rows
from footprint.units import parse_unit

if TYPE_CHECKING:
    from footprint.model import Allocation, Dossier, Subassembly

Registry = Mapping[str, "Subassembly"]
Chain = tuple[Registry, ...]

# (field, may be negative) of plain amounts per line kind
_AMOUNTS: dict[str, tuple[str, ...]] = {
    "material": ("quantity",),
    "packaging": ("quantity",),
    "electricity": ("quantity",),
    "fuel": ("quantity",),
    "transport": ("mass", "distance"),
    "process_emission": ("quantity",),
    "use_energy": ("energy_per_year", "years"),
    "end_of_life": ("mass",),
    "waste": ("quantity",),
    "subassembly": ("quantity",),
}
_UNITS: dict[str, tuple[str, ...]] = {
    "material": ("unit",),
    "packaging": ("unit",),
    "electricity": ("unit",),
    "fuel": ("unit",),
    "transport": ("mass_unit", "distance_unit"),
    "process_emission": ("unit",),
    "use_energy": ("unit",),
    "end_of_life": ("unit",),
    "waste": ("unit",),
}


def resolve(ref: str, chain: Chain) -> tuple[Subassembly, Chain] | None:
    """Find ``ref`` in the innermost registry of ``chain``; return it with its own scope chain."""
    for depth in range(len(chain) - 1, -1, -1):
        sub = chain[depth].get(ref)
        if sub is not None:
            return sub, (*chain[: depth + 1], sub.subassemblies)
    return None


def _amount(value: float, path: str, field: str, *, allow_negative: bool = False) -> None:
    if not math.isfinite(value):
        raise InvalidQuantityError(
            path=path, field=field, reason=f"{field} is {value!r}, not a finite number",
            message_zh=f"{path} 的 {field} 不是有限数值（{value!r}）",
            detail={"value": str(value)},
        )
    if value < 0 and not allow_negative:
        raise InvalidQuantityError(
            path=path, field=field, reason=f"{field} is negative ({value})",
            message_zh=f"{path} 的 {field} 为负数（{value}）", detail={"value": value},
        )


def _share(value: float, path: str, field: str, hi: float = 1.0) -> None:
    _amount(value, path, field)
    if value > hi:
        raise InvalidShareError(
            path=path, field=field, reason=f"{field} = {value} is outside 0..{hi}",
            message_zh=f"{path} 的 {field} = {value} 超出 0..{hi}", detail={"value": value},
        )


def _missing(path: str, field: str, what: str) -> MissingFactorError:
    return MissingFactorError(
        path=path, field=field, reason=f"no factor given: {what}",
        message_zh=f"{path} 缺少排放因子：{what}",
    )


def _check_line(line: Any, path: str) -> None:
    kind = line.kind
    for name in _AMOUNTS[kind]:
        _amount(getattr(line, name), path, name)
    for name in _UNITS.get(kind, ()):
        parse_unit(getattr(line, name), path=path, field=name)
    if kind in ("material", "packaging"):
        if line.material is None and line.supplier_pcf is None:
            raise _missing(path, "material", "give a material factor id or a supplier PCF")
        if line.supplier_pcf is not None:
            pcf = line.supplier_pcf
            parse_unit(pcf.unit, path=path, field="supplier_pcf.unit")
            _amount(pcf.value, path, "supplier_pcf.value", allow_negative=True)
            for f in ("biogenic_emissions", "dluc", "aircraft"):
                _amount(getattr(pcf, f), path, f"supplier_pcf.{f}")
            _amount(pcf.biogenic_removals, path, "supplier_pcf.biogenic_removals",
                    allow_negative=True)
            if pcf.biogenic_removals > 0:
                raise InvalidQuantityError(
                    path=path, field="supplier_pcf.biogenic_removals",
                    reason="biogenic removals must be zero or negative",
                    message_zh=f"{path} 的生物源清除量须为零或负数",
                )
        if line.recycled_content is not None:
            _share(line.recycled_content, path, "recycled_content")
    elif kind == "electricity":
        if line.grid is None and line.instrument is None:
            raise _missing(path, "grid", "give a grid factor id or a supplier instrument")
        if line.instrument is not None:
            _amount(line.instrument.factor, path, "instrument.factor")
    elif kind == "end_of_life":
        c = line.cff
        for f in ("r1", "r2", "r3", "a", "b", "x_heat", "x_elec"):
            _share(getattr(c, f), path, f"cff.{f}")
        for f in ("qsin_qp", "qsout_qp", "lhv"):
            _amount(getattr(c, f), path, f"cff.{f}")
        _share(c.r2 + c.r3, path, "cff.r2+r3")
    if line.dqr is not None:
        for f in ("ter", "ger", "tir", "p"):
            v = getattr(line.dqr, f)
            _amount(v, path, f"dqr.{f}")
            if not 1.0 <= v <= 5.0:
                raise InvalidShareError(
                    path=path, field=f"dqr.{f}", reason=f"DQR criterion {f} = {v} outside 1..5",
                    message_zh=f"{path} 的数据质量评分 {f} = {v} 超出 1..5",
                )
    if line.uncertainty is not None:
        check_uncertainty(line.uncertainty, path)


def check_uncertainty(u: Any, path: str) -> None:
    ok = {
        "lognormal": u.gsd2 is not None and math.isfinite(u.gsd2) and u.gsd2 >= 1.0,
        "normal": u.rel_sd is not None and math.isfinite(u.rel_sd) and u.rel_sd >= 0.0,
        "uniform": u.low is not None and u.high is not None and 0 <= u.low <= 1 <= u.high,
        "triangular": u.low is not None and u.high is not None and 0 <= u.low <= 1 <= u.high,
    }[u.distribution]
    if not ok:
        raise UncertaintyError(
            path=path, field="uncertainty",
            reason=f"{u.distribution} needs gsd2 >= 1, rel_sd >= 0, or 0 <= low <= 1 <= high",
            message_zh=f"{path} 的不确定性参数无效（{u.distribution}）",
        )


def _check_allocation(alloc: Allocation | None, path: str) -> None:
    if alloc is None:
        return
    for i, out in enumerate([alloc.main_product, *alloc.co_products]):
        _amount(out.mass, path, f"allocation.outputs[{i}].mass")
        if alloc.method == "economic":
            if out.economic_value is None:
                raise DossierError(
                    path=path, field=f"allocation.outputs[{i}].economic_value",
                    reason=f"economic allocation needs an economic value for {out.name!r}",
                    message_zh=f"经济价值分配需要 {out.name} 的经济价值",
                )
            _amount(out.economic_value, path, f"allocation.outputs[{i}].economic_value")
    if alloc.factor <= 0:
        raise InvalidShareError(
            path=path, field="allocation", reason="allocation gives the product a zero share",
            message_zh="分配结果使产品份额为零",
        )


def _check_lines(owner: Any, chain: Chain, prefix: str, stack: list[int],
                 keys: list[str], seen: set[int], met: list[OwnerRows]) -> None:
    ids: set[str] = set()
    for line in owner.lines:
        path = f"{prefix}{line.id}"
        if line.id in ids or "/" in line.id or not line.id:
            raise DuplicateLineIdError(
                path=path, field="id",
                reason="line id is empty, contains '/' or repeats within its dossier",
                message_zh=f"行编号 {line.id!r} 为空、含 '/' 或重复",
            )
        ids.add(line.id)
        _check_line(line, path)
        if line.kind != "subassembly":
            continue
        found = resolve(line.ref, chain)
        if found is None:
            raise UnknownSubassemblyError(
                path=path, field="ref", reason=f"sub-assembly {line.ref!r} is not defined",
                message_zh=f"{path} 引用的子组件 {line.ref!r} 未定义", detail={"ref": line.ref},
            )
        sub, sub_chain = found
        if id(sub) in stack:
            cycle = [*keys[stack.index(id(sub)):], line.ref]
            raise SubassemblyCycleError(
                path=path, field="ref", reason="sub-assemblies form a cycle: " + " -> ".join(cycle),
                message_zh="子组件循环引用：" + " -> ".join(cycle), detail={"cycle": cycle},
            )
        if id(sub) in seen:
            continue
        _amount(sub.reference_flow, path, "reference_flow")
        if sub.reference_flow == 0:
            raise InvalidQuantityError(path=path, field="reference_flow",
                                       reason="sub-assembly reference_flow is zero",
                                       message_zh=f"{path} 子组件基准流为零")
        _check_allocation(sub.allocation, path)
        stack.append(id(sub))
        keys.append(line.ref)
        _check_lines(sub, sub_chain, f"{path}/", stack, keys, seen, met)
        stack.pop()
        keys.pop()
        seen.add(id(sub))
    # table rows come after the object lines (and their sub-assemblies), as in the results
    rows = owner_rows(owner, prefix, tuple(ids))
    if rows is not None:
        met.append(rows)


def validate_dossier(d: Dossier) -> None:
    """Raise the first named error found in ``d``; return None when the dossier is sound."""
    if not (math.isfinite(d.reference_flow) and d.reference_flow > 0):
        raise InvalidQuantityError(field="reference_flow", reason="reference_flow must be > 0",
                                   message_zh="基准流必须大于零")
    if not (math.isfinite(d.functional_unit.amount) and d.functional_unit.amount > 0):
        raise InvalidQuantityError(field="functional_unit.amount",
                                   reason="functional unit amount must be > 0",
                                   message_zh="功能单位数量必须大于零")
    parse_unit(d.functional_unit.unit, path="", field="functional_unit.unit")
    if d.reference_period.end < d.reference_period.start:
        raise DossierError(field="reference_period", reason="reference period ends before it starts",
                           message_zh="参考期结束日期早于开始日期")
    _check_allocation(d.allocation, "")
    met: list[OwnerRows] = []  # table rows in the order the calculation meets them
    _check_lines(d, (d.subassemblies,), "", [], [], set(), met)
    joined_cache(d).rows = join_rows(met) if met else None
