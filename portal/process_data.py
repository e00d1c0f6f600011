"""Pure shaping of the certification process detail (``GET .../process``) and of dossier lines
for the staff and exporter pages (no Streamlit here, easy to test)."""

from __future__ import annotations

from typing import Any

NONCONFORMITIES = ("major_nc", "minor_nc")
OPEN_ROUND = ("open", "escalated")

# The API words each refusal of a verifier assignment in English; the portal names each one in
# the user's language (catalogue key), and shows an unknown one as the API wrote it.
REFUSALS: tuple[tuple[str, str], ...] = (
    ("the person does not hold the verifier role", "assign.reason.not_verifier"),
    ("the person does not belong to a verification body", "assign.reason.no_body"),
    ("the verification body is not accredited", "assign.reason.not_accredited"),
    ("conflict of interest: the verifier belongs to the applicant", "assign.reason.coi_applicant"),
    ("conflict of interest: the verifier's organisation is", "assign.reason.coi_consultant"),
    ("rotation:", "assign.reason.rotation"),
)


def refusal_key(reason: str) -> str | None:
    """The catalogue key of a known assignment refusal, else None."""
    text = reason.strip().lower()
    return next((key for head, key in REFUSALS if text.startswith(head)), None)


def verifier_findings(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in state.get("verifier_findings") or [] if isinstance(f, dict)]


def open_nonconformities(state: dict[str, Any]) -> list[dict[str, Any]]:
    """Open major/minor non-conformities: these block the opinion until closed."""
    return [f for f in verifier_findings(state)
            if f.get("status") == "open" and f.get("kind") in NONCONFORMITIES]


def open_round(state: dict[str, Any]) -> dict[str, Any] | None:
    """The corrective-action round waiting for the exporter's answer, if any."""
    rounds = [r for r in state.get("rounds") or [] if r.get("status") in OPEN_ROUND]
    return rounds[-1] if rounds else None


def round_findings(state: dict[str, Any], rnd: dict[str, Any]) -> list[dict[str, Any]]:
    ids = set(rnd.get("finding_ids") or [])
    return [f for f in verifier_findings(state) if f.get("id") in ids]


def _table_rows(table: dict[str, Any], where: str) -> list[dict[str, Any]]:
    """The rows of a line table (columns of equal length) as line dicts."""
    ids = list(table.get("id") or [])
    def col(name: str) -> list[Any]:
        values = table.get(name)
        return list(values) if isinstance(values, list | tuple) else [None] * len(ids)
    quantity, unit, stage, description, mass, distance = (
        col(c) for c in ("quantity", "unit", "stage", "description", "mass", "distance"))
    return [{"id": ids[i], "kind": table.get("kind"), "quantity": quantity[i], "unit": unit[i],
             "stage": stage[i], "description": description[i] or table.get("name") or "",
             "mass": mass[i], "distance": distance[i], "evidence": [], "where": where}
            for i in range(len(ids))]


def dossier_lines(content: dict[str, Any]) -> list[dict[str, Any]]:
    """Every line of a dossier as a flat row with ``where``: "" for the product itself, else
    the sub-assembly it belongs to. Line-table rows are lines like the others."""
    rows: list[dict[str, Any]] = []

    def owner(node: dict[str, Any], where: str) -> None:
        rows.extend({**line, "where": where} for line in node.get("lines") or []
                    if isinstance(line, dict))
        for table in node.get("line_tables") or []:
            if isinstance(table, dict):
                rows.extend(_table_rows(table, where))

    owner(content, "")
    subs = content.get("subassemblies") or {}
    items = subs.items() if isinstance(subs, dict) else (
        (str(s.get("id") or i), s) for i, s in enumerate(subs) if isinstance(s, dict))
    for name, sub in items:
        if isinstance(sub, dict):
            owner(sub, str(name))
    return rows


def line_amount(line: dict[str, Any]) -> str:
    """The line's declared amount as printed (``180 kg``, ``1900 km · 0.45 t``)."""
    qty, unit = line.get("quantity"), line.get("unit") or ""
    if isinstance(qty, int | float):
        return f"{qty:g} {unit}".strip()
    parts = [f"{line[k]:g} {line.get(k + '_unit') or default}"
             for k, default in (("distance", "km"), ("mass", "kg"))
             if isinstance(line.get(k), int | float)]
    return " · ".join(parts)


def evidence_for(line: dict[str, Any], files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The uploaded evidence files a line points to (by evidence id, SHA-256 or file name)."""
    refs = {str(r).strip().lower() for r in line.get("evidence") or [] if r}
    if not refs:
        return []
    return [f for f in files if {str(f.get(k, "")).lower() for k in
                                 ("id", "blob_sha256", "filename")} & refs]


def scale_box(bbox: list[float] | tuple[float, ...], page_size: tuple[float, float],
              image_size: tuple[int, int]) -> tuple[float, float, float, float]:
    """A box in PDF points (x0, top, x1, bottom; top-left origin, as the extraction gives it)
    mapped onto the rendered page image's pixels."""
    sx = image_size[0] / (page_size[0] or 1.0)
    sy = image_size[1] / (page_size[1] or 1.0)
    x0, top, x1, bottom = (float(v) for v in bbox)
    return x0 * sx, top * sy, x1 * sx, bottom * sy
