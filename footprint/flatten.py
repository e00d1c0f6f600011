"""Flatten a dossier tree into columns: one entry per expanded line, one row per factor used.

Two steps, so that the per-line Python work is done once per line *object*, not per expanded
line, and with as few interpreter steps as possible:

1. :class:`Block` - the own lines of one line list (the dossier's, or one sub-assembly
   definition's) read into numpy columns: amount in the factor's unit, factor row, stage, DQR,
   distribution. Fields are read with ``operator.attrgetter`` in C loops, factor and unit
   look-ups are cached per (factor id, unit) pair, so pint runs once per distinct pair.
   A definition used in many places is read once per calculation and scaled per use.
2. :func:`flatten` walks the tree of sub-assembly *uses* (depth first, dossier order), recording
   one :class:`_Chunk` per run of own lines; :meth:`_Builder.finish` gathers the chunks into the
   flat arrays with a few vectorised operations (multiplier and allocation per use).

Errors keep their meaning and order: a block notes the first own line whose factor or unit
fails, and the error is raised when the walk reaches that line in its first use, with that
use's path - the same line the plain depth-first walk would stop at.
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
from footprint.model import STAGE_ORDER, Dossier, Stage, SupplierPCF
from footprint.rows import FactorRows
from footprint.tables import Key, OwnerRows, label, owner_rows
from footprint.units import conversion
from footprint.validation import Chain, resolve

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
class Node:
    path: str
    name: str
    ref: str | None
    parent: int
    quantity: float
    depth: int = 0


@dataclass
class Block:
    """Own (non-sub-assembly) lines of one line list, in order, as columns."""

    line_id: list[str]
    kind: list[str]
    description: list[str]
    unit: list[str]
    quantity: np.ndarray
    """activity amount as submitted (transport: mass x distance)"""
    amount: np.ndarray
    """activity in the factor's unit"""
    row: np.ndarray
    stage: np.ndarray
    primary: np.ndarray
    dqr: np.ndarray
    dist: np.ndarray
    p1: np.ndarray
    p2: np.ndarray
    subs: list[tuple[int, Any]]
    """(number of own lines before it, sub-assembly line), in order"""
    error: tuple[int, FootprintError] | None = None
    """first own line whose factor or unit cannot be resolved"""
    offset: int = 0
    """start of this block's object lines in the concatenated columns"""
    table: OwnerRows | None = None
    """the owner's line-table rows (cached columns), after its object lines"""
    table_error: FootprintError | None = None
    """first table row whose factor or unit cannot be resolved"""
    table_offset: int = 0
    """start of this block's table rows in the concatenated columns"""

    @property
    def n(self) -> int:
        """number of own object lines (table rows not included)"""
        return len(self.line_id)


@dataclass
class _Chunk:
    block: Block
    start: int
    end: int
    node: int
    mult: float
    stage: int
    """stage index of an enclosing sub-assembly line's stage, -1: the lines' own stages"""
    alloc: int
    """index into the distinct allocation chains"""
    table: bool = False
    """a run of the block's table rows (else of its object lines)"""


_E = np.zeros(0)
_EI = np.zeros(0, dtype=np.intp)


def _empty_block() -> Block:
    """Block of an owner without object lines (shared empty arrays, never written)."""
    return Block(line_id=[], kind=[], description=[], unit=[], quantity=_E, amount=_E, row=_EI,
                 stage=_EI, primary=np.zeros(0, dtype=bool), dqr=_E,
                 dist=np.zeros(0, dtype=np.int8), p1=_E, p2=_E, subs=[])


@dataclass
class Flat:
    """Columns of the expanded lines, in dossier order (sub-assemblies expanded in place)."""

    rows: FactorRows
    nodes: list[Node]
    line_id: list[str]
    kind: list[str]
    description: list[str]
    unit: list[str]
    quantity: np.ndarray
    amount: np.ndarray
    row: np.ndarray
    mult: np.ndarray
    stage: np.ndarray
    node: np.ndarray
    primary: np.ndarray
    dqr: np.ndarray
    """line DQR, NaN where the line has none"""
    dist: np.ndarray
    p1: np.ndarray
    p2: np.ndarray

    def __len__(self) -> int:
        return len(self.line_id)

    @property
    def path(self) -> list[str]:
        prefix = [nd.path + "/" if nd.path else "" for nd in self.nodes]
        return [prefix[n] + i for n, i in zip(self.node.tolist(), self.line_id, strict=True)]

    def arrays(self) -> dict[str, np.ndarray]:
        return {"amount": self.amount, "row": self.row, "mult": self.mult, "stage": self.stage,
                "node": self.node, "primary": self.primary, "dqr": self.dqr, "dist": self.dist,
                "p1": self.p1, "p2": self.p2}


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


