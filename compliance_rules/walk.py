"""Read-only helpers over a footprint dossier and result (no calculation here).

``iter_lines`` visits every line definition once, the root lines and the lines of every
sub-assembly registry, object lines and line-table rows alike (``Dossier.iter_lines``), with
the dossier field path of the line (``lines[2]``, ``subassemblies.pcb.lines[0]``,
``line_tables[0].rows[5]``) and the line's own stage.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LineRef:
    path: str  # dossier field path of the line
    line: Any  # the footprint line model, or the LineView of a table row
    stage: str | None  # Stage value of the line (None: a sub-assembly line without a stage)
    id: str = ""
    kind: str = ""
    factor_id: str | None = None  # factor id named by the line (None: own figure / sub-assembly)
    instrument: Any = None  # supplier electricity instrument (object lines only)


def _stage_value(stage: Any) -> str | None:
    return None if stage is None else str(getattr(stage, "value", stage))


def iter_lines(dossier: Any) -> Iterator[LineRef]:
    for v in dossier.iter_lines():
        yield LineRef(v.path, v.line if v.line is not None else v, _stage_value(v.stage), v.id,
                      v.kind, v.factor, v.instrument)


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
    ("subassemblies.pcb_board.lines[2]", "line_tables[0].rows[5]"); a reference resolves in the
    nearest registry."""
    out: dict[str, str] = {}

    def visit(owner: Any, chain: tuple[tuple[str, dict[str, Any]], ...], slash: str, base: str,
              depth: int) -> None:
        if depth > 32:
            return
        lines = list(owner.lines)
        for i, line in enumerate(lines):
            here = f"{slash}/{line.id}" if slash else line.id
            out.setdefault(here, f"{base}lines[{i}]")
            if getattr(line, "kind", None) != "subassembly":
                continue
            for prefix, registry in reversed(chain):
                sub = registry.get(line.ref)
                if sub is not None:
                    sub_base = f"{prefix}subassemblies.{line.ref}."
                    visit(sub, (*chain, (sub_base, dict(sub.subassemblies))), here, sub_base,
                          depth + 1)
                    break
        for t, table in enumerate(getattr(owner, "line_tables", None) or []):
            lead = f"{slash}/" if slash else ""
            for r, rid in enumerate(table.id):
                out.setdefault(lead + rid, f"{base}line_tables[{t}].rows[{r}]")

    visit(dossier, (("", dict(dossier.subassemblies)),), "", "", 0)
    return out
