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
from typing import Any

import numpy as np

from footprint.factors import FactorSet, load_factor_set
from footprint.flatten import Flat, flatten
from footprint.model import STAGE_ORDER, Dossier
from footprint.result import FootprintResult, LineColumns, LineTable, TreeNode
from footprint.rows import CLASSES

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


def aggregate(flat: Flat, a: dict[str, np.ndarray] | None = None) -> Aggregates:
    """The numeric core: per line, stage, gas, carbon class, tree node; DQR; primary share."""
    a = flat.arrays() if a is None else a
    names, value, gas, cls, air = flat.rows.matrices()
    w = a["amount"] * a["mult"]
    kg = w * value[a["row"]]
    wr = np.bincount(a["row"], weights=w, minlength=len(value))
    n = len(flat.nodes)
    node, stage = a["node"], a["stage"]
    ns = np.bincount(node * _NS + stage, weights=kg, minlength=n * _NS).reshape(n, _NS)
    parent = np.fromiter((nd.parent for nd in flat.nodes), dtype=np.intp, count=n)
    depth = np.fromiter((nd.depth for nd in flat.nodes), dtype=np.intp, count=n)
    for level in range(int(depth.max()), 0, -1):  # deepest first: children before parents
        sel = np.flatnonzero(depth == level)
        np.add.at(ns, parent[sel], ns[sel])
    absk = np.abs(kg)
    abs_total = float(absk.sum())
    has = ~np.isnan(a["dqr"])
    dqr_weight = float(absk[has].sum())
    if dqr_weight > 0:
        dqr: float | None = float((absk[has] * a["dqr"][has]).sum()) / dqr_weight
    elif has.any():
        dqr = float(a["dqr"][has].mean())
    else:
        dqr = None
    return Aggregates(
        kg=kg, gas_names=names, per_stage=np.bincount(stage, weights=kg, minlength=_NS),
        per_gas=wr @ gas, classes=wr @ cls, aircraft=float(wr @ air), node_stage=ns,
        total=float(kg.sum()), abs_total=abs_total,
        primary_share=float(absk[a["primary"]].sum()) / abs_total if abs_total else 0.0,
        dqr=dqr, dqr_weight=dqr_weight,
    )


_NODE_FIELDS = tuple(TreeNode.model_fields)
_NODE_SET = frozenset(_NODE_FIELDS)


def _node(values: tuple[Any, ...]) -> TreeNode:
    """A TreeNode from values already of the field types, in field order (as model_construct
    with every field given, without its per-field default handling)."""
    obj = TreeNode.__new__(TreeNode)
    object.__setattr__(obj, "__dict__", dict(zip(_NODE_FIELDS, values, strict=True)))
    object.__setattr__(obj, "__pydantic_fields_set__", set(_NODE_SET))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def build_tree(flat: Flat, agg: Aggregates, node: np.ndarray) -> TreeNode:
    """Product -> sub-assembly -> line view from the aggregated node totals."""
    n = len(flat.nodes)
    total = agg.total
    order = np.argsort(node, kind="stable").tolist()
    ends = np.cumsum(np.bincount(node, minlength=n)).tolist()
    stage_rows = agg.node_stage.tolist()
    node_totals = agg.node_stage.sum(axis=1).tolist()
    names = [s.value for s in STAGE_ORDER]
    children: list[list[TreeNode]] = [[] for _ in range(n)]
    t: TreeNode | None = None
    for i in range(n - 1, -1, -1):
        nd = flat.nodes[i]
        sub_total = node_totals[i]
        # every field is computed here from typed arrays: nothing to validate
        t = _node((nd.path, nd.name, nd.ref, nd.quantity, sub_total,
                   dict(zip(names, stage_rows[i], strict=True)),
                   sub_total / total if total else 0.0,
                   order[ends[i - 1] if i else 0:ends[i]], children[i][::-1]))
        if nd.parent >= 0:
            children[nd.parent].append(t)
    assert t is not None
    return t


def line_results(flat: Flat, kg: np.ndarray) -> LineTable:
    """The per-line view, kept as the engine's columns (no per-line objects built here)."""
    rows = flat.rows
    return LineTable(columns=LineColumns(
        line_id=flat.line_id, node=flat.node, node_path=[nd.path for nd in flat.nodes],
        stage=flat.stage, stage_names=_STAGE_NAMES, kind=flat.kind,
        description=flat.description, quantity=flat.quantity, unit=flat.unit, row=flat.row,
        factor_id=rows.factor_id, factor_value=rows.value, factor_unit=rows.factor_unit,
        factor_source=rows.source, check=rows.check, kg_co2e=kg, multiplier=flat.mult,
        primary=flat.primary, dqr=flat.dqr,
    ))


@dataclass
class Computed:
    """Every figure of a calculation before it is wrapped in a :class:`FootprintResult`."""

    flat: Flat
    agg: Aggregates
    tree: TreeNode
    lines: LineTable


def compute(dossier: Dossier, fs: FactorSet) -> Computed:
    """Walk the dossier once into arrays; per line, stage, gas, class, tree from those arrays."""
    flat = flatten(dossier, fs)
    agg = aggregate(flat)
    return Computed(flat, agg, build_tree(flat, agg, flat.node), line_results(flat, agg.kg))


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
