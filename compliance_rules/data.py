"""Dated rule data: thresholds, dates, targets, prices and code lists live in JSON files.

Every file under ``compliance_rules/data/`` is an object with at least ``source`` (the legal
act or publication) and ``retrieved``; figures that ../shared/DOMAIN.md marks *(check)* carry
``"check": true`` next to them. Files are found relative to this module, never the cwd.

A dated series is a list of entries each with ``"from": "YYYY-MM-DD"``; ``in_force`` picks the
entry whose date is the latest on or before the check date.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from compliance_rules.errors import RuleDataError

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed data file ``data/<name>.json`` (cached; treat as read-only)."""
    path = DATA_DIR / f"{name}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RuleDataError(path.name, "-", "file not found") from exc
    except json.JSONDecodeError as exc:
        raise RuleDataError(path.name, f"line {exc.lineno}", exc.msg) from exc
    if not isinstance(raw, dict):
        raise RuleDataError(path.name, "-", "top level must be an object")
    for key in ("source", "retrieved"):
        if not raw.get(key):
            raise RuleDataError(path.name, key, "every rule data file must state it")
    return raw


def parse_date(value: str, file: str = "?", field: str = "from") -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise RuleDataError(file, field, f"not an ISO date: {value!r}") from exc


def in_force(series: list[dict[str, Any]], as_of: date, file: str = "?") -> dict[str, Any] | None:
    """The entry of a dated series in force on ``as_of`` (latest ``from`` <= as_of), or None."""
    best: tuple[date, dict[str, Any]] | None = None
    for i, entry in enumerate(series):
        start = parse_date(entry.get("from", ""), file, f"[{i}].from")
        if start <= as_of and (best is None or start > best[0]):
            best = (start, entry)
    return best[1] if best else None


def first_date(series: list[dict[str, Any]], file: str = "?") -> date | None:
    dates = [parse_date(e.get("from", ""), file, f"[{i}].from") for i, e in enumerate(series)]
    return min(dates) if dates else None
