"""The Tanpass worker: runs the certification workflow and its activities on one task queue.

``python -m workflows.worker`` connects to ``settings.temporal_address``; it applies migrations
first so a fresh database works on first start.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import signal
import sys
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from config import Settings, get_settings
from signing import load_signer
from store import BlobStore, make_engine, migrate, session_factory
from workflows.activities import CertificationActivities
from workflows.certification import CertificationWorkflow

log = logging.getLogger("tanpass.worker")

# The pure rooms and their numeric libraries are deterministic and side-effect free; they are
# passed through the sandbox (imported once, outside it) so that dossier validation in update
# validators does not re-import pint and numpy per workflow run. ``workflows.types`` (the
# dataclasses crossing the workflow boundary, no logic) too: the package ``workflows`` imports
# it outside the passthrough block of the workflow module, and re-creating its ~60 dataclasses
# was most of the cost of a new workflow instance in the worker's profile.
PASSTHROUGH = ("footprint", "compliance_rules", "pint", "numpy", "pydantic", "pydantic_core",
               "workflows.types")

MAX_CONCURRENT_ACTIVITIES = 8
"""Activity slots of a worker, and threads of its activity executor (activities are sync)."""


def keep_bytecode(var_dir: Path) -> None:
    """Let this process cache bytecode under ``var_dir`` (never in the source tree).

    The sandbox imports the workflow module afresh for every workflow instance. With
    ``PYTHONDONTWRITEBYTECODE`` (the Makefile sets it to keep ``__pycache__`` out of the tree)
    there is no ``.pyc`` to load, so each instance compiled ``workflows/certification.py`` from
    source: about 30 ms of the worker's CPU per run in its profile."""
    if sys.dont_write_bytecode:
        sys.pycache_prefix = str(var_dir / "pycache")
        sys.dont_write_bytecode = False


def workflow_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH)
    )


def build_activities(settings: Settings) -> CertificationActivities:
    engine = make_engine(settings.database_url)
    migrate(engine)
    assert settings.blob_dir is not None
    return CertificationActivities(
        session_factory=session_factory(engine),
        blobs=BlobStore(settings.blob_dir),
        signer_loader=lambda: load_signer(settings),
        settings=settings,
    )


def build_worker(
    client: Client,
    activities: CertificationActivities,
    executor: concurrent.futures.Executor,
    task_queue: str,
) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[CertificationWorkflow],
        workflow_runner=workflow_runner(),
        activities=activities.all(),
        activity_executor=executor,
        max_concurrent_activities=MAX_CONCURRENT_ACTIVITIES,
    )


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    keep_bytecode(settings.var_dir)
    activities = build_activities(settings)
    activities._signer_material()  # fail fast on missing keys, and generate dev keys once
    client = await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with concurrent.futures.ThreadPoolExecutor(max_workers=MAX_CONCURRENT_ACTIVITIES) as executor:
        worker = build_worker(client, activities, executor, settings.task_queue)
        log.info("worker on %s, task queue %s", settings.temporal_address, settings.task_queue)
        async with worker:
            await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
