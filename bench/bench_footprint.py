"""Footprint engine benchmark: python -m bench.bench_footprint

Generates a dossier of 100,000 lines in nested sub-assemblies (50 modules x 20 parts x 100
lines: materials in g and kg, electricity, truck legs) and measures, in the same run:

- engine core: all figures (per line, stage, gas, carbon class, DQR, primary share, and the
  tree product -> module -> part -> line) from the flattened arrays, vectorised (numpy);
- baseline: a plain per-line Python loop computing the same figures over the same flattened data;
- the stages around the core: dossier validation, flattening, end-to-end ``calculate``;
- 10,000 Monte Carlo draws over a 10,000-line dossier.

Targets (issue 3): core with tree < 0.5 s and >= 20x the loop; Monte Carlo < 5 s.
Benchmarks are not tests: nothing here asserts timings.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from footprint import Dossier, calculate, load_factor_set
from footprint.calculate import aggregate, build_tree
from footprint.flatten import Flat, flatten
from footprint.uncertainty import simulate

_MATS = ["material.steel.bof", "material.plastic.pp", "material.copper.cathode",
         "material.aluminium.primary"]


def make_dossier(modules: int = 50, parts: int = 20, lines: int = 100) -> Dossier:
    subs: dict[str, Any] = {}
    top = []
    for i in range(modules):
        inner: dict[str, Any] = {}
        refs = []
        for j in range(parts):
            ls: list[dict[str, Any]] = []
            for k in range(lines):
                m = k % 5
                if m == 4:
                    ls.append({"kind": "electricity", "id": f"e{k}", "quantity": 1.0 + k,
                               "grid": "elec.cn.lca.2023.national",
                               "dqr": {"ter": 2, "ger": 2, "tir": 2, "p": 3}})
                elif m == 3:
                    ls.append({"kind": "transport", "id": f"t{k}", "mode": "transport.road.hgv.average",
                               "mass": 10.0 + k, "distance": 100.0 + j})
                else:
                    ls.append({"kind": "material", "id": f"m{k}", "material": _MATS[(k + j) % 4],
                               "quantity": 0.5 + k, "unit": "kg" if k % 2 else "g",
                               "uncertainty": {"distribution": "lognormal", "gsd2": 1.2}})
            inner[f"P{j}"] = {"name": f"part {j}", "lines": ls}
            refs.append({"kind": "subassembly", "id": f"p{j}", "ref": f"P{j}", "quantity": 2})
        subs[f"M{i}"] = {"name": f"module {i}", "lines": refs, "subassemblies": inner}
        top.append({"kind": "subassembly", "id": f"m{i}", "ref": f"M{i}", "quantity": 1})
    return Dossier.model_validate({
        "product": {"name": "Benchmark locomotive", "model": "B-1"},
        "functional_unit": {"amount": 1, "unit": "piece"}, "boundary": "cradle-to-gate",
        "reference_period": {"start": "2024-01-01", "end": "2024-12-31"},
        "lines": top, "subassemblies": subs,
    })


def baseline_loop(flat: Flat) -> dict[str, Any]:
    """The same figures as the engine core, one line at a time in plain Python."""
    rows = flat.rows
    n_nodes = len(flat.nodes)
    per_stage = [0.0] * 5
    per_gas: dict[str, float] = {}
    classes = [0.0] * 4
    aircraft = abs_total = prim = dqr_w = dqr_sum = 0.0
    node_stage = [[0.0] * 5 for _ in range(n_nodes)]
    members: list[list[int]] = [[] for _ in range(n_nodes)]
    kgs = []
    for i in range(len(flat.amount)):
        r = flat.row[i]
        w = flat.amount[i] * flat.mult[i]
        kg = w * rows.value[r]
        kgs.append(kg)
        s = flat.stage[i]
        per_stage[s] += kg
        for g, v in rows.gases[r].items():
            per_gas[g] = per_gas.get(g, 0.0) + w * v
        for c in range(4):
            classes[c] += w * rows.classes[r][c]
        aircraft += w * rows.aircraft[r]
        node_stage[flat.node[i]][s] += kg
        members[flat.node[i]].append(i)
        a = abs(kg)
        abs_total += a
        if flat.primary[i]:
            prim += a
        d = flat.dqr[i]
        if d == d:
            dqr_w += a
            dqr_sum += a * d
    for i in range(n_nodes - 1, 0, -1):
        parent = node_stage[flat.nodes[i].parent]
        for s in range(5):
            parent[s] += node_stage[i][s]
    tree = [{"path": nd.path, "total": sum(node_stage[i]), "lines": members[i]}
            for i, nd in enumerate(flat.nodes)]
    return {"total": sum(kgs), "per_stage": per_stage, "per_gas": per_gas, "classes": classes,
            "aircraft": aircraft, "primary": prim / abs_total, "dqr": dqr_sum / dqr_w if dqr_w else None,
            "tree": tree}


def _best(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def run(lines: int = 100_000, mc_lines: int = 10_000, mc_draws: int = 10_000) -> dict[str, float]:
    fs = load_factor_set()
    per_part = 100
    t = time.perf_counter()
    d = make_dossier(modules=max(1, lines // (20 * per_part)), parts=20, lines=per_part)
    t_validate = time.perf_counter() - t
    t_flatten, flat = _best(lambda: flatten(d, fs), 1)
    arrays = flat.arrays()

    def core() -> Any:
        agg = aggregate(flat, arrays)
        return agg, build_tree(flat, agg, arrays["node"])

    t_core, (agg, _) = _best(core)
    t_loop, base = _best(lambda: baseline_loop(flat))
    if not np.isclose(agg.total, base["total"], rtol=1e-9):
        raise RuntimeError(f"engine {agg.total} != loop {base['total']}")
    t_e2e, res = _best(lambda: calculate(d, fs), 1)

    small = make_dossier(modules=max(1, mc_lines // (20 * per_part)), parts=20, lines=per_part)
    sflat = flatten(small, fs)
    sarr = sflat.arrays()
    skg = aggregate(sflat, sarr).kg
    t_mc, unc = _best(lambda: simulate(skg, sarr, mc_draws, seed=1), 1)
    return {
        "lines": float(len(flat.amount)), "nodes": float(len(flat.nodes)),
        "validate_s": t_validate, "flatten_s": t_flatten, "engine_core_tree_s": t_core,
        "python_loop_s": t_loop, "speedup": t_loop / t_core, "calculate_end_to_end_s": t_e2e,
        "total_kg_co2e": res.total, "mc_lines": float(len(sflat.amount)),
        "mc_draws": float(mc_draws), "monte_carlo_s": t_mc, "mc_p2_5": unc.p2_5,
        "mc_p97_5": unc.p97_5,
    }


def main() -> None:
    r = run()
    print(f"footprint engine, {int(r['lines']):,} lines in {int(r['nodes']):,} tree nodes")
    print(f"{'measure':<38}{'seconds':>10}  target")
    rows = [
        ("engine core + tree (numpy)", r["engine_core_tree_s"], "< 0.5 s"),
        ("plain per-line Python loop", r["python_loop_s"], ""),
        ("speed-up (loop / engine)", r["speedup"], ">= 20x"),
        ("dossier validation (pydantic)", r["validate_s"], ""),
        ("flatten tree to arrays", r["flatten_s"], ""),
        ("calculate() end to end", r["calculate_end_to_end_s"], ""),
        (f"Monte Carlo {int(r['mc_draws']):,} draws x {int(r['mc_lines']):,} lines",
         r["monte_carlo_s"], "< 5 s"),
    ]
    for name, v, target in rows:
        print(f"{name:<38}{v:>10.3f}  {target}")


if __name__ == "__main__":
    main()
