"""Verification-route benchmark: python -m bench.bench_verify_route [seconds]

Tanpass: GET /api/v1/verification/certificates/{number} as a customs officer (bearer token
checked, registry status at today's China date from the event history, verdict with reasons)
over certificates issued by the real issuance activity, SQLite.
Baseline: a trivial FastAPI route (bench/trivial_app.py). Both run under the same uvicorn
settings (one process, no access log), loaded by bench/loadgen.py in a second process at the
same fixed concurrency. Target (issue 10): ratio >= 0.5, Tanpass p99 < 50 ms.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.bench_issuance import _setup
from bench.common import BenchRow, machine
from tests.harness import free_port

CONCURRENCY = 8
WARMUP = 2
REPO = Path(__file__).resolve().parent.parent


def _serve(app: str, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/docs", timeout=1)
            return proc, port
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{app} did not start")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load(server: subprocess.Popen, port: int, paths: list[str], seconds: float,
          headers: list[str]) -> dict:
    """The loadgen's figures, plus the server's CPU time per request over the measured part
    (after the warm-up): on a shared machine it moves much less than requests per second."""
    gen = subprocess.Popen(
        [sys.executable, "-m", "bench.loadgen", "--port", str(port), "--concurrency",
         str(CONCURRENCY), "--seconds", str(seconds), "--warmup", str(WARMUP),
         *[a for p in paths for a in ("--path", p)], *[a for h in headers for a in ("--header", h)]],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(WARMUP)
    cpu0 = _cpu_seconds(server.pid)
    out, err = gen.communicate()
    cpu1 = _cpu_seconds(server.pid)
    if gen.returncode != 0:
        raise RuntimeError(f"loadgen failed: {err}")
    result = json.loads(out)
    result["server_cpu_us_per_request"] = ((cpu1 - cpu0) / result["requests"] * 1e6
                                           if result["requests"] else float("nan"))
    return result


def run(seconds: float = 10) -> dict:
    from workflows.types import IssueInput

    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        acts, app_ids, verifier, certifier, _signer, _factory = _setup(var, 4)
        decided = datetime.now(UTC).isoformat()
        numbers = [acts.issue_certificate(IssueInput(
            application_id=a, verifier_id=verifier, certifier_id=certifier, opinion="unmodified",
            decision_date=decided, validity_days=1095, regimes=["cn_label"])).number
            for a in app_ids]
        env = {k: v for k, v in os.environ.items() if not k.startswith("TANPASS_")}
        env.update(TANPASS_MODE="test", TANPASS_VAR_DIR=str(var), PYTHONPATH=str(REPO),
                   DATABASE_URL=f"sqlite:///{var / 'tanpass.sqlite3'}",
                   TANPASS_API__PUBLIC_RATE_PER_MINUTE="100000000", TANPASS_API__PUBLIC_BURST="100000")
        paths = [f"/api/v1/verification/certificates/{n}" for n in numbers]
        proc, port = _serve("api.main:app", env)
        try:
            token = httpx.post(f"http://127.0.0.1:{port}/api/v1/auth/token", timeout=30,
                               data={"username": "customs@demo.tanpass",
                                     "password": "bench-password"}).json()["access_token"]
            headers = [f"Authorization: Bearer {token}"]
            check = httpx.get(f"http://127.0.0.1:{port}{paths[0]}", timeout=5,
                              headers={"Authorization": f"Bearer {token}"})
            assert check.status_code == 200 and check.json()["verdict"] == "green", check.text
            ours = _load(proc, port, paths, seconds, headers)
        finally:
            proc.terminate()
            proc.wait(10)
        proc, port = _serve("bench.trivial_app:app", env)
        try:
            base = _load(proc, port, [f"/ping/{n}" for n in numbers], seconds, headers)
        finally:
            proc.terminate()
            proc.wait(10)
    ratio = ours["rps"] / base["rps"]
    met = ratio >= 0.5 and ours["p99_ms"] < 50 and ours["non_200"] == 0
    return BenchRow(
        name=f"Customs verification by number (concurrency {CONCURRENCY})",
        tanpass=f"{ours['rps']:.0f} req/s, p50 {ours['p50_ms']:.1f} ms, p99 {ours['p99_ms']:.1f} ms",
        baseline=f"{base['rps']:.0f} req/s, p50 {base['p50_ms']:.1f} ms, p99 {base['p99_ms']:.1f} ms",
        ratio=ratio, target=">= 0.5 and p99 < 50 ms", met=met,
        notes=(f"{seconds:g} s each after {WARMUP} s warm-up; uvicorn 1 process; non-200: "
               f"{ours['non_200']}; server CPU per request {ours['server_cpu_us_per_request']:.0f} "
               f"us vs {base['server_cpu_us_per_request']:.0f} us"),
        raw={"tanpass": ours, "baseline": base},
    ).as_dict()


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    row = run(seconds)
    print(f"machine: {machine()}")
    print(f"{row['name']}: {row['tanpass']} vs {row['baseline']} -> ratio {row['ratio']:.2f} "
          f"(target {row['target']}: {'met' if row['met'] else 'NOT met'})")
    print(row["notes"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
