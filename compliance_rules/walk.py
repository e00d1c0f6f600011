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


def stages_with_lines(dossier: Any, result: Any = None) -> set[str]:
    """Stages in which at least one line reports: from the result's expanded lines (sub-assembly
    stage overrides applied) and from the dossier's line definitions."""
    found = {ref.stage for ref in iter_lines(dossier) if ref.stage}
    for line in getattr(result, "lines", None) or []:
        found.add(str(line.stage))
    return found


def stage_totals(result: Any) -> dict[str, float]:
    """The result's per-stage totals keyed by stage value."""
    per_stage = getattr(result, "per_stage", None) or {}
    return {str(getattr(k, "value", k)): float(v) for k, v in dict(per_stage).items()}


def field_paths(dossier: Any) -> dict[str, str]:
    """Map the result's slash line paths ("pcb/solder") to dossier field paths
    ("subassemblies.pcb_board.lines[2]"); a reference resolves in the nearest registry."""
    out: dict[str, str] = {}

    def visit(lines: list[Any], chain: tuple[tuple[str, dict[str, Any]], ...], slash: str, base: str,
              depth: int) -> None:
        if depth > 32:
            return
        for i, line in enumerate(lines):
            here = f"{slash}/{line.id}" if slash else line.id
            out.setdefault(here, f"{base}lines[{i}]")
            if getattr(line, "kind", None) != "subassembly":
                continue
            for prefix, registry in reversed(chain):
                sub = registry.get(line.ref)
                if sub is not None:
                    sub_base = f"{prefix}subassemblies.{line.ref}."
                    visit(sub.lines, (*chain, (sub_base, dict(sub.subassemblies))), here, sub_base, depth + 1)
                    break

    visit(list(dossier.lines), (("", dict(dossier.subassemblies)),), "", "", 0)
    return out