class _Builder:
    def __init__(self, d: Dossier, fs: FactorSet) -> None:
        self.fs = fs
        self.rows = FactorRows(fs, d.gwp_set)
        self.nodes = [Node(path="", name=d.product.name, ref=None, parent=-1, quantity=1.0)]
        self.blocks: dict[int, tuple[Any, Block]] = {}
        self.chunks: list[_Chunk] = []
        self.allocs: list[tuple[tuple[float, frozenset[int]], ...]] = [()]
        self.alloc_index: dict[tuple[tuple[float, frozenset[int]], ...], int] = {(): 0}
        self.pair: dict[tuple[str, str], int] = {}
        """(factor id, unit) -> index into pair_row / pair_conv: resolved once per pair"""
        self.pair_row: list[int] = []
        self.pair_conv: list[float] = []

    # -- step 1: read a line list once ------------------------------------------------------

    def block(self, owner: Any, lines: list[Any], prefix: str) -> Block:
        hit = self.blocks.get(id(owner))
        if hit is not None:
            return hit[1]
        blk = self._read(lines, prefix) if lines else _empty_block()
        rows = owner_rows(owner, prefix)
        if rows is not None:
            blk.table = rows
            if not all(map(self.pair.__contains__, rows.keys)):
                blk.table_error = self._new_keys(rows, prefix)
        self.blocks[id(owner)] = (owner, blk)  # keep owner alive: its id stays unique
        return blk

    def _new_keys(self, rows: OwnerRows, prefix: str) -> FootprintError | None:
        """Resolve table keys not seen yet: factor row and unit conversion once per distinct
        (factor, unit) key. Returns the error of the first failing row, if any."""
        errors: list[tuple[int, FootprintError]] = []
        for key, first in zip(rows.keys, rows.first, strict=True):
            if key in self.pair:
                continue
            try:
                row, conv = self._key(key, prefix + rows.line_id[first])
            except FootprintError as exc:  # raised when the walk reaches the row
                t, r = rows.where(first)
                exc.detail.update(table=label(rows.tables[t], t), row=r,
                                  row_id=rows.line_id[first])
                errors.append((first, exc))
                continue
            self.pair[key] = len(self.pair_row)
            self.pair_row.append(row)
            self.pair_conv.append(conv)
        return min(errors, key=lambda e: e[0])[1] if errors else None

    def _key(self, key: Key, path: str) -> tuple[int, float]:
        """Factor row and unit conversion of one distinct table key (see footprint.tables)."""
        if len(key) == 2:
            return _set_factor(self.fs, self.rows, key[0], key[1], path, "factor")
        fid, unit, value, pcf_unit, supplier = key
        row = self.rows.add_pcf(SupplierPCF(value=value, unit=pcf_unit, supplier=supplier), fid)
        return row, conversion(unit, self.rows.activity_unit[row], path=path, field="unit")

    def _read(self, lines: list[Any], prefix: str) -> Block:
        kinds = list(map(_KIND, lines))
        subs: list[tuple[int, Any]] = []
        if "subassembly" in kinds:
            own: list[Any] = []
            for line, k in zip(lines, kinds, strict=True):
                if k == "subassembly":
                    subs.append((len(own), line))
                else:
                    own.append(line)
            kinds = list(map(_KIND, own))
        else:
            own = lines
        n = len(own)
        # one C loop per field (zip(*rows) over 100,000 tuples is several times slower)
        ids, stages, descs, dqrs, uncs = (list(map(g, own)) for g in _COMMON)
        blk = Block(
            line_id=ids, kind=kinds, description=descs, unit=[""] * n,
            quantity=np.zeros(n), amount=np.zeros(n), row=np.zeros(n, dtype=np.intp),
            stage=np.fromiter(map(STAGE_INDEX.__getitem__, stages), dtype=np.intp, count=n),
            primary=np.zeros(n, dtype=bool), dqr=np.full(n, np.nan),
            dist=np.zeros(n, dtype=np.int8), p1=np.zeros(n), p2=np.zeros(n), subs=subs,
        )
        if n:
            self._factors(blk, own, prefix)
            self._quality(blk, dqrs, uncs)
        return blk

    def _factors(self, blk: Block, own: list[Any], prefix: str) -> None:
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
                self._simple(blk, prefix, idx, np.asarray(qs, dtype=np.float64), us, fids, fld,
                             errors)
            elif k in _PRODUCT:
                names, fld = _PRODUCT[k]
                a, b, ua, ub, fids = (list(map(attrgetter(f), sel)) if f else [] for f in names)
                q = np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)
                units = list(map("{}*{}".format, ua, ub)) if ub else ua
                self._simple(blk, prefix, idx, q, units, fids, fld, errors)
            else:
                general.extend(idx)
        for i in sorted(general):
            try:
                row, amount, qty, unit, primary = _line_factor(self.fs, self.rows, own[i],
                                                               prefix + blk.line_id[i])
            except FootprintError as exc:
                errors.append((i, exc))
                continue
            blk.row[i], blk.amount[i], blk.quantity[i] = row, amount, qty
            blk.unit[i], blk.primary[i] = unit, primary
        if errors:
            blk.error = min(errors, key=lambda e: e[0])

    def _simple(self, blk: Block, prefix: str, idx: list[int], q: np.ndarray,
                units: Sequence[str], fids: Sequence[str], fld: str,
                errors: list[tuple[int, FootprintError]]) -> None:
        """Lines of set factors: one (row, conversion) look-up per distinct (factor, unit)."""
        keys = list(zip(fids, units, strict=True))
        pair = self.pair
        pid = list(map(pair.get, keys))
        if None in pid:
            for j, key in enumerate(keys):
                if pid[j] is not None:
                    continue
                h = pair.get(key)
                if h is None:
                    h = len(self.pair_row)
                    try:
                        row, conv = _set_factor(self.fs, self.rows, key[0], key[1],
                                                prefix + blk.line_id[idx[j]], fld)
                    except FootprintError as exc:  # raised when the walk reaches the line
                        errors.append((idx[j], exc))
                        row, conv = 0, np.nan
                    else:
                        pair[key] = h
                    self.pair_row.append(row)
                    self.pair_conv.append(conv)
                pid[j] = h
        p = np.asarray(pid, dtype=np.intp)
        ix = np.asarray(idx, dtype=np.intp)
        blk.row[ix] = np.asarray(self.pair_row, dtype=np.intp)[p]
        blk.quantity[ix] = q
        blk.amount[ix] = q * np.asarray(self.pair_conv, dtype=np.float64)[p]
        if len(idx) == len(blk.unit):  # idx ascending and complete: all lines, in order
            blk.unit = list(units)
        else:
            for i, u in zip(idx, units, strict=True):
                blk.unit[i] = u

    @staticmethod
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

    # -- step 2: walk the uses --------------------------------------------------------------

    def alloc(self, chain: tuple[tuple[float, frozenset[int]], ...]) -> int:
        i = self.alloc_index.get(chain)
        if i is None:
            i = self.alloc_index[chain] = len(self.allocs)
            self.allocs.append(chain)
        return i

    def emit(self, blk: Block, start: int, end: int, node: int, mult: float, stage: int,
             alloc: int) -> None:
        if end <= start:
            return
        if blk.error is not None and start <= blk.error[0] < end:
            raise blk.error[1]
        self.chunks.append(_Chunk(blk, start, end, node, mult, stage, alloc))

    def walk(self, owner: Any, lines: list[Any], chain: Chain, prefix: str, node: int,
             mult: float, stage_override: Stage | None,
             allocs: tuple[tuple[float, frozenset[int]], ...]) -> None:
        blk = self.block(owner, lines, prefix)
        ov = -1 if stage_override is None else STAGE_INDEX[stage_override]
        a = self.alloc(allocs)
        start = 0
        for pos, line in blk.subs:
            self.emit(blk, start, pos, node, mult, ov, a)
            start = pos
            path = prefix + line.id
            stage = stage_override or line.stage
            found = resolve(line.ref, chain)
            assert found is not None  # validated with the dossier
            sub, sub_chain = found
            self.nodes.append(Node(path=path, name=sub.name, ref=line.ref, parent=node,
                                   quantity=line.quantity, depth=self.nodes[node].depth + 1))
            sub_allocs = allocs
            if sub.allocation is not None:
                stages = frozenset(STAGE_INDEX[s] for s in sub.allocation.stages)
                sub_allocs = (*allocs, (sub.allocation.factor, stages))
            self.walk(sub, sub.lines, sub_chain, path + "/", len(self.nodes) - 1,
                      mult * line.quantity / sub.reference_flow, stage, sub_allocs)
        self.emit(blk, start, blk.n, node, mult, ov, a)
        if blk.table is not None and blk.table.n:
            if blk.table_error is not None:
                raise blk.table_error
            self.chunks.append(_Chunk(blk, 0, blk.table.n, node, mult, ov, a, table=True))

    # -- step 3: gather ---------------------------------------------------------------------

    def finish(self) -> Flat:
        blocks = [b for _, b in self.blocks.values() if b.n]
        tables = [b for _, b in self.blocks.values() if b.table is not None]
        off = 0
        for b in blocks:
            b.offset = off
            off += b.n
        trows: list[OwnerRows] = []
        for b in tables:
            assert b.table is not None
            b.table_offset = off
            off += b.table.n
            trows.append(b.table)
        # table rows: factor row and conversion per key, spread by the rows' key codes
        keys: list[Key] = []
        key_start: list[int] = []
        for r in trows:
            key_start.append(len(keys))
            keys += r.keys
        computed: dict[str, np.ndarray] = {}
        if trows:
            code = (np.concatenate([r.code for r in trows])
                    + np.repeat(np.asarray(key_start, dtype=np.intp), [r.n for r in trows]))
            kid = np.fromiter(map(self.pair.__getitem__, keys), dtype=np.intp, count=len(keys))
            pid = kid[code]
            qty = np.concatenate([r.quantity for r in trows])
            computed = {
                "row": np.asarray(self.pair_row, dtype=np.intp)[pid], "quantity": qty,
                "amount": qty * np.asarray(self.pair_conv, dtype=np.float64)[pid],
                "primary": (np.fromiter(map(len, keys), dtype=np.intp, count=len(keys))
                            > 2)[code],
            }

        def cat(name: str, dtype: Any) -> np.ndarray:
            parts = [getattr(b, name) for b in blocks]
            if trows:
                if name in computed:
                    parts.append(computed[name])
                else:
                    parts += [getattr(r, name) for r in trows]
            if not parts:
                return np.zeros(0, dtype=dtype)
            return np.concatenate(parts).astype(dtype, copy=False)

        chunks = self.chunks
        lens = np.fromiter((c.end - c.start for c in chunks), dtype=np.intp, count=len(chunks))
        starts = np.fromiter(((c.block.table_offset if c.table else c.block.offset) + c.start
                              for c in chunks), dtype=np.intp, count=len(chunks))
        total = int(lens.sum())
        first = np.cumsum(lens) - lens
        gather = np.repeat(starts - first, lens) + np.arange(total, dtype=np.intp)
        own_stage = cat("stage", np.intp)[gather]
        ov = np.repeat(np.fromiter((c.stage for c in chunks), dtype=np.intp, count=len(chunks)),
                       lens)
        stage = np.where(ov >= 0, ov, own_stage)
        mult = np.repeat(np.fromiter((c.mult for c in chunks), dtype=np.float64,
                                     count=len(chunks)), lens)
        if len(self.allocs) > 1:
            alloc = np.repeat(np.fromiter((c.alloc for c in chunks), dtype=np.intp,
                                          count=len(chunks)), lens)
            for ai, chain in enumerate(self.allocs):
                if not chain:
                    continue
                mine = alloc == ai
                for factor, stages in chain:  # in chain order, as the allocations nest
                    sel = mine & np.isin(stage, np.fromiter(stages, dtype=np.intp))
                    mult[sel] *= factor
        line_id: list[str] = []
        kind: list[str] = []
        description: list[str] = []
        unit: list[str] = []
        for c in chunks:
            src: Block | OwnerRows | None = c.block.table if c.table else c.block
            assert src is not None
            s, e = c.start, c.end
            if s == 0 and e == len(src.line_id):  # a whole block: no slice copies
                line_id += src.line_id
                kind += src.kind
                description += src.description
                unit += src.unit
                continue
            line_id += src.line_id[s:e]
            kind += src.kind[s:e]
            description += src.description[s:e]
            unit += src.unit[s:e]
        row = cat("row", np.intp)[gather]
        # factor rows in first use along the expanded lines (what a line-by-line walk yields)
        first_use = np.full(len(self.rows.value), total, dtype=np.intp)
        np.minimum.at(first_use, row, np.arange(total, dtype=np.intp))
        used = np.flatnonzero(first_use < total)
        order = used[np.argsort(first_use[used], kind="stable")]
        remap = np.zeros(max(len(self.rows.value), 1), dtype=np.intp)
        remap[order] = np.arange(len(order), dtype=np.intp)
        self.rows.reorder(order.tolist())
        return Flat(
            rows=self.rows, nodes=self.nodes, line_id=line_id, kind=kind,
            description=description, unit=unit, quantity=cat("quantity", np.float64)[gather],
            amount=cat("amount", np.float64)[gather], row=remap[row], mult=mult, stage=stage,
            node=np.repeat(np.fromiter((c.node for c in chunks), dtype=np.intp,
                                       count=len(chunks)), lens),
            primary=cat("primary", bool)[gather], dqr=cat("dqr", np.float64)[gather],
            dist=cat("dist", np.int8)[gather], p1=cat("p1", np.float64)[gather],
            p2=cat("p2", np.float64)[gather],
        )


def flatten(d: Dossier, fs: FactorSet) -> Flat:
    b = _Builder(d, fs)
    root: tuple[tuple[float, frozenset[int]], ...] = ()
    if d.allocation is not None:
        root = ((d.allocation.factor, frozenset(STAGE_INDEX[s] for s in d.allocation.stages)),)
    b.walk(d, d.lines, (d.subassemblies,), "", 0, 1.0 / d.reference_flow, None, root)
    return b.finish()


__all__ = ["STAGE_INDEX", "Block", "Flat", "Node", "flatten"]
