"""Units through pint: one registry for the process, conversions cached per unit pair.

Counting units ("piece", "set", "unit", "pcs") are a dimension of their own, so a factor per
piece never silently applies to kilograms. ``t*km`` / ``tkm`` is freight work.
"""

from __future__ import annotations

from functools import lru_cache
from typing import cast

import pint

from footprint.errors import IncompatibleUnitError, UnknownUnitError

_UREG: pint.UnitRegistry | None = None


def ureg() -> pint.UnitRegistry:
    """The process-wide registry (built once: building one takes ~0.3 s)."""
    global _UREG
    if _UREG is None:
        reg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
        reg.define("piece = [count] = pc = pcs = item = unit_item")
        reg.define("set_of_items = piece = set")
        reg.define("unit_of_product = piece = units")
        reg.define("tkm = tonne * kilometer")
        reg.define("Nm3 = meter ** 3")
        _UREG = reg
    return _UREG


_ALIASES = {"unit": "piece", "sets": "piece", "pieces": "piece", "m2": "m**2", "m3": "m**3",
            "t": "tonne", "tCO2e": "tonne"}


@lru_cache(maxsize=4096)
def _parse(unit: str) -> pint.Unit | None:
    text = _ALIASES.get(unit.strip(), unit.strip())
    if not text:
        return None
    try:
        q = ureg().parse_expression(text)
    except Exception:  # pint raises several unrelated types for bad strings
        return None
    if not isinstance(q, pint.Quantity) or q.magnitude != 1:
        return None
    return cast(pint.Unit, q.units)


def parse_unit(unit: str, *, path: str = "", field: str = "unit") -> pint.Unit:
    """Parse ``unit`` or raise :class:`UnknownUnitError` naming the line and field."""
    parsed = _parse(unit)
    if parsed is None:
        raise UnknownUnitError(
            path=path, field=field, reason=f"unknown unit {unit!r}",
            message_zh=f"{path or '数据'} 的单位 {unit!r} 无法识别", detail={"unit": unit},
        )
    return parsed


@lru_cache(maxsize=4096)
def _factor(src: str, dst: str) -> float | None:
    a, b = _parse(src), _parse(dst)
    if a is None or b is None:
        return None
    try:
        return float(ureg().Quantity(1.0, a).to(b).magnitude)
    except pint.DimensionalityError:
        return None


def conversion(src: str, dst: str, *, path: str = "", field: str = "unit") -> float:
    """Multiplier taking an amount in ``src`` to ``dst``; named errors on failure."""
    f = _factor(src, dst)
    if f is None:
        parse_unit(src, path=path, field=field)
        parse_unit(dst, path=path, field=field)
        raise IncompatibleUnitError(
            path=path, field=field,
            reason=f"unit {src!r} cannot be converted to {dst!r} required by the factor",
            message_zh=f"{path} 的单位 {src!r} 无法换算为排放因子要求的 {dst!r}",
            detail={"unit": src, "expected": dst},
        )
    return f
