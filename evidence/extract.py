"""Read bills, fuel invoices and supplier PCF declarations from PDF, with provenance.

``extract_pdf(data)`` detects the document type, finds every field by its label, and returns an
``ExtractionResult`` whose values are proposals to confirm or correct.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from evidence.normalize import fuel_key, grid_region_key, parse_date, parse_number, unit_key
from evidence.patterns import SPECS, TYPE_KEYWORDS, FieldSpec, compiled, label_only, value_only
from evidence.pdftext import Limits, Line, PdfText, read_pdf_text
from evidence.provenance import DocumentType, ExtractedValue, ExtractionResult, Provenance, Value

SAME_LINE = 0.95
NEXT_LINE = 0.85
INFERRED = 0.7


def extract_pdf(
    data: bytes,
    *,
    filename: str | None = None,
    document_type: DocumentType | None = None,
    limits: Limits = Limits(),
) -> ExtractionResult:
    """Extract the fields of one PDF. ``document_type`` overrides detection.

    Raises a ``PdfRejected`` subclass (not a PDF, corrupt, encrypted, too large) when nothing
    can be read. Scanned pages are listed in ``result.pages`` with ``kind="scanned"``.
    """
    text = read_pdf_text(data, filename=filename, limits=limits)
    if document_type is None:
        document_type, type_conf = detect_type(text)
    else:
        type_conf = 1.0
    values: list[ExtractedValue] = []
    missing: list[str] = []
    if document_type != "unknown":
        for spec in SPECS[document_type]:
            found = _find(text, spec)
            values.extend(found)
            names = {v.field for v in found}
            if spec.required and spec.name not in names:
                missing.append(spec.name)
        values.extend(_derived(document_type, values))
        missing = [m for m in missing if m not in {v.field for v in values}]
    return ExtractionResult(
        text.sha256, filename, document_type, type_conf, text.pages, tuple(values), tuple(missing)
    )


def detect_type(text: PdfText) -> tuple[DocumentType, float]:
    """The document type with the highest keyword score, and its share of all scores."""
    body = "\n".join(ln.text for ln in text.lines).lower()
    scores = {
        kind: sum(weight for word, weight in words if word in body)
        for kind, words in TYPE_KEYWORDS.items()
    }
    total = sum(scores.values())
    best = max(scores, key=lambda k: scores[k])
    ranked = sorted(scores.values(), reverse=True)
    if total == 0 or ranked[0] == ranked[1]:
        return "unknown", 0.0
    return best, round(scores[best] / total, 3)


def _find(text: PdfText, spec: FieldSpec) -> list[ExtractedValue]:
    """All readings of one field; the first by label priority wins, disagreement lowers it."""
    readings: list[ExtractedValue] = []
    for pattern, bare in zip(compiled(spec), label_only(spec), strict=True):
        for line in text.lines:
            for m in pattern.finditer(line.text):
                readings.extend(_values(text, spec, line, m, SAME_LINE))
            for lm in bare.finditer(line.text):
                below = _line_below(text, line)
                if below is None:
                    continue
                head = line.span_box(lm.start("label"), lm.end("label"))
                for m2 in value_only(spec).finditer(below.text):
                    box = below.span_box(m2.start("v"), m2.end("v"))
                    if box.x0 < head.x1 and box.x1 > head.x0:  # the cell under the label
                        readings.extend(_values(text, spec, below, m2, NEXT_LINE, label=lm))
                        break
        if readings:
            break
    if not readings:
        return []
    out: list[ExtractedValue] = []
    for name in dict.fromkeys(r.field for r in readings):
        mine = [r for r in readings if r.field == name]
        first = mine[0]
        if any(r.value != first.value for r in mine[1:]):
            first = _with_confidence(first, first.confidence / 2)
        out.append(first)
    return out


def _values(
    text: PdfText,
    spec: FieldSpec,
    line: Line,
    m: re.Match[str],
    confidence: float,
    label: re.Match[str] | None = None,
) -> Iterable[ExtractedValue]:
    label_text = (label or m).groupdict().get("label")
    unit_raw = m.groupdict().get("u")
    groups = [(spec.name, "v")]
    if spec.second:
        groups.append((spec.second, "v2"))
    for name, group in groups:
        raw = m[group]
        value = _typed(spec, raw)
        if value is None:
            continue
        sure = confidence
        if spec.name == "fuel" and fuel_key(raw) is None:
            sure = confidence * 0.6  # a product name we do not know as a fuel
        unit = unit_key(unit_raw) if unit_raw and spec.name != "footprint_value" else unit_raw
        if spec.name == "consumption_kwh":
            unit = "kWh"
        prov = Provenance(
            text.sha256, line.page, line.span_box(m.start(group), m.end(group)), line.text,
            text.filename,
        )
        yield ExtractedValue(name, value, raw, prov, sure, unit, label_text)
        if unit_raw and spec.name == "quantity":
            yield ExtractedValue(
                "unit", unit or unit_raw, unit_raw,
                Provenance(text.sha256, line.page, line.span_box(m.start("u"), m.end("u")),
                           line.text, text.filename),
                confidence, None, label_text,
            )


def _typed(spec: FieldSpec, raw: str) -> Value | None:
    if spec.kind == "number":
        return parse_number(raw)
    if spec.kind == "period":
        return parse_date(raw)
    if spec.name == "fuel":
        return fuel_key(raw) or raw.strip()
    if spec.name == "unit":
        return unit_key(raw) or raw.strip()
    if spec.name == "grid_region":
        return grid_region_key(raw) or raw.strip()
    return raw.strip()


def _line_below(text: PdfText, line: Line) -> Line | None:
    below = [
        ln for ln in text.lines_of(line.page)
        if ln.top > line.top + 1 and ln.top - line.top < 40
    ]
    return min(below, key=lambda ln: ln.top) if below else None


def _with_confidence(v: ExtractedValue, confidence: float) -> ExtractedValue:
    return ExtractedValue(v.field, v.value, v.raw, v.provenance, confidence, v.unit, v.label)


def _derived(kind: DocumentType, values: list[ExtractedValue]) -> list[ExtractedValue]:
    """Values inferred from others: a bill's grid region from its supplier's name."""
    have = {v.field: v for v in values}
    if kind == "electricity_bill" and "grid_region" not in have and "supplier" in have:
        supplier = have["supplier"]
        region = grid_region_key(str(supplier.value))
        if region is not None:
            return [ExtractedValue("grid_region", region, supplier.raw, supplier.provenance,
                                   INFERRED, None, "inferred from supplier")]
    return []
