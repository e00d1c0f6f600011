"""Temporal process of Tanpass: the certification workflow, its activities, worker and client helpers.

Shared types live in :mod:`workflows.types` (one dataclass in, one out, for every workflow,
activity and update). The workflow module only orchestrates; all I/O is in
:mod:`workflows.activities`.
"""

from workflows.types import TASK_QUEUE, AppStatus

__all__ = ["TASK_QUEUE", "AppStatus"]
