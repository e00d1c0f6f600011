"""Footprint engine benchmark: python -m bench.bench_footprint

Generates a dossier of 100,000 lines in nested sub-assemblies (50 modules x 20 parts x 100
lines: materials in g and kg, electricity, truck legs; every part its own definition, so all
100,000 lines are distinct objects and nothing is shared or cached between uses) and measures,
in the same run, both sides starting from the same already-built ``Dossier`` object:

- engine: ``footprint.calculate.compute`` - walk the dossier into arrays, then per line, per
  stage, per gas, carbon classes, DQR, primary share and the tree product -> module -> part ->
  line, vectorised (numpy); the per-line view is a column table.
- baseline: a plain per-line Python loop walking the same dossier depth first and computing the
  same figures (per line kg with its path, per stage, per gas, classes, DQR, primary share,
  tree node totals). It gets the same help the engine gets outside the per-line work: each
  distinct (factor, unit) pair is resolved once (factor row in CO2e, pint conversion) and cached.
- ``calculate()`` end to end: the engine plus the dossier SHA-256 (canonical JSON of the whole
  dossier) and the pydantic ``FootprintResult``.
- Monte Carlo: ``calculate()`` of a 10,000-line dossier with 10,000 seeded draws.

Before any timing is reported, the baseline's figures are checked against ``calculate()``'s
(relative 1e-9): total, stages, gases, classes, every line's path and kg, every tree node.
Each time is the best of ``repeat`` runs, as wall clock and as this process's CPU time (CPU
time is what one core spent; on a shared machine wall clock also counts waiting for a core).
Targets (issue 3): full calculation with the tree < 0.5 s and >= 20x the loop; Monte Carlo
10,000 x 10,000 < 5 s. Benchmarks are not tests: nothing here asserts timings.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from footprint import Dossier, FactorSet, TreeNode, calculate, dossier_sha256, load_factor_set
from footprint.calculate import compute
from footprint.flatten import _line_factor
from footprint.model import STAGE_ORDER
from footprint.rows import FactorRows
from footprint.units import conversion, ureg
from footprint.validation import Chain, resolve

_MATS = ["material.steel.bof", "material.plastic.pp", "material.copper.cathode",
         "material.aluminium.primary"]
_STAGES = [s.value for s in STAGE_ORDER]
_STAGE_INDEX = {s: i for i, s in enumerate(STAGE_ORDER)}


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


# set-factor line kinds: kind -> (factor field, amount, unit text)
_PLAIN: dict[str, tuple[str, Callable[[Any], float], Callable[[Any], str]]] = {
    "material": ("material", lambda ln: ln.quantity, lambda ln: ln.unit),
    "packaging": ("material", lambda ln: ln.quantity, lambda ln: ln.unit),
    "electricity": ("grid", lambda ln: ln.quantity, lambda ln: ln.unit),
    "fuel": ("fuel", lambda ln: ln.quantity, lambda ln: ln.unit),
    "waste": ("treatment", lambda ln: ln.quantity, lambda ln: ln.unit),
    "transport": ("mode", lambda ln: ln.mass * ln.distance,
                  lambda ln: f"{ln.mass_unit}*{ln.distance_unit}"),
    "use_energy": ("factor", lambda ln: ln.energy_per_year * ln.years, lambda ln: ln.unit),
}


def baseline_loop(d: Dossier, fs: FactorSet) -> dict[str, Any]:
    """The engine's figures, one line at a time in plain Python, from the dossier object."""
    rows = FactorRows(fs, d.gwp_set)
    pairs: dict[tuple[str, str], tuple[int, float]] = {}
    per_stage = dict.fromkeys(_STAGES, 0.0)
    per_gas: dict[str, float] = {}
    classes = [0.0, 0.0, 0.0, 0.0]
    acc = {"aircraft": 0.0, "abs": 0.0, "primary": 0.0, "dqr_w": 0.0, "dqr_sum": 0.0}
    paths: list[str] = []
    kgs: list[float] = []
    nodes: list[tuple[str, list[float]]] = []  # depth first, as the tree: (path, per stage)

    def factor(fid: str, unit: str, path: str, field: str) -> tuple[int, float]:
        hit = pairs.get((fid, unit))
        if hit is None:
            row = rows.by_key.get(fid)
            if row is None:
                row = rows.add_set_factor(fs.factor(fid, path=path, field=field), path)
            hit = pairs[(fid, unit)] = (row, conversion(unit, rows.activity_unit[row]))
        return hit

    def walk(lines: list[Any], chain: Chain, prefix: str, mult: float, override: Any,
             allocs: list[tuple[float, set[Any]]]) -> list[float]:
        mine = [0.0] * 5
        nodes.append((prefix[:-1], mine))
        for line in lines:
            path = prefix + line.id
            stage = override or line.stage
            kind = line.kind
            if kind == "subassembly":
                found = resolve(line.ref, chain)
                assert found is not None
                sub, sub_chain = found
                sub_allocs = allocs
                if sub.allocation is not None:
                    sub_allocs = [*allocs, (sub.allocation.factor, set(sub.allocation.stages))]
                child = walk(sub.lines, sub_chain, path + "/",
                             mult * line.quantity / sub.reference_flow, stage, sub_allocs)
                for s in range(5):
                    mine[s] += child[s]
                continue
            plain = _PLAIN.get(kind)
            if plain is not None and getattr(line, "supplier_pcf", None) is None \
                    and getattr(line, "instrument", None) is None:
                fld, amount_of, unit_of = plain
                row, conv = factor(getattr(line, fld), unit_of(line), path, fld)
                amount, primary = amount_of(line) * conv, False
            else:  # supplier data, process gases, end of life: the engine's own per-line rule
                row, amount, _q, _u, primary = _line_factor(fs, rows, line, path)
            m = mult
            for f, stages in allocs:
                if stage in stages:
                    m *= f
            w = amount * m
            kg = w * rows.value[row]
            paths.append(path)
            kgs.append(kg)
            si = _STAGE_INDEX[stage]
            per_stage[_STAGES[si]] += kg
            mine[si] += kg
            for g, v in rows.gases[row].items():
                per_gas[g] = per_gas.get(g, 0.0) + w * v
            for c in range(4):
                classes[c] += w * rows.classes[row][c]
            acc["aircraft"] += w * rows.aircraft[row]
            a = abs(kg)
            acc["abs"] += a
            if primary:
                acc["primary"] += a
            q = line.dqr
            if q is not None:
                acc["dqr_w"] += a
                acc["dqr_sum"] += a * (q.ter + q.ger + q.tir + q.p) / 4.0
        return mine

    root_allocs = [] if d.allocation is None else [(d.allocation.factor, set(d.allocation.stages))]
    walk(d.lines, (d.subassemblies,), "", 1.0 / d.reference_flow, None, root_allocs)
    return {"total": sum(kgs), "per_stage": per_stage, "per_gas": per_gas, "classes": classes,
            "aircraft": acc["aircraft"], "paths": paths, "kg": kgs,
            "primary": acc["primary"] / acc["abs"] if acc["abs"] else 0.0,
            "dqr": acc["dqr_sum"] / acc["dqr_w"] if acc["dqr_w"] else None,
            "tree": [(p, sum(st)) for p, st in nodes]}


