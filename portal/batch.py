"""Subsidy batch check: read certificate numbers from a CSV / text upload, write results."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/]{3,63}$")
RESULT_FIELDS = ("number", "status", "holder_name", "holder_uscc", "product_name",
                 "product_model", "footprint", "unit", "valid_until", "status_reason")


def read_numbers(data: bytes) -> list[str]:
    """Certificate numbers from the first column (or a column named number / 证书编号)."""
    text = data.decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    col = next((i for i, h in enumerate(header) if h in ("number", "certificate", "证书编号",
                                                          "certificate_number")), None)
    body = rows[1:] if col is not None else rows
    col = col or 0
    seen: dict[str, None] = {}
    for row in body:
        if len(row) > col and NUMBER.match(row[col].strip()):
            seen.setdefault(row[col].strip().upper(), None)
    return list(seen)


def to_csv(results: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=RESULT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for r in results:
        writer.writerow({k: r.get(k, "") if r.get(k) is not None else "" for k in RESULT_FIELDS})
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8
