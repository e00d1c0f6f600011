"""Pairs and blocks: how the lines of a dossier meet the factor set in one calculation.

A **pair** is what a line needs from the factor set: a factor row (:class:`FactorRows`, in
CO2e per activity unit), the conversion of the line's unit to that activity unit, and whether
the figure is primary data. :class:`Pairs` resolves one per distinct key - (factor id, unit),
or a table row's supplier data - so pint and the factor look-up run once per key, not per
line. A **block** is the object lines of one line list read into columns in bulk
(``operator.attrgetter`` in C loops): lines of set factors share pairs by key, the others
(supplier PCFs, instruments, process emissions, end of life) get a pair each.

Used by :mod:`footprint.flatten`; errors are not raised here but noted (per block, per owner's
table rows) and raised by the walk in line order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, is_not
from typing import Any

import numpy as np

from footprint.errors import FootprintError, MissingFactorError
from footprint.factors import Factor, FactorSet
from footprint.model import STAGE_ORDER, SupplierPCF
from footprint.rows import FactorRows
from footprint.tables import DossierRows, Key, OwnerRows, label
from footprint.units import conversion

STAGE_INDEX = {s: i for i, s in enumerate(STAGE_ORDER)}

_DIST = {"lognormal": 1, "normal": 2, "uniform": 3, "triangular": 4}
_KIND = attrgetter("kind")
_COMMON = tuple(map(attrgetter, ("id", "stage", "description", "dqr", "uncertainty")))
_DQR = attrgetter("ter", "ger", "tir", "p")
_UNC = attrgetter("distribution", "gsd2", "rel_sd", "low", "high")
# Lines of set factors, read in bulk. kind -> (fields, factor field): the fields are
# (quantity, unit, factor id[, primary data that replaces the factor, or None]).
_SIMPLE: dict[str, tuple[tuple[str, ...], str]] = {
    "material": (("quantity", "unit", "material", "supplier_pcf"), "material"),
    "packaging": (("quantity", "unit", "material", "supplier_pcf"), "material"),
    "electricity": (("quantity", "unit", "grid", "instrument"), "grid"),
    "fuel": (("quantity", "unit", "fuel"), "fuel"),
    "waste": (("quantity", "unit", "treatment"), "treatment"),
}
# amount = a x b: fields (a, b, unit of a, unit of b or None, factor id)
_PRODUCT: dict[str, tuple[tuple[str, ...], str]] = {
    "transport": (("mass", "distance", "mass_unit", "distance_unit", "mode"), "mode"),
    "use_energy": (("energy_per_year", "years", "unit", "", "factor"), "factor"),
}


@dataclass
class Block:
    """Own (non-sub-assembly) object lines of one line list, in order, as columns."""

    line_id: list[str]
    kind: list[str]
    description: list[str]
    unit: list[str]
    quantity: np.ndarray
    """activity amount as submitted (transport: mass x distance)"""
    fcols: np.ndarray
    """(2, lines) floats: amount basis ``aq`` (activity in the factor's unit = aq x the
    conversion of the line's pair), DQR (NaN: none) - laid out as the tables' columns"""
    icols: np.ndarray
    """(2, lines) integers: stage index, code (each line its own: 0, 1, 2 ...)"""
    pid: np.ndarray
    """pair (factor row, conversion, primary) per line"""
    dist: np.ndarray
    p1: np.ndarray
    p2: np.ndarray
    error: tuple[int, FootprintError] | None = None
    """first line whose factor or unit cannot be resolved"""

    @property
    def n(self) -> int:
        return len(self.line_id)

    @property
    def aq(self) -> np.ndarray:
        return self.fcols[0]  # type: ignore[no-any-return]

    @property
    def dqr(self) -> np.ndarray:
        return self.fcols[1]  # type: ignore[no-any-return]


def _set_factor(fs: FactorSet, rows: FactorRows, fid: str, src_unit: str, path: str,
                field: str) -> tuple[int, float]:
    """Row of set factor ``fid`` and the multiplier from ``src_unit`` to its activity unit."""
    row = rows.by_key.get(fid)
    if row is None:
        f: Factor = fs.factor(fid, path=path, field=field)
        row = rows.add_set_factor(f, path)
    return row, conversion(src_unit, rows.activity_unit[row], path=path, field="unit")


def _line_factor(fs: FactorSet, rows: FactorRows, line: Any,
                 path: str) -> tuple[int, float, float, str, bool]:
    """(row, activity amount in factor unit, submitted quantity, unit text, primary).

    The general per-line path: supplier PCFs, instruments, process emissions, end of life."""
    k = line.kind
    if k in ("material", "packaging"):
        if line.supplier_pcf is not None:
            row = rows.add_pcf(line.supplier_pcf, line.material)
            conv = conversion(line.unit, rows.activity_unit[row], path=path, field="unit")
            return row, line.quantity * conv, line.quantity, line.unit, True
        row, conv = _set_factor(fs, rows, line.material, line.unit, path, "material")
        return row, line.quantity * conv, line.quantity, line.unit, False
    if k == "electricity":
        if line.instrument is not None:
            row = rows.add_instrument(line.instrument)
            conv = conversion(line.unit, "kWh", path=path, field="unit")
            return row, line.quantity * conv, line.quantity, line.unit, True
        row, conv = _set_factor(fs, rows, line.grid, line.unit, path, "grid")
        return row, line.quantity * conv, line.quantity, line.unit, False
    if k == "fuel":
        row, conv = _set_factor(fs, rows, line.fuel, line.unit, path, "fuel")
        return row, line.quantity * conv, line.quantity, line.unit, False
    if k == "waste":
        row, conv = _set_factor(fs, rows, line.treatment, line.unit, path, "treatment")
        return row, line.quantity * conv, line.quantity, line.unit, False
    if k == "transport":
        unit = f"{line.mass_unit}*{line.distance_unit}"
        row, conv = _set_factor(fs, rows, line.mode, unit, path, "mode")
        q = line.mass * line.distance
        return row, q * conv, q, unit, False
    if k == "use_energy":
        row, conv = _set_factor(fs, rows, line.factor, line.unit, path, "factor")
        q = line.energy_per_year * line.years
        return row, q * conv, q, line.unit, False
    if k == "process_emission":
        row = rows.add_gas(line.gas, line.origin, line.removal, path)
        conv = conversion(line.unit, "kg", path=path, field="unit")
        return row, line.quantity * conv, line.quantity, line.unit, True
    if k == "end_of_life":
        row = rows.add_cff(line, path)
        conv = conversion(line.unit, "kg", path=path, field="unit")
        return row, line.mass * conv, line.mass, line.unit, False
    raise MissingFactorError(path=path, field="kind", reason=f"unsupported line kind {k!r}",
                             message_zh=f"{path} 的行类型 {k!r} 不受支持")



class Pairs:
    """The pairs of one calculation: factor row, conversion, primary - per distinct key."""

    def __init__(self, fs: FactorSet, rows: FactorRows) -> None:
        self.fs = fs
        self.rows = rows
        self.index: dict[Key, int] = {}
        """(factor id, unit) or a table's supplier key -> pair"""
        self.row: list[int] = []
        self.conv: list[float] = []
        self.primary: list[bool] = []

    def new(self, row: int, conv: float, primary: bool) -> int:
        """A new pair; its index."""
        self.row.append(row)
        self.conv.append(conv)
        self.primary.append(primary)
        return len(self.row) - 1

    def table(self, rows: OwnerRows, prefix: str) -> tuple[list[int], FootprintError | None]:
        """Pair per key of an owner's table rows, resolved once per distinct key, and the
        error of its first row whose factor or unit fails."""
        pair = self.index
        kid: list[int | None] = list(map(pair.get, rows.keys))
        if None not in kid:
            return kid, None  # type: ignore[return-value]
        errors: list[tuple[int, FootprintError]] = []
        for j, (key, first) in enumerate(zip(rows.keys, rows.first, strict=True)):
            if kid[j] is not None:
                continue
            try:
                row, conv = self.key(key, prefix + rows.line_id[first])
            except FootprintError as exc:  # raised when the walk reaches the row
                t, r = rows.where(first)
                exc.detail.update(table=label(rows.tables[t], t), row=r,
                                  row_id=rows.line_id[first])
                errors.append((first, exc))
                kid[j] = 0
                continue
            kid[j] = pair[key] = self.new(row, conv, len(key) > 2)
        return kid, min(errors, key=lambda e: e[0])[1] if errors else None  # type: ignore[return-value]

    def joined(self, joined: DossierRows) -> np.ndarray | None:
        """Pair per key of the dossier's key list; None when a key fails (the per-source
        resolution then finds the error the walk meets first, with its path)."""
        pair = self.index
        kid = list(map(pair.get, joined.keys))
        for j, key in enumerate(joined.keys):
            if kid[j] is None:
                try:
                    row, conv = self.key(key, "")
                except FootprintError:
                    return None
                kid[j] = pair[key] = self.new(row, conv, len(key) > 2)
        return np.asarray(kid, dtype=np.intp)

    def key(self, key: Key, path: str) -> tuple[int, float]:
        """Factor row and unit conversion of one distinct table key (see footprint.tables)."""
        if len(key) == 2:
            return _set_factor(self.fs, self.rows, key[0], key[1], path, "factor")
        fid, unit, value, pcf_unit, supplier = key
        row = self.rows.add_pcf(SupplierPCF(value=value, unit=pcf_unit, supplier=supplier), fid)
        return row, conversion(unit, self.rows.activity_unit[row], path=path, field="unit")


def read_block(pairs: Pairs, own: list[Any], kinds: list[str], prefix: str) -> Block:
    """The object lines ``own`` (none a sub-assembly line) as a block: fields read in bulk, a
    pair per distinct (factor, unit), the general path per line for the others."""
    n = len(own)
    # one C loop per field (zip(*rows) over 100,000 tuples is several times slower)
    ids, stages, descs, dqrs, uncs = (list(map(g, own)) for g in _COMMON)
    fcols = np.zeros((2, n))
    fcols[1] = np.nan
    icols = np.empty((2, n), dtype=np.intp)
    icols[0] = np.fromiter(map(STAGE_INDEX.__getitem__, stages), dtype=np.intp, count=n)
    icols[1] = np.arange(n)
    blk = Block(
        line_id=ids, kind=kinds, description=descs, unit=[""] * n, quantity=np.zeros(n),
        fcols=fcols, icols=icols, pid=np.zeros(n, dtype=np.intp),
        dist=np.zeros(n, dtype=np.int8), p1=np.zeros(n), p2=np.zeros(n),
    )
    _factors(pairs, blk, own, prefix)
    _quality(blk, dqrs, uncs)
    return blk


def _factors(pairs: Pairs, blk: Block, own: list[Any], prefix: str) -> None:
    kinds = blk.kind
    n = len(kinds)
    distinct = set(kinds)
    general: list[int] = []
    errors: list[tuple[int, FootprintError]] = []
    for k in sorted(distinct):
        if len(distinct) == 1:
            idx, sel = list(range(n)), own
        else:
            idx = list(compress(range(n), map(k.__eq__, kinds)))
            sel = list(map(own.__getitem__, idx))
        if k in _SIMPLE:
            names, fld = _SIMPLE[k]
            cols = [list(map(attrgetter(f), sel)) for f in names]
            qs, us, fids = cols[0], cols[1], cols[2]
            if len(cols) == 4 and any(map(is_not, cols[3], repeat(None))):
                # supplier PCF / instrument: the general path for those lines
                keep = [j for j, x in enumerate(cols[3]) if x is None]
                general.extend(idx[j] for j, x in enumerate(cols[3]) if x is not None)
                idx = [idx[j] for j in keep]
                qs, us, fids = ([c[j] for j in keep] for c in (qs, us, fids))
            _simple(pairs, blk, prefix, idx, np.asarray(qs, dtype=np.float64), us, fids, fld,
                         errors)
        elif k in _PRODUCT:
            names, fld = _PRODUCT[k]
            a, b, ua, ub, fids = (list(map(attrgetter(f), sel)) if f else [] for f in names)
            q = np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)
            units = list(map("{}*{}".format, ua, ub)) if ub else ua
            _simple(pairs, blk, prefix, idx, q, units, fids, fld, errors)
        else:
            general.extend(idx)
    for i in sorted(general):
        try:
            row, amount, qty, unit, primary = _line_factor(pairs.fs, pairs.rows, own[i],
                                                           prefix + blk.line_id[i])
        except FootprintError as exc:
            errors.append((i, exc))
            continue
        # a pair of its own: conversion 1, the amount already in the factor's unit
        blk.pid[i] = pairs.new(row, 1.0, primary)
        blk.aq[i], blk.quantity[i], blk.unit[i] = amount, qty, unit
    if errors:
        blk.error = min(errors, key=lambda e: e[0])


