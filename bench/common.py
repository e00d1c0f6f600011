"""Shared helpers for benchmarks: timing, machine description, result rows.

Every benchmark measures Tanpass and a baseline in the same run and reports both and the ratio
(higher is better: Tanpass throughput / baseline throughput, or baseline time / Tanpass time).
"""

from __future__ import annotations

import os
import platform
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class BenchRow:
    name: str
    tanpass: str  # human-readable figure, e.g. "4.1 certs/s"
    baseline: str
    ratio: float
    target: str
    met: bool
    notes: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def machine() -> str:
    load = os.getloadavg()
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.machine()}, {os.cpu_count()} cores, {mem_gib:.0f} GiB, "
            f"Python {platform.python_version()}, load {load[0]:.1f}/{load[1]:.1f}")
