"""Move object lines into line tables: the same dossier, in columnar form.

:func:`to_tables` rewrites every dossier and sub-assembly so that the lines a table can carry
become one table per kind (rows in line order); lines a table cannot carry stay objects:
sub-assembly, process emission, use-stage energy and end-of-life lines, electricity with a
supplier instrument, uniform or triangular uncertainty, supplier PCFs with more than value,
unit and supplier (biogenic parts, dLUC, aircraft, reference, verified), and lines with
evidence, origin or recycled content (not table columns). The footprint is the same
figure for figure; only the order of ``result.lines`` changes (table rows follow the object
lines of their dossier or sub-assembly).
"""

from __future__ import annotations

from typing import Any

from footprint.model import TABLE_DEFAULTS, Dossier, LineTable, Subassembly

_FACTOR = {"material": "material", "packaging": "material", "electricity": "grid",
           "fuel": "fuel", "waste": "treatment", "transport": "mode"}


def _tabular(line: Any) -> bool:
    if line.kind not in TABLE_DEFAULTS or line.evidence:
        return False
    if getattr(line, "instrument", None) is not None or getattr(line, "origin", None) is not None:
        return False
    if getattr(line, "recycled_content", None) is not None:
        return False
    u = line.uncertainty
    if u is not None and u.distribution not in ("lognormal", "normal"):
        return False
    p = getattr(line, "supplier_pcf", None)
    return p is None or (p.reference is None and not p.verified and p.biogenic_emissions == 0
                         and p.biogenic_removals == 0 and p.dluc == 0 and p.aircraft == 0)


def _table(kind: str, lines: list[Any]) -> LineTable:
    col: dict[str, Any] = {"kind": kind, "id": [ln.id for ln in lines],
                           "factor": [getattr(ln, _FACTOR[kind]) for ln in lines],
                           "stage": [ln.stage.value for ln in lines],
                           "description": [ln.description for ln in lines]}
    if kind == "transport":
        for f in ("mass", "mass_unit", "distance", "distance_unit"):
            col[f] = [getattr(ln, f) for ln in lines]
    else:
        col["quantity"] = [ln.quantity for ln in lines]
        col["unit"] = [ln.unit for ln in lines]
    if any(ln.dqr is not None for ln in lines):
        for f in ("ter", "ger", "tir", "p"):
            col[f"dqr_{f}"] = [None if ln.dqr is None else getattr(ln.dqr, f) for ln in lines]
    for dist, f in (("lognormal", "gsd2"), ("normal", "rel_sd")):
        vals = [getattr(ln.uncertainty, f) if ln.uncertainty is not None
                and ln.uncertainty.distribution == dist else None for ln in lines]
        if any(v is not None for v in vals):
            col[f] = vals
    pcfs = [getattr(ln, "supplier_pcf", None) for ln in lines]
    if any(p is not None for p in pcfs):
        col["pcf"] = [None if p is None else p.value for p in pcfs]
        col["pcf_unit"] = ["kg" if p is None else p.unit for p in pcfs]
        col["pcf_supplier"] = [None if p is None else p.supplier for p in pcfs]
    return LineTable.model_validate(col)


def _owner(data: dict[str, Any], owner: Subassembly | Dossier) -> dict[str, Any]:
    keep: list[Any] = []
    by_kind: dict[str, list[Any]] = {}
    for ln in owner.lines:
        if _tabular(ln):
            by_kind.setdefault(ln.kind, []).append(ln)
        else:
            keep.append(ln)
    data["lines"] = [ln.model_dump() for ln in keep]
    data["line_tables"] = [t.model_dump() for t in owner.line_tables] + [
        _table(k, ls).model_dump() for k, ls in by_kind.items()]
    data["subassemblies"] = {name: _owner(sub.model_dump(exclude={"lines", "line_tables",
                                                                  "subassemblies"}), sub)
                             for name, sub in owner.subassemblies.items()}
    return data


def to_tables(d: Dossier) -> Dossier:
    """A new dossier with every line a table can carry moved into line tables."""
    data = d.model_dump(exclude={"lines", "line_tables", "subassemblies"})
    return Dossier.model_validate(_owner(data, d))
