"""Read-only helpers over a footprint dossier and result (no calculation here).

``iter_lines`` visits every line definition once, the root lines and the lines of every
sub-assembly registry, with the dossier field path of the line (``lines[2]``,
``subassemblies.pcb.lines[0]``) and the stage it reports in (a sub-assembly line's stage, when
set, overrides the stages inside it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LineRef:
    path: str  # dossier field path of the line
    line: Any  # a footprint line model
    stage: str | None  # Stage value the line reports in (None: the sub-assembly's own stages)


def _stage_value(stage: Any) -> str | None:
    return None if stage is None else str(getattr(stage, "value", stage))


def iter_lines(dossier: Any) -> Iterator[LineRef]:
    seen: set[int] = set()

    def visit(lines: list[Any], registry: dict[str, Any], base: str, override: str | None) -> Iterator[LineRef]:
        for i, line in enumerate(lines):
            stage = override or _stage_value(getattr(line, "stage", None))
            yield LineRef(f"{base}lines[{i}]", line, stage)
        for name, sub in registry.items():
            if id(sub) in seen:
                continue
            seen.add(id(sub))
            yield from visit(sub.lines, sub.subassemblies, f"{base}subassemblies.{name}.", override)

    yield from visit(list(dossier.lines), dict(dossier.subassemblies), "", None)


def stages_with_lines(dossier: Any) -> set[str]:
    """Stages in which at least one line reports (sub-assembly stage overrides applied)."""
    return {ref.stage for ref in iter_lines(dossier) if ref.stage}


def stage_totals(result: Any) -> dict[str, float]:
    """The result's per-stage totals keyed by stage value."""
    per_stage = getattr(result, "per_stage", None) or {}
    return {str(getattr(k, "value", k)): float(v) for k, v in dict(per_stage).items()}