def _tree_totals(t: TreeNode) -> list[tuple[str, float]]:
    out = [(t.path, t.total)]
    for c in t.children:
        out += _tree_totals(c)
    return out


def check_agree(res: Any, base: dict[str, Any], rtol: float = 1e-9) -> None:
    """Raise unless calculate() and the loop give the same figures."""
    def close(a: Any, b: Any, what: str) -> None:
        if not np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol,
                           atol=0.0):
            raise RuntimeError(f"engine and loop disagree on {what}")

    close(res.total, base["total"], "total")
    close([res.per_stage[s] for s in _STAGES], [base["per_stage"][s] for s in _STAGES], "stages")
    if sorted(res.per_gas) != sorted(base["per_gas"]):
        raise RuntimeError("engine and loop disagree on the gases")
    close([res.per_gas[g] for g in sorted(res.per_gas)],
          [base["per_gas"][g] for g in sorted(res.per_gas)], "per gas")
    close([res.fossil, res.biogenic_emissions, res.biogenic_removals, res.dluc, res.aircraft],
          [*base["classes"], base["aircraft"]], "carbon classes")
    close(res.primary_data_share, base["primary"], "primary share")
    if (res.dqr is None) != (base["dqr"] is None) or (res.dqr is not None
                                                      and not np.isclose(res.dqr, base["dqr"])):
        raise RuntimeError("engine and loop disagree on the DQR")
    cols = res.lines.to_dicts()
    if [c["path"] for c in cols] != base["paths"]:
        raise RuntimeError("engine and loop disagree on the line paths")
    close([c["kg_co2e"] for c in cols], base["kg"], "per line kg")
    tree = _tree_totals(res.tree)
    if [p for p, _ in tree] != [p for p, _ in base["tree"]]:
        raise RuntimeError("engine and loop disagree on the tree nodes")
    close([t for _, t in tree], [t for _, t in base["tree"]], "tree node totals")


