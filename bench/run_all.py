"""Run every benchmark and write the summary table: python -m bench.run_all  (make bench)

Each benchmark measures Tanpass and a baseline in the same run on this machine; the table shows
both, the ratio and the target. Written to stdout and bench/results/summary.md (+ .json).
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.common import BenchRow, machine

RESULTS = Path(__file__).resolve().parent / "results"


def _footprint() -> list[dict]:
    from bench import bench_footprint

    r = bench_footprint.run()
    lines = int(r["lines"])
    return [
        BenchRow(
            name=f"Footprint calculation with tree, {lines:,} lines",
            tanpass=f"{r['engine_core_tree_s']:.3f} s engine "
                    f"({r['calculate_end_to_end_s']:.2f} s calculate() end to end)",
            baseline=f"{r['python_loop_s']:.3f} s plain per-line Python loop",
            ratio=r["speedup"], target="< 0.5 s and >= 20x",
            met=r["engine_core_tree_s"] < 0.5 and r["speedup"] >= 20, raw=r,
        ).as_dict(),
        BenchRow(
            name=f"Monte Carlo {int(r['mc_draws']):,} draws x {int(r['mc_lines']):,} lines",
            tanpass=f"{r['monte_carlo_s']:.2f} s", baseline="(target only)",
            ratio=5.0 / r["monte_carlo_s"], target="< 5 s", met=r["monte_carlo_s"] < 5, raw=r,
        ).as_dict(),
    ]


def _issuance() -> list[dict]:
    from bench import bench_issuance

    return [bench_issuance.run()]


def _verify_route() -> list[dict]:
    from bench import bench_verify_route

    return [bench_verify_route.run()]


def _workflow() -> list[dict]:
    from bench import bench_workflow

    return [bench_workflow.run()]


def _evidence() -> list[dict]:
    from bench import bench_evidence

    r = bench_evidence.run()
    ours, theirs = float(r["tanpass_pages_per_s"]), float(r["pdftotext_pages_per_s"] or "nan")
    return [BenchRow(
        name=f"Evidence extraction, {r['total_pages']} pages",
        tanpass=f"{ours:.1f} pages/s (values + boxes + provenance)",
        baseline=f"{theirs:.1f} pages/s (pdftotext -layout)",
        ratio=ours / theirs, target="(reported, no target)", met=True, raw=r,
    ).as_dict()]


BENCHES: list[tuple[str, Callable[[], list[dict]]]] = [
    ("footprint", _footprint),
    ("issuance", _issuance),
    ("verification route", _verify_route),
    ("workflow throughput", _workflow),
    ("evidence extraction", _evidence),
]


def table(rows: list[dict]) -> str:
    lines = ["| benchmark | Tanpass | baseline | ratio | target | met |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['tanpass']} | {r['baseline']} | {r['ratio']:.2f} | "
                     f"{r['target']} | {'yes' if r['met'] else 'NO'} |")
    return "\n".join(lines)


def main() -> int:
    started = time.perf_counter()
    rows: list[dict] = []
    failures: list[str] = []
    for name, fn in BENCHES:
        t0 = time.perf_counter()
        print(f"[bench] {name} ...", flush=True)
        try:
            got = fn()
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others
            failures.append(f"{name}: {traceback.format_exc(limit=3)}")
            print(f"[bench] {name} FAILED", flush=True)
            continue
        rows.extend(got)
        print(f"[bench] {name}: {time.perf_counter() - t0:.0f} s", flush=True)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = f"Measured {when} on {machine()}; total {time.perf_counter() - started:.0f} s."
    text = f"{head}\n\n{table(rows)}\n"
    if failures:
        text += "\nFailed:\n" + "\n".join(f"- {f}" for f in failures) + "\n"
    print("\n" + text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "summary.md").write_text(text)
    (RESULTS / "summary.json").write_text(json.dumps({"measured": when, "machine": machine(),
                                                      "rows": rows}, indent=2, default=str))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
