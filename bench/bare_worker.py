"""Worker for the bare baseline workflow, with the settings of ``workflows.worker``."""

from __future__ import annotations

import asyncio
import concurrent.futures
import signal

from temporalio.client import Client
from temporalio.worker import Worker

from bench.bare_workflow import BareWorkflow, noop
from config import get_settings
from workflows.worker import MAX_CONCURRENT_ACTIVITIES, keep_bytecode, workflow_runner


async def main() -> None:
    settings = get_settings()
    keep_bytecode(settings.var_dir)
    client = await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with concurrent.futures.ThreadPoolExecutor(max_workers=MAX_CONCURRENT_ACTIVITIES) as executor:
        async with Worker(client, task_queue=settings.task_queue + "-bare", workflows=[BareWorkflow],
                          workflow_runner=workflow_runner(), activities=[noop],
                          activity_executor=executor,
                          max_concurrent_activities=MAX_CONCURRENT_ACTIVITIES):
            await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
