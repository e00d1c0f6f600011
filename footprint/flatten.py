"""Flatten a dossier tree into columns: one entry per expanded line, one row per factor used.

This is the only per-line Python loop of the engine; everything numeric afterwards runs on the
numpy arrays built here (:mod:`footprint.calculate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from footprint.errors import MissingFactorError
from footprint.factors import Factor, FactorSet
from footprint.model import STAGE_ORDER, Dossier, Stage
from footprint.rows import FactorRows
from footprint.units import conversion
from footprint.validation import Chain, resolve

STAGE_INDEX = {s: i for i, s in enumerate(STAGE_ORDER)}
_DIST = {"lognormal": 1, "normal": 2, "uniform": 3, "triangular": 4}


@dataclass
class Node:
    path: str
    name: str
    ref: str | None
    parent: int
    quantity: float
    depth: int = 0


@dataclass
class Flat:
    """Columns of the expanded lines (Python lists, turned into arrays by :meth:`arrays`)."""

    rows: FactorRows
    nodes: list[Node] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    line_id: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    quantity: list[float] = field(default_factory=list)
    unit: list[str] = field(default_factory=list)
    amount: list[float] = field(default_factory=list)
    """activity in the factor's unit"""
    row: list[int] = field(default_factory=list)
    mult: list[float] = field(default_factory=list)
    stage: list[int] = field(default_factory=list)
    node: list[int] = field(default_factory=list)
    primary: list[bool] = field(default_factory=list)
    dqr: list[float] = field(default_factory=list)
    dist: list[int] = field(default_factory=list)
    p1: list[float] = field(default_factory=list)
    p2: list[float] = field(default_factory=list)

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "amount": np.asarray(self.amount, dtype=np.float64),
            "row": np.asarray(self.row, dtype=np.intp),
            "mult": np.asarray(self.mult, dtype=np.float64),
            "stage": np.asarray(self.stage, dtype=np.intp),
            "node": np.asarray(self.node, dtype=np.intp),
            "primary": np.asarray(self.primary, dtype=bool),
            "dqr": np.asarray(self.dqr, dtype=np.float64),
            "dist": np.asarray(self.dist, dtype=np.int8),
            "p1": np.asarray(self.p1, dtype=np.float64),
            "p2": np.asarray(self.p2, dtype=np.float64),
        }


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
    """(row, activity amount in factor unit, submitted quantity, unit text, primary)."""
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


def flatten(d: Dossier, fs: FactorSet) -> Flat:
    flat = Flat(rows=FactorRows(fs, d.gwp_set))
    flat.nodes.append(Node(path="", name=d.product.name, ref=None, parent=-1, quantity=1.0))
    root_alloc = [] if d.allocation is None else [(d.allocation.factor, set(d.allocation.stages))]
    _walk(flat, fs, d.lines, (d.subassemblies,), "", 0, 1.0 / d.reference_flow, None, root_alloc)
    return flat


def _walk(flat: Flat, fs: FactorSet, lines: list[Any], chain: Chain, prefix: str, node: int,
          mult: float, stage_override: Stage | None, allocs: list[tuple[float, set[Stage]]]) -> None:
    rows = flat.rows
    for line in lines:
        path = prefix + line.id
        stage = stage_override or line.stage
        if line.kind == "subassembly":
            found = resolve(line.ref, chain)
            assert found is not None  # validated with the dossier
            sub, sub_chain = found
            flat.nodes.append(Node(path=path, name=sub.name, ref=line.ref, parent=node,
                                   quantity=line.quantity, depth=flat.nodes[node].depth + 1))
            sub_allocs = allocs
            if sub.allocation is not None:
                sub_allocs = [*allocs, (sub.allocation.factor, set(sub.allocation.stages))]
            _walk(flat, fs, sub.lines, sub_chain, path + "/", len(flat.nodes) - 1,
                  mult * line.quantity / sub.reference_flow, stage, sub_allocs)
            continue
        row, amount, q, unit, primary = _line_factor(fs, rows, line, path)
        m = mult
        for factor, stages in allocs:
            if stage in stages:
                m *= factor
        flat.path.append(path)
        flat.line_id.append(line.id)
        flat.kind.append(line.kind)
        flat.description.append(line.description)
        flat.quantity.append(q)
        flat.unit.append(unit)
        flat.amount.append(amount)
        flat.row.append(row)
        flat.mult.append(m)
        flat.stage.append(STAGE_INDEX[stage])
        flat.node.append(node)
        flat.primary.append(primary)
        dq = line.dqr
        flat.dqr.append(float("nan") if dq is None else (dq.ter + dq.ger + dq.tir + dq.p) / 4.0)
        u = line.uncertainty
        if u is None:
            flat.dist.append(0)
            flat.p1.append(0.0)
            flat.p2.append(0.0)
        else:
            flat.dist.append(_DIST[u.distribution])
            if u.distribution == "lognormal":
                flat.p1.append(float(u.gsd2))
                flat.p2.append(0.0)
            elif u.distribution == "normal":
                flat.p1.append(float(u.rel_sd))
                flat.p2.append(0.0)
            else:
                flat.p1.append(float(u.low))
                flat.p2.append(float(u.high))
