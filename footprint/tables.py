"""Line tables as numpy columns: whole-column checks and the engine's factor-free arrays.

:func:`owner_rows` turns the ``line_tables`` of one dossier or sub-assembly into one
:class:`OwnerRows` (all its tables, in order): float columns with ``np.asarray``, categorical
columns (factor id, unit, stage) as integer codes into their distinct values, so a factor and a
unit conversion are later resolved once per distinct (factor, unit) key, not per row. Every check
is vectorised or runs per distinct value; an error names the first bad row by table and row id
(``path`` = the row's line path, ``detail`` = table label, row index, row id).

The result is cached on the owner. It is valid while the owner holds the same table objects:
tables are frozen and their columns are tuples, so a table object never changes after
validation; replacing or adding a table changes the identities and the arrays are rebuilt.

:func:`join_rows` joins the owners' rows of a whole dossier, in the order the calculation meets
them, with one key list for the dossier (a bill of materials names a few dozen distinct
(factor, unit) pairs, however many parts list them). The validation caches it on the dossier;
it is valid for exactly the :class:`OwnerRows` objects it was joined from (compared by
identity), so a changed table anywhere makes the engine join afresh.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from footprint.errors import (
    DossierError,
    DuplicateLineIdError,
    InvalidQuantityError,
    InvalidShareError,
    MissingFactorError,
    TableShapeError,
    UncertaintyError,
    UnknownUnitError,
)
from footprint.model import STAGE_ORDER, TABLE_DEFAULTS, LineTable
from footprint.units import parse_unit

_STAGE_CODE = {s.value: i for i, s in enumerate(STAGE_ORDER)}
_NEEDS: dict[str, tuple[str, ...]] = dict.fromkeys(TABLE_DEFAULTS, ("quantity",))
_NEEDS["transport"] = ("mass", "distance")
_ONLY: dict[str, frozenset[str]] = {
    "quantity": frozenset(TABLE_DEFAULTS) - {"transport"},
    "unit": frozenset(TABLE_DEFAULTS) - {"transport"},
    "mass": frozenset({"transport"}), "mass_unit": frozenset({"transport"}),
    "distance": frozenset({"transport"}), "distance_unit": frozenset({"transport"}),
    "pcf": frozenset({"material", "packaging"}), "pcf_unit": frozenset({"material", "packaging"}),
    "pcf_supplier": frozenset({"material", "packaging"}),
}
_COLUMNS = tuple(n for n in LineTable.model_fields if n not in ("kind", "name"))
_DQR = ("dqr_ter", "dqr_ger", "dqr_tir", "dqr_p")

Key = tuple[Any, ...]
"""(factor id, unit) or, with supplier data, (factor id, unit, pcf, pcf unit, supplier)"""


@dataclass
class OwnerRows:
    """All table rows of one owner, in table order, as columns (factor set not yet applied)."""

    tables: tuple[LineTable, ...]
    """the table objects these arrays were built from (identity = validity)"""
    table_list: list[LineTable]
    """the same, as a list (compared with an owner's ``line_tables`` without a copy)"""
    line_id: list[str]
    kind: list[str]
    description: list[str]
    unit: list[str]
    """activity unit as submitted ("kg", "t*km" for transport)"""
    fcols: np.ndarray
    """(2, rows) floats: quantity (activity amount as submitted; transport: mass x
    distance), DQR (NaN: none) - one array, so the engine joins owners in one step"""
    icols: np.ndarray
    """(2, rows) integers: stage index, code (index into ``keys``)"""
    dist: np.ndarray
    p1: np.ndarray
    p2: np.ndarray
    keys: list[Key]
    first: list[int]
    """first row of each key (errors for a key name this row)"""
    first_line: np.ndarray
    """``first`` as an array (the engine orders factor rows by first use from it)"""
    starts: list[int]
    """first row of each table"""

    @property
    def n(self) -> int:
        return len(self.line_id)

    @property
    def quantity(self) -> np.ndarray:
        return self.fcols[0]  # type: ignore[no-any-return]

    @property
    def dqr(self) -> np.ndarray:
        return self.fcols[1]  # type: ignore[no-any-return]

    @property
    def stage(self) -> np.ndarray:
        return self.icols[0]  # type: ignore[no-any-return]

    @property
    def code(self) -> np.ndarray:
        return self.icols[1]  # type: ignore[no-any-return]

    def where(self, i: int) -> tuple[int, int]:
        """(table index, row in table) of owner row ``i``."""
        t = int(np.searchsorted(np.asarray(self.starts), i, side="right")) - 1
        return t, i - self.starts[t]


@dataclass
class DossierRows:
    """The table rows of every owner of one dossier, joined (see :func:`join_rows`)."""

    owners: tuple[OwnerRows, ...]
    """the owners' rows joined, in order (identity = validity)"""
    fcols: np.ndarray
    """(2, rows) floats: quantity, DQR, as :attr:`OwnerRows.fcols`"""
    icols: np.ndarray
    """(2, rows) integers: stage index, code into ``keys`` (the dossier's key list)"""
    keys: list[Key]
    """distinct keys of the whole dossier, in first-row order"""
    first_line: np.ndarray
    """first joined row of each key"""
    dqr_at: np.ndarray
    """joined rows that have a DQR (the DQR is weighted over them)"""
    dqr_val: np.ndarray
    """their DQR"""


def join_rows(owners: Sequence[OwnerRows]) -> DossierRows:
    """Join owners' rows in the given order; per row, a code into one key list for all."""
    assert owners, "nothing to join"
    index: dict[Key, int] = {}
    first: list[int] = []
    local: list[int] = []  # per (owner, owner key): the dossier key
    off = 0
    for r in owners:
        for k, f in zip(r.keys, r.first, strict=True):
            j = index.get(k)
            if j is None:
                j = index[k] = len(first)
                first.append(off + f)
            local.append(j)
        off += r.n
    n = [r.n for r in owners]
    shift = np.cumsum([0] + [len(r.keys) for r in owners][:-1])
    if len(owners) == 1:
        fcols, icols = owners[0].fcols, owners[0].icols.copy()
    else:
        fcols = np.concatenate([r.fcols for r in owners], axis=1)
        icols = np.concatenate([r.icols for r in owners], axis=1)
    icols[1] = np.asarray(local, dtype=np.intp)[icols[1] + np.repeat(shift, n)]
    dqr_at = np.flatnonzero(~np.isnan(fcols[1]))
    return DossierRows(owners=tuple(owners), fcols=fcols, icols=icols, keys=list(index),
                       first_line=np.asarray(first, dtype=np.intp), dqr_at=dqr_at,
                       dqr_val=fcols[1][dqr_at])


def joined_cache(d: Any) -> Any:
    """The dossier's holder of its joined rows (a :class:`footprint.model.TableCache`)."""
    return d.__pydantic_private__["_joined"]


def label(table: LineTable, t: int) -> str:
    return table.name or f"line_tables[{t}]"


class _Table:
    """Error helpers bound to one table."""

    def __init__(self, table: LineTable, t: int, prefix: str) -> None:
        self.table, self.t, self.prefix, self.label = table, t, prefix, label(table, t)

    def at(self, i: int) -> tuple[str, dict[str, object]]:
        rid = self.table.id[i] if i < len(self.table.id) else ""
        return (f"{self.prefix}{rid}" if rid else self.prefix.rstrip("/"),
                {"table": self.label, "row": i, "row_id": rid})

    def err(self, cls: type[DossierError] | type[Any], i: int, field: str, reason: str,
            zh: str, **detail: object) -> Any:
        path, det = self.at(i)
        return cls(path=path, field=field, reason=f"{self.label} row {i} ({det['row_id']!r}): "
                   f"{reason}", message_zh=f"{self.label} 第 {i} 行（{det['row_id']}）：{zh}",
                   detail={**det, **detail})


def _floats(tb: _Table, name: str, col: Sequence[float | None], *, optional: bool,
            negative: bool = False) -> np.ndarray:
    a = np.asarray(col, dtype=np.float64)
    nan = np.isnan(a)
    if optional:
        n_none = col.count(None)  # type: ignore[attr-defined]
        if int(nan.sum()) != n_none:  # an explicit NaN besides the empty cells
            i = next(i for i, v in enumerate(col) if v is not None and math.isnan(v))
            raise tb.err(InvalidQuantityError, i, name, f"{name} is nan, not a finite number",
                         f"{name} 不是有限数值（nan）", value="nan")
        bad = np.isinf(a) if negative else np.isinf(a) | (a < 0)
    else:
        bad = ~np.isfinite(a) if negative else ~(a >= 0) | np.isinf(a)
    if bad.any():
        i = int(np.argmax(bad))
        v = float(a[i])
        if not math.isfinite(v):
            raise tb.err(InvalidQuantityError, i, name, f"{name} is {v!r}, not a finite number",
                         f"{name} 不是有限数值（{v!r}）", value=str(v))
        raise tb.err(InvalidQuantityError, i, name, f"{name} is negative ({v})",
                     f"{name} 为负数（{v}）", value=v)
    return a


def _units(tb: _Table, name: str, col: Sequence[str]) -> None:
    bad: list[str] = []
    for u in set(col):  # once per distinct unit
        try:
            parse_unit(u)
        except UnknownUnitError:
            bad.append(u)
    if bad:
        i = min(col.index(u) for u in bad)  # type: ignore[attr-defined]
        raise tb.err(UnknownUnitError, i, name, f"unknown unit {col[i]!r}",
                     f"单位 {col[i]!r} 无法识别", unit=col[i])


def _codes(col: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Integer code per row and the distinct values in first-seen order (a C-level map)."""
    distinct = list(dict.fromkeys(col))
    index = {v: i for i, v in enumerate(distinct)}
    return np.fromiter(map(index.__getitem__, col), dtype=np.intp, count=len(col)), distinct


@dataclass
class _Cols:
    unit: list[str]
    quantity: np.ndarray
    stage: np.ndarray
    dqr: np.ndarray
    dist: np.ndarray
    p1: np.ndarray
    code: np.ndarray
    keys: list[Key]
    first: list[int]


def check_table(table: LineTable, t: int, prefix: str) -> _Cols:
    """Check one table's columns as wholes; return its arrays. Raises the first bad row."""
    tb = _Table(table, t, prefix)
    kind, n = table.kind, len(table.id)
    for name in _COLUMNS:
        col = getattr(table, name)
        if col is None:
            if name in _NEEDS[kind] or name == "factor":
                raise TableShapeError(
                    path=prefix.rstrip("/"), field=name,
                    reason=f"{tb.label}: a {kind} table needs a {name} column",
                    message_zh=f"{tb.label}：{kind} 表缺少 {name} 列",
                    detail={"table": tb.label, "row": 0})
            continue
        if name in _ONLY and kind not in _ONLY[name]:
            raise TableShapeError(
                path=prefix.rstrip("/"), field=name,
                reason=f"{tb.label}: a {kind} table has no {name} column",
                message_zh=f"{tb.label}：{kind} 表不应有 {name} 列",
                detail={"table": tb.label, "row": 0})
        if len(col) != n:
            i = min(len(col), n)
            raise tb.err(TableShapeError, i, name,
                         f"column {name} has {len(col)} rows, id has {n}",
                         f"{name} 列有 {len(col)} 行，id 列有 {n} 行", rows=len(col), ids=n)
    dqr_given = [getattr(table, c) is not None for c in _DQR]
    if any(dqr_given) and not all(dqr_given):
        raise TableShapeError(path=prefix.rstrip("/"), field="dqr",
                              reason=f"{tb.label}: give all four DQR columns or none",
                              message_zh=f"{tb.label}：DQR 四列须同时给出",
                              detail={"table": tb.label, "row": 0})
    # amounts
    if kind == "transport":
        assert table.mass is not None and table.distance is not None
        q = (_floats(tb, "mass", table.mass, optional=False)
             * _floats(tb, "distance", table.distance, optional=False))
        mu, du = table.mass_unit, table.distance_unit
        if mu is not None:
            _units(tb, "mass_unit", mu)
        if du is not None:
            _units(tb, "distance_unit", du)
        if mu is None and du is None:
            unit: list[str] = ["kg*km"] * n
        else:
            pairs = list(zip(mu or ("kg",) * n, du or ("km",) * n, strict=True))
            text = {p: f"{p[0]}*{p[1]}" for p in dict.fromkeys(pairs)}
            unit = list(map(text.__getitem__, pairs))
    else:
        assert table.quantity is not None
        q = _floats(tb, "quantity", table.quantity, optional=False)
        if table.unit is None:
            unit = [TABLE_DEFAULTS[kind][1]] * n
        else:
            _units(tb, "unit", table.unit)
            unit = list(table.unit)
    # stage
    if table.stage is None:
        stage = np.full(n, _STAGE_CODE[TABLE_DEFAULTS[kind][0].value], dtype=np.intp)
    else:
        bad = set(table.stage) - _STAGE_CODE.keys()
        if bad:
            i = min(table.stage.index(s) for s in bad)
            raise tb.err(DossierError, i, "stage", f"unknown stage {table.stage[i]!r}",
                         f"生命周期阶段 {table.stage[i]!r} 无法识别")
        scode, sdistinct = _codes(table.stage)
        stage = np.asarray([_STAGE_CODE[s] for s in sdistinct], dtype=np.intp)[scode]
    # data quality
    dqr = np.full(n, np.nan)
    if all(dqr_given):
        crit = [_floats(tb, c, getattr(table, c), optional=True) for c in _DQR]
        empty = [np.isnan(c) for c in crit]
        mixed = ~(empty[0] == empty[1]) | ~(empty[0] == empty[2]) | ~(empty[0] == empty[3])
        if mixed.any():
            raise tb.err(InvalidShareError, int(np.argmax(mixed)), "dqr",
                         "give all four DQR criteria or none", "DQR 四项须同时给出")
        for c, arr in zip(_DQR, crit, strict=True):
            out = ~np.isnan(arr) & ((arr < 1.0) | (arr > 5.0))
            if out.any():
                i = int(np.argmax(out))
                raise tb.err(InvalidShareError, i, c,
                             f"DQR criterion {c[4:]} = {arr[i]} outside 1..5",
                             f"数据质量评分 {c[4:]} = {arr[i]} 超出 1..5")
        dqr = (crit[0] + crit[1] + crit[2] + crit[3]) / 4.0
    # uncertainty: lognormal (gsd2) or normal (rel_sd)
    dist = np.zeros(n, dtype=np.int8)
    p1 = np.zeros(n)
    for dcode, name, low in ((1, "gsd2", 1.0), (2, "rel_sd", 0.0)):
        col = getattr(table, name)
        if col is None:
            continue
        a = _floats(tb, name, col, optional=True)
        has = ~np.isnan(a)
        bad = has & ((a < low) | (dist != 0))
        if bad.any():
            raise tb.err(UncertaintyError, int(np.argmax(bad)), "uncertainty",
                         f"{name} must be >= {low}, one distribution per row",
                         f"{name} 须 >= {low}，每行只能有一种分布")
        dist[has] = dcode
        p1[has] = a[has]
    # factor keys: (factor, unit) or, with supplier data, (factor, unit, pcf, pcf unit, supplier)
    factor = table.factor
    if table.pcf is not None:
        pcf = _floats(tb, "pcf", table.pcf, optional=True, negative=True)
        pu = table.pcf_unit or ("kg",) * n
        if table.pcf_unit is not None:
            _units(tb, "pcf_unit", table.pcf_unit)
        sup = table.pcf_supplier or (None,) * n
        has = ~np.isnan(pcf)
        plain = ~has
        pcol: Sequence[Any] = table.pcf
        keys_col: list[Key] = list(zip(factor, unit, pcol, pu, sup, strict=True))
        if has.all():
            pass
        elif has.any():  # rows without supplier data: key (factor, unit)
            idx = np.flatnonzero(plain).tolist()
            for i in idx:
                keys_col[i] = (factor[i], unit[i])
        else:
            keys_col = list(zip(factor, unit, strict=True))
    else:
        plain = np.ones(n, dtype=bool)
        keys_col = list(zip(factor, unit, strict=True))
    if None in factor:
        missing = plain & np.fromiter(map(_is_none, factor), dtype=bool, count=n)
        if missing.any():
            raise tb.err(MissingFactorError, int(np.argmax(missing)), "factor",
                         "no factor given: give a factor id or a supplier PCF",
                         "缺少排放因子：请给出因子编号或供应商碳足迹")
    code, keys = _codes(keys_col)
    _, first = np.unique(code, return_index=True)
    return _Cols(unit, q, stage, dqr, dist, p1, code, keys, first.tolist())


def _is_none(x: object) -> bool:
    return x is None


def owner_rows(owner: Any, prefix: str, object_ids: Sequence[str] = ()) -> OwnerRows | None:
    """The (cached) arrays of ``owner.line_tables``; None when it has no tables.

    ``object_ids``: ids of the owner's object lines, checked for clashes with row ids (given by
    the validation; the engine passes none and relies on the validated dossier)."""
    tables = owner.line_tables
    if not tables:
        return None
    hit: OwnerRows | None = owner.__pydantic_private__["_rows"].rows
    if hit is not None and hit.tables == tuple(tables):  # identity first: the same tables
        if object_ids:
            _check_ids(hit, tables, prefix, object_ids)
        return hit
    cols = [check_table(tb, t, prefix) for t, tb in enumerate(tables)]
    starts = np.cumsum([0] + [len(tb.id) for tb in tables]).tolist()
    line_id: list[str] = []
    kind: list[str] = []
    description: list[str] = []
    unit: list[str] = []
    keys: list[Key] = []
    index: dict[Key, int] = {}
    first: list[int] = []
    codes = []
    for tb, c, s in zip(tables, cols, starts, strict=False):
        line_id += tb.id
        kind += [tb.kind] * len(tb.id)
        description += tb.description if tb.description is not None else [""] * len(tb.id)
        unit += c.unit
        remap = []
        for k, f in zip(c.keys, c.first, strict=True):
            j = index.get(k)
            if j is None:
                j = index[k] = len(keys)
                keys.append(k)
                first.append(s + f)
            remap.append(j)
        codes.append(np.asarray(remap, dtype=np.intp)[c.code])

    def cat(arrays: list[np.ndarray]) -> np.ndarray:
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)

    rows = OwnerRows(
        tables=tuple(tables), table_list=list(tables), line_id=line_id, kind=kind, description=description, unit=unit,
        fcols=np.stack([cat([c.quantity for c in cols]), cat([c.dqr for c in cols])]),
        icols=np.stack([cat([c.stage for c in cols]), cat(codes)]),
        dist=cat([c.dist for c in cols]), p1=cat([c.p1 for c in cols]),
        p2=np.zeros(starts[-1]), keys=keys, first=first,
        first_line=np.asarray(first, dtype=np.intp), starts=starts[:-1],
    )
    _check_ids(rows, tables, prefix, object_ids)
    owner.__pydantic_private__["_rows"].rows = rows
    return rows


def _check_ids(rows: OwnerRows, tables: Sequence[LineTable], prefix: str,
               object_ids: Sequence[str]) -> None:
    """Row ids: not empty, no '/', unique across the owner's tables and object lines."""
    ids = rows.line_id
    distinct = set(ids)
    clash = distinct.intersection(object_ids)
    if len(distinct) == len(ids) and "" not in distinct and not clash \
            and "/" not in "\n".join(distinct):
        return
    seen: set[str] = set(object_ids)
    for i, x in enumerate(ids):  # error path only: find the first bad row
        if x in seen or not x or "/" in x:
            t, r = rows.where(i)
            raise _Table(tables[t], t, prefix).err(
                DuplicateLineIdError, r, "id",
                "line id is empty, contains '/' or repeats within its dossier "
                "(object lines and every table)", f"行编号 {x!r} 为空、含 '/' 或重复")
        seen.add(x)