def _simple(pairs: Pairs, blk: Block, prefix: str, idx: list[int], q: np.ndarray,
            units: Sequence[str], fids: Sequence[str], fld: str,
            errors: list[tuple[int, FootprintError]]) -> None:
    """Lines of set factors: one (row, conversion) look-up per distinct (factor, unit)."""
    keys = list(zip(fids, units, strict=True))
    pair = pairs.index
    pid = list(map(pair.get, keys))
    if None in pid:
        for j, key in enumerate(keys):
            if pid[j] is not None:
                continue
            h = pair.get(key)
            if h is None:
                try:
                    row, conv = _set_factor(pairs.fs, pairs.rows, key[0], key[1],
                                            prefix + blk.line_id[idx[j]], fld)
                except FootprintError as exc:  # raised when the walk reaches the line
                    errors.append((idx[j], exc))
                    h = pairs.new(0, np.nan, False)
                else:
                    h = pair[key] = pairs.new(row, conv, False)
            pid[j] = h
    ix = np.asarray(idx, dtype=np.intp)
    blk.pid[ix] = pid
    blk.quantity[ix] = q
    blk.aq[ix] = q
    if len(idx) == len(blk.unit):  # idx ascending and complete: all lines, in order
        blk.unit = list(units)
    else:
        for i, u in zip(idx, units, strict=True):
            blk.unit[i] = u


def _quality(blk: Block, dqrs: list[Any], uncs: list[Any]) -> None:
    idx = list(compress(range(len(dqrs)), map(is_not, dqrs, repeat(None))))
    if idx:
        q = np.array(list(map(_DQR, map(dqrs.__getitem__, idx))), dtype=np.float64)
        blk.dqr[idx] = (q[:, 0] + q[:, 1] + q[:, 2] + q[:, 3]) / 4.0
    idx = list(compress(range(len(uncs)), map(is_not, uncs, repeat(None))))
    if idx:
        vals = list(map(_UNC, map(uncs.__getitem__, idx)))
        blk.dist[idx] = [_DIST[v[0]] for v in vals]
        blk.p1[idx] = [v[1] if v[0] == "lognormal" else v[2] if v[0] == "normal" else v[3]
                       for v in vals]
        blk.p2[idx] = [v[4] if v[0] in ("uniform", "triangular") else 0.0 for v in vals]


__all__ = ["STAGE_INDEX", "Block", "Pairs", "read_block"]
