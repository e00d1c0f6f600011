"""Workflow-throughput benchmark: python -m bench.bench_workflow [N] [CONCURRENCY]

Tanpass: N certification runs driven end to end through the API (scripts.demo.drive: exporter,
verifier and certifier actions automated), each ending in a signed, registered certificate.
The people sign in once (in the warm-up run) and keep their bearer tokens, as in the portal;
every request still carries and checks its token.
Baseline: N runs of a bare workflow (bench/bare_workflow.py) with the same number of activities
and updates as one real run (counted from that run's Temporal history), doing no work, driven
directly with the Temporal client. Same dev server, same worker settings, same concurrency.
Target (issue 10): ratio >= 0.5.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from bench.bare_workflow import BareInput, BareStep, BareWorkflow
from bench.common import BenchRow, machine
from scripts.demo import Logins, drive
from tests.harness import Stack
from workflows.client import workflow_id_for


async def _history_counts(address: str, workflow_id: str) -> tuple[int, int]:
    client = await Client.connect(address)
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    acts = sum(1 for e in history.events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    ups = sum(1 for e in history.events
              if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
    return acts, ups


async def _bare_runs(address: str, queue: str, n: int, conc: int, acts: int, ups: int) -> float:
    client = await Client.connect(address)
    sem = asyncio.Semaphore(conc)

    async def one() -> None:
        async with sem:
            handle = await client.start_workflow(
                BareWorkflow.run, BareInput(acts, ups), id=f"bare-{uuid.uuid4().hex}",
                task_queue=queue)
            for i in range(ups):
                await handle.execute_update(BareWorkflow.step, BareStep(i))
            await handle.result()

    await one()  # warm-up
    t0 = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(n)))
    return time.perf_counter() - t0


def run(n: int = 8, concurrency: int = 4) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp))
        try:
            stack.password = stack.up()
            logins = Logins()
            with httpx.Client(base_url=stack.api_url, timeout=120) as api:
                # warm-up (and sign-in), and the run whose history we count
                first = drive(api, stack.password, logins=logins)
            acts, ups = asyncio.run(_history_counts(f"127.0.0.1:{stack.temporal_port}",
                                                    workflow_id_for(first.application_id)))

            def one(_: int) -> str:
                with httpx.Client(base_url=stack.api_url, timeout=120) as api:
                    return drive(api, stack.password, logins=logins).certificate_number

            t0 = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
                numbers = list(pool.map(one, range(n)))
            tanpass_s = time.perf_counter() - t0
            assert len(set(numbers)) == n
            stack.procs["worker"].stop()  # the bare worker gets the machine to itself too
            bare = stack._proc("bare-worker", [sys.executable, "-m", "bench.bare_worker"])
            bare.start()
            bare_s = asyncio.run(_bare_runs(f"127.0.0.1:{stack.temporal_port}",
                                            stack.task_queue + "-bare", n, concurrency, acts, ups))
        finally:
            stack.down()
    ours, base = n / tanpass_s, n / bare_s
    ratio = ours / base
    return BenchRow(
        name=f"Workflow throughput ({n} runs, concurrency {concurrency})",
        tanpass=f"{ours:.2f} runs/s (API-driven, certificate issued)",
        baseline=f"{base:.2f} runs/s (bare: {acts} no-op activities, {ups} updates)",
        ratio=ratio, target=">= 0.5", met=ratio >= 0.5,
        notes="same dev server and worker settings (8 activity slots)",
        raw={"tanpass_s": tanpass_s, "bare_s": bare_s, "activities": acts, "updates": ups},
    ).as_dict()


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    c = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    row = run(n, c)
    print(f"machine: {machine()}")
    print(f"{row['name']}: {row['tanpass']} vs {row['baseline']} -> ratio {row['ratio']:.2f} "
          f"(target {row['target']}: {'met' if row['met'] else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
