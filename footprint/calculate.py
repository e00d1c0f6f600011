"""The calculation: flatten once, then every figure from the same numpy arrays.

    kg[i]  = amount[i] (in the factor's unit) x mult[i] (per functional unit) x value[row[i]]
    per stage = bincount(stage, kg); per gas / class = (bincount(row, amount x mult)) @ matrix
    tree       = bincount(node x 5 + stage, kg), summed up the sub-assembly parents

Deterministic: lines keep dossier order, factor rows first-use order, gases sorted; the result
records factor set id and version, GWP set, engine version and the dossier's SHA-256.
"""

from __future__ import annotations

import hashlib

import numpy as np
from pydantic import TypeAdapter

from footprint.factors import FactorSet, load_factor_set
from footprint.flatten import Flat, flatten
from footprint.model import STAGE_ORDER, Dossier
from footprint.result import FootprintResult, LineResult, TreeNode
from footprint.rows import CLASSES

ENGINE_VERSION = "1.0.0"
_LINES = TypeAdapter(list[LineResult])
_NS = len(STAGE_ORDER)


def dossier_sha256(d: Dossier) -> str:
    """SHA-256 of the dossier's canonical JSON (pydantic field order, UTF-8)."""
    return hashlib.sha256(d.model_dump_json().encode("utf-8")).hexdigest()


def line_kg(flat: Flat) -> np.ndarray:
    """kg CO2e per functional unit of every expanded line."""
    a = flat.arrays()
    value = np.asarray(flat.rows.value, dtype=np.float64)
    return a["amount"] * a["mult"] * value[a["row"]]


def _tree(flat: Flat, kg: np.ndarray, node: np.ndarray, stage: np.ndarray,
          total: float) -> TreeNode:
    n = len(flat.nodes)
    ns = np.bincount(node * _NS + stage, weights=kg, minlength=n * _NS).reshape(n, _NS)
    for i in range(n - 1, 0, -1):
        ns[flat.nodes[i].parent] += ns[i]
    order = np.argsort(node, kind="stable")
    counts = np.bincount(node, minlength=n)
    members = np.split(order, np.cumsum(counts)[:-1])
    built: list[TreeNode | None] = [None] * n
    children: list[list[TreeNode]] = [[] for _ in range(n)]
    for i in range(n - 1, -1, -1):
        nd = flat.nodes[i]
        sub_total = float(ns[i].sum())
        t = TreeNode(
            path=nd.path, name=nd.name, ref=nd.ref, quantity=nd.quantity, total=sub_total,
            per_stage={s.value: float(v) for s, v in zip(STAGE_ORDER, ns[i], strict=True)},
            share=sub_total / total if total else 0.0, lines=members[i].tolist(),
            children=children[i][::-1],
        )
        built[i] = t
        if nd.parent >= 0:
            children[nd.parent].append(t)
    root = built[0]
    assert root is not None
    return root


def calculate(dossier: Dossier, factor_set: FactorSet | None = None, *,
              monte_carlo_draws: int = 0, seed: int = 0) -> FootprintResult:
    """Footprint of ``dossier`` per functional unit with ``factor_set`` (default: newest)."""
    fs = factor_set or load_factor_set()
    flat = flatten(dossier, fs)
    a = flat.arrays()
    names, value, gas, cls, air = flat.rows.matrices()
    w = a["amount"] * a["mult"]
    kg = w * value[a["row"]]
    wr = np.bincount(a["row"], weights=w, minlength=len(value))
    per_gas = wr @ gas
    classes = wr @ cls
    aircraft = float(wr @ air)
    per_stage = np.bincount(a["stage"], weights=kg, minlength=_NS)
    total = float(kg.sum())

    absk = np.abs(kg)
    abs_total = float(absk.sum())
    primary_share = float(absk[a["primary"]].sum()) / abs_total if abs_total else 0.0
    has = ~np.isnan(a["dqr"])
    dqr_weight = float(absk[has].sum())
    if dqr_weight > 0:
        dqr: float | None = float((absk[has] * a["dqr"][has]).sum()) / dqr_weight
    elif has.any():
        dqr = float(a["dqr"][has].mean())
    else:
        dqr = None

    rows = flat.rows
    row = a["row"].tolist()
    dq = [None if x != x else x for x in flat.dqr]
    lines = _LINES.validate_python([
        {"line_id": lid, "path": p, "stage": STAGE_ORDER[s].value, "kind": k, "description": de,
         "quantity": q, "unit": u, "factor_id": rows.factor_id[r], "factor_value": rows.value[r],
         "factor_unit": rows.factor_unit[r], "factor_source": rows.source[r], "kg_co2e": c,
         "multiplier": m, "primary": pr, "dqr": d, "check": rows.check[r]}
        for lid, p, s, k, de, q, u, r, c, m, pr, d in zip(
            flat.line_id, flat.path, flat.stage, flat.kind, flat.description, flat.quantity,
            flat.unit, row, kg.tolist(), flat.mult, flat.primary, dq, strict=True)
    ])
    used = sorted({rows.factor_id[r] for r in set(row) if rows.check[r]})
    result = FootprintResult(
        product=dossier.product.name,
        functional_unit=dossier.functional_unit,
        boundary=dossier.boundary,
        reference_flow=dossier.reference_flow,
        total=total,
        per_stage={s.value: float(v) for s, v in zip(STAGE_ORDER, per_stage, strict=True)},
        per_gas={g: float(v) for g, v in zip(names, per_gas, strict=True)},
        **{c: float(v) for c, v in zip(CLASSES, classes, strict=True)},
        aircraft=aircraft,
        lines=lines,
        tree=_tree(flat, kg, a["node"], a["stage"], total),
        primary_data_share=primary_share,
        dqr=dqr,
        dqr_coverage=dqr_weight / abs_total if abs_total else 0.0,
        factors_to_check=used,
        factor_set_id=fs.id,
        factor_set_version=fs.version,
        gwp_set=dossier.gwp_set,
        dossier_sha256=dossier_sha256(dossier),
        engine_version=ENGINE_VERSION,
    )
    if monte_carlo_draws:
        from footprint.uncertainty import simulate

        result.uncertainty = simulate(kg, a, monte_carlo_draws, seed)
    return result
