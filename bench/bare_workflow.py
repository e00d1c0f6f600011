"""The baseline of the workflow-throughput benchmark: a bare workflow with the same number of
activities and updates as a real certification run, doing no work.

``python -m bench.bare_worker`` runs it with the same worker settings as ``workflows.worker``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import RetryPolicy


@dataclass
class BareInput:
    activities: int
    updates: int


@dataclass
class BareStep:
    n: int


@activity.defn
def noop(step: BareStep) -> BareStep:
    return step


@workflow.defn
class BareWorkflow:
    @workflow.init
    def __init__(self, inp: BareInput) -> None:
        self._inp = inp
        self._updates = 0
        self._done = 0

    @workflow.run
    async def run(self, inp: BareInput) -> int:
        # spread the activities over the updates, as the real run spreads them over its steps
        per_update = inp.activities // max(1, inp.updates)
        rest = inp.activities - per_update * inp.updates
        for i in range(rest):
            await self._act(i)
        await workflow.wait_condition(lambda: self._updates >= inp.updates)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._done

    async def _act(self, i: int) -> None:
        await workflow.execute_activity(
            noop, BareStep(i), start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RetryPolicy(maximum_attempts=20),
        )
        self._done += 1

    @workflow.update
    async def step(self, s: BareStep) -> BareStep:
        per_update = self._inp.activities // max(1, self._inp.updates)
        for i in range(per_update):
            await self._act(i)
        self._updates += 1
        return s
