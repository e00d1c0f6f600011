"""The calculation: flatten once, then every figure from the same numpy arrays.

    kg[i]  = amount[i] (in the factor's unit) x mult[i] (per functional unit) x value[row[i]]
    per stage = bincount(stage, kg); per gas / class = (bincount(row, amount x mult)) @ matrix
    tree       = bincount(node x 5 + stage, kg), summed up the sub-assembly parents

Deterministic: lines keep dossier order, factor rows first-use order, gases sorted; the result
records factor set id and version, GWP set, engine version and the dossier's SHA-256.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from footprint.factors import FactorSet, load_factor_set
from footprint.flatten import Flat, flatten
from footprint.model import STAGE_ORDER, Dossier
from footprint.result import FootprintResult, LineColumns, LineTable
from footprint.rows import CLASSES
from footprint.tree import ProductTree, TreeColumns

ENGINE_VERSION = "1.0.0"
_NS = len(STAGE_ORDER)
_STAGE_NAMES = [s.value for s in STAGE_ORDER]


def dossier_sha256(d: Dossier) -> str:
    """SHA-256 of the dossier's canonical JSON (pydantic field order, UTF-8)."""
    return hashlib.sha256(d.model_dump_json().encode("utf-8")).hexdigest()


@dataclass
class Aggregates:
    """Every figure of a result, computed from the flattened arrays in one vectorised pass."""

    kg: np.ndarray
    gas_names: list[str]
    per_stage: np.ndarray
    per_gas: np.ndarray
    classes: np.ndarray
    aircraft: float
    node_stage: np.ndarray
    """(nodes x stages) totals including descendants"""
    total: float
    abs_total: float
    primary_share: float
    dqr: float | None
    dqr_weight: float


def aggregate(flat: Flat) -> Aggregates:
    """The numeric core: per line, stage, gas, carbon class, tree node; DQR; primary share."""
    names, value, gas, cls, air = flat.rows.matrices()
    row, stage = flat.row, flat.stage
    w = flat.w  # amount x mult
    kg = np.take(value, row, mode="clip") if len(value) else value[row]  # (rows in range)
    kg *= w  # w x value
    wr = np.bincount(row, weights=w, minlength=len(value))
    n = len(flat.nodes)
    key = np.repeat(flat.chunk_node * _NS, flat.chunk_len)  # node x stages + stage, per line
    key += stage
    # (bincount of no lines gives integers: the totals are floats whatever the count)
    ns = np.bincount(key, weights=kg, minlength=n * _NS).astype(np.float64, copy=False)
    ns = ns.reshape(n, _NS)
    parent, depth = flat.nodes.parent, flat.nodes.depth
    for level in range(int(depth.max()), 0, -1):  # deepest first: children before parents
        sel = np.flatnonzero(depth == level)
        np.add.at(ns, parent[sel], ns[sel])
    total = float(kg.sum())
    # |kg| is kg when no line is negative (the usual case: no copy); the sums below are
    # those over absk[mask] when a mask is all or nothing
    absk = kg if not len(kg) or kg.min() >= 0 else np.abs(kg)
    abs_total = total if absk is kg else float(absk.sum())
    pp = flat.pair_primary  # no pair primary: no line is; every pair: every line
    if not pp.any():
        primary_abs = 0.0
    elif pp.all():
        primary_abs = abs_total
    else:
        primary_abs = float(absk[flat.primary].sum())
    q = flat.dqr
    dqr: float | None = None
    at = flat.dqr_at  # the lines with a DQR, when known beforehand
    if at is not None and len(at) not in (0, len(q)):
        assert flat.dqr_val is not None
        a = np.take(absk, at, mode="clip")  # = absk[has]
        dqr_weight = float(a.sum())
        dqr = (float((a * flat.dqr_val).sum()) / dqr_weight if dqr_weight > 0
               else float(flat.dqr_val.mean()))
    elif (at is not None and len(at) == len(q)) or (at is None and not np.isnan(q.sum())):
        # every line has a DQR (criteria are finite, 1..5)
        dqr_weight = abs_total
        if dqr_weight > 0:
            dqr = float((absk * q).sum()) / dqr_weight
        elif len(q):
            dqr = float(q.mean())
    else:
        has = ~np.isnan(q)
        if not has.any():
            dqr_weight = 0.0
        else:
            a = absk[has]
            dqr_weight = float(a.sum())
            dqr = (float((a * q[has]).sum()) / dqr_weight if dqr_weight > 0
                   else float(q[has].mean()))
    return Aggregates(
        kg=kg, gas_names=names, per_stage=np.bincount(stage, weights=kg, minlength=_NS),
        per_gas=wr @ gas, classes=wr @ cls, aircraft=float(wr @ air), node_stage=ns,
        total=total, abs_total=abs_total,
        primary_share=primary_abs / abs_total if abs_total else 0.0,
        dqr=dqr, dqr_weight=dqr_weight,
    )


