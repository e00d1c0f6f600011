"""Failpoints for durability tests: an activity parks at a named step while a hold file exists,
so a test can SIGKILL the worker at exactly that step (e.g. issuance, inside its transaction).

Active only in test mode with ``TANPASS_FAULT_HOLD_DIR`` set; elsewhere a no-op.
"""

from __future__ import annotations

import time

from config import Settings
from config.settings import Mode

MAX_HOLD_SECONDS = 120.0


def failpoint(settings: Settings, name: str) -> None:
    """Write ``<name>.reached`` and wait while ``<name>.hold`` exists (at most two minutes)."""
    folder = settings.fault_hold_dir
    if folder is None or settings.mode is not Mode.test:
        return
    hold = folder / f"{name}.hold"
    if not hold.exists():
        return
    (folder / f"{name}.reached").write_text(str(time.time()))
    deadline = time.monotonic() + MAX_HOLD_SECONDS
    while hold.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