def _best(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, float, Any]:
    """(best wall seconds, best CPU seconds, last output) over ``repeat`` runs."""
    wall, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        cpu = min(cpu, time.process_time() - c)
        wall = min(wall, time.perf_counter() - w)
    return wall, cpu, out


def run(lines: int = 100_000, mc_lines: int = 10_000, mc_draws: int = 10_000,
        repeat: int = 3) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    fs = load_factor_set()
    ureg()  # the process-wide unit registry is built once per process, not per calculation
    per_part = 100
    t = time.perf_counter()
    d = make_dossier(modules=max(1, lines // (20 * per_part)), parts=20, lines=per_part)
    t_build = time.perf_counter() - t

    t_loop, c_loop, base = _best(lambda: baseline_loop(d, fs), repeat)
    t_engine, c_engine, _ = _best(lambda: compute(d, fs), repeat)
    t_hash, c_hash, _ = _best(lambda: dossier_sha256(d), repeat)
    t_calc, c_calc, res = _best(lambda: calculate(d, fs), repeat)
    check_agree(res, base)  # before any figure is reported

    small = make_dossier(modules=max(1, mc_lines // (20 * per_part)), parts=20, lines=per_part)
    t_mc, c_mc, mc = _best(lambda: calculate(small, fs, monte_carlo_draws=mc_draws, seed=1), 1)
    unc = mc.uncertainty
    assert unc is not None
    ratio = t_loop / t_engine
    return {
        "lines": float(len(res.lines)), "nodes": float(len(_tree_totals(res.tree))),
        "build_dossier_s": t_build,
        "python_loop_s": t_loop, "python_loop_cpu_s": c_loop,
        "engine_core_tree_s": t_engine, "engine_core_tree_cpu_s": c_engine,
        "ratio": ratio, "speedup": ratio, "ratio_cpu": c_loop / c_engine,
        "calculate_end_to_end_s": t_calc, "calculate_end_to_end_cpu_s": c_calc,
        "ratio_end_to_end": t_loop / t_calc,
        "dossier_sha256_s": t_hash, "dossier_sha256_cpu_s": c_hash,
        "total_kg_co2e": res.total,
        "mc_lines": float(len(mc.lines)), "mc_draws": float(mc_draws),
        "monte_carlo_s": t_mc, "monte_carlo_cpu_s": c_mc,
        "mc_p2_5": unc.p2_5, "mc_p97_5": unc.p97_5,
        "target_full_calc_met": t_calc < 0.5,
        "target_engine_tree_met": t_engine < 0.5,
        "target_ratio_met": ratio >= 20.0,
        "target_mc_met": t_mc < 5.0,
        "load_avg_1min_before": load_before, "load_avg_1min_after": os.getloadavg()[0],
        "cpus": float(os.cpu_count() or 0),
    }


def main() -> None:
    r = run()
    print(f"footprint engine, {int(r['lines']):,} lines in {int(r['nodes']):,} tree nodes; "
          f"load average {r['load_avg_1min_before']:.1f} -> {r['load_avg_1min_after']:.1f} "
          f"on {int(r['cpus'])} CPUs; figures of engine and loop checked equal (rel 1e-9)")
    print(f"{'measure':<46}{'wall s':>9}{'cpu s':>9}  target")
    rows = [
        ("plain per-line Python loop (from Dossier)", r["python_loop_s"], r["python_loop_cpu_s"], ""),
        ("engine: figures + tree + lines (from Dossier)", r["engine_core_tree_s"],
         r["engine_core_tree_cpu_s"], "< 0.5 s"),
        ("  dossier SHA-256 (canonical JSON)", r["dossier_sha256_s"], r["dossier_sha256_cpu_s"], ""),
        ("calculate() end to end (engine + hash + result)", r["calculate_end_to_end_s"],
         r["calculate_end_to_end_cpu_s"], "< 0.5 s"),
        (f"Monte Carlo {int(r['mc_draws']):,} draws x {int(r['mc_lines']):,} lines",
         r["monte_carlo_s"], r["monte_carlo_cpu_s"], "< 5 s"),
        ("building the Dossier (pydantic + validation)", r["build_dossier_s"], float("nan"), ""),
    ]
    for name, w, c, target in rows:
        print(f"{name:<46}{w:>9.3f}{c:>9.3f}  {target}")
    print(f"{'ratio loop / engine':<46}{r['ratio']:>8.1f}x{r['ratio_cpu']:>8.1f}x  >= 20x")
    print(f"{'ratio loop / calculate() end to end':<46}{r['ratio_end_to_end']:>8.1f}x")
    print("targets met: " + ", ".join(f"{k[7:-4]}={r[k]}" for k in r if k.startswith("target_")))


if __name__ == "__main__":
    main()