def build_tree(flat: Flat, agg: Aggregates) -> ProductTree:
    """Product -> sub-assembly -> line view from the aggregated node totals, as columns."""
    nd = flat.nodes
    return ProductTree(columns=TreeColumns(
        path=nd.path, name=nd.name, ref=nd.ref, quantity=nd.quantity, parent=nd.parent,
        node_stage=agg.node_stage, stage_names=_STAGE_NAMES, total=agg.total,
        chunk_node=flat.chunk_node, chunk_start=flat.chunk_start, chunk_len=flat.chunk_len,
    ))


def line_results(flat: Flat, kg: np.ndarray) -> LineTable:
    """The per-line view, kept as the engine's columns (no per-line objects built here)."""
    rows = flat.rows
    return LineTable(columns=LineColumns(
        texts=flat.texts, node=lambda: flat.node, node_path=flat.nodes.path, stage=flat.stage,
        stage_names=_STAGE_NAMES, quantity=flat.quantity, row=flat.row,
        factor_id=rows.factor_id, factor_value=rows.value, factor_unit=rows.factor_unit,
        factor_source=rows.source, check=rows.check, kg_co2e=kg, multiplier=flat.mult,
        primary=lambda: flat.primary, dqr=flat.dqr,
    ))


@dataclass
class Computed:
    """Every figure of a calculation before it is wrapped in a :class:`FootprintResult`."""

    flat: Flat
    agg: Aggregates
    tree: ProductTree
    lines: LineTable


def compute(dossier: Dossier, fs: FactorSet) -> Computed:
    """Walk the dossier once into arrays; per line, stage, gas, class, tree from those arrays."""
    flat = flatten(dossier, fs)
    agg = aggregate(flat)
    return Computed(flat, agg, build_tree(flat, agg), line_results(flat, agg.kg))


def calculate(dossier: Dossier, factor_set: FactorSet | None = None, *,
              monte_carlo_draws: int = 0, seed: int = 0) -> FootprintResult:
    """Footprint of ``dossier`` per functional unit with ``factor_set`` (default: newest)."""
    fs = factor_set or load_factor_set()
    c = compute(dossier, fs)
    flat, agg = c.flat, c.agg
    rows = flat.rows
    cls = {c: float(v) for c, v in zip(CLASSES, agg.classes, strict=True)}
    used = sorted({rows.factor_id[r] for r in range(len(rows.value)) if rows.check[r]})
    result = FootprintResult(
        product=dossier.product.name,
        functional_unit=dossier.functional_unit,
        boundary=dossier.boundary,
        reference_flow=dossier.reference_flow,
        total=agg.total,
        per_stage={s.value: float(v) for s, v in zip(STAGE_ORDER, agg.per_stage, strict=True)},
        per_gas={g: float(v) for g, v in zip(agg.gas_names, agg.per_gas, strict=True)},
        fossil=cls["fossil"], biogenic_emissions=cls["biogenic_emissions"],
        biogenic_removals=cls["biogenic_removals"], dluc=cls["dluc"],
        aircraft=agg.aircraft,
        lines=c.lines,
        tree=c.tree,
        primary_data_share=agg.primary_share,
        dqr=agg.dqr,
        dqr_coverage=agg.dqr_weight / agg.abs_total if agg.abs_total else 0.0,
        factors_to_check=used,
        factor_set_id=fs.id,
        factor_set_version=fs.version,
        gwp_set=dossier.gwp_set,
        dossier_sha256=dossier_sha256(dossier),
        engine_version=ENGINE_VERSION,
    )
    if monte_carlo_draws:
        from footprint.uncertainty import simulate

        result.uncertainty = simulate(agg.kg, flat.arrays(), monte_carlo_draws, seed)
    return result
