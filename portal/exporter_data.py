"""Pure shaping of API lists for the exporter's pages (no Streamlit here, easy to test)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

CLOSED_FINDING = frozenset({"closed", "resolved", "withdrawn", "accepted", "superseded"})
ACTIVE = frozenset({"awaiting_submission", "assessing", "returned", "intake_review",
                    "awaiting_assignment", "awaiting_verification", "corrective_action",
                    "awaiting_decision", "issuing"})
RENEWAL_NOTICE = timedelta(days=90)


def parse_dt(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


CHINA = timezone(timedelta(hours=8))


def last_valid_day(cert: dict[str, Any]) -> datetime | None:
    """The start (China time) of the last day of validity the certificate prints
    (``valid_until_day``; older answers: the China day of ``valid_until``)."""
    day = cert.get("valid_until_day")
    if not day:
        until = parse_dt(cert.get("valid_until"))
        if until is None:
            return None
        day = until.astimezone(CHINA).date().isoformat()
    try:
        first = date.fromisoformat(str(day)[:10])
    except ValueError:
        return None
    return datetime(first.year, first.month, first.day, tzinfo=CHINA)


def latest_by_regime(product_id: str, applications: list[dict[str, Any]]) -> dict[str, dict]:
    """For one product: regime -> its most recently updated application."""
    out: dict[str, dict[str, Any]] = {}
    mine = [a for a in applications if a.get("product_id") == product_id]
    mine.sort(key=lambda a: parse_dt(a.get("updated_at")) or datetime.min.replace(tzinfo=UTC))
    for app in mine:  # later ones overwrite earlier ones
        for regime in app.get("regimes", []):
            out[regime] = app
    return out


def open_findings(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """Findings of the latest dossier version that are still open."""
    findings = detail.get("findings") or []
    if not findings:
        return []
    latest = max(int(f.get("dossier_version", 0)) for f in findings)
    return [f for f in findings if int(f.get("dossier_version", 0)) == latest
            and str(f.get("status", "open")) not in CLOSED_FINDING]


def deadlines(applications: list[dict[str, Any]], certificates: list[dict[str, Any]],
              details: dict[str, dict[str, Any]], now: datetime | None = None,
              ) -> list[dict[str, Any]]:
    """What is due next, soonest first: corrective actions, resubmissions, renewals, expiry.

    Each item: ``{"due": datetime | None, "kind": str, "ref": str, "application_id": str|None}``.
    ``kind`` is one of ``corrective_action``, ``resubmit``, ``renewal``, ``expired``.
    """
    now = now or datetime.now(UTC)
    items: list[dict[str, Any]] = []
    for app in applications:
        detail = details.get(app["id"], {})
        for f in open_findings(detail):
            due = parse_dt(f.get("due") or f.get("due_at") or f.get("deadline"))
            if due is not None:
                items.append({"due": due, "kind": "corrective_action", "ref": f.get("rule_id", ""),
                              "application_id": app["id"]})
        if detail.get("corrective_deadline"):  # the open round of the verifier's findings
            items.append({"due": parse_dt(detail["corrective_deadline"]),
                          "kind": "corrective_action", "ref": app["id"][:8],
                          "application_id": app["id"]})
        if app.get("status") == "returned":
            items.append({"due": parse_dt(detail.get("resubmit_by")), "kind": "resubmit",
                          "ref": app["id"][:8], "application_id": app["id"]})
    for cert in certificates:
        until = last_valid_day(cert)
        if until is None or cert.get("status") not in ("valid", "suspended"):
            continue
        if until + timedelta(days=1) <= now:  # the printed last day has ended (China time)
            items.append({"due": until, "kind": "expired", "ref": cert["number"],
                          "application_id": cert.get("application_id")})
        else:
            items.append({"due": until - RENEWAL_NOTICE, "kind": "renewal", "ref": cert["number"],
                          "application_id": cert.get("application_id")})
    far = datetime.max.replace(tzinfo=UTC)
    items.sort(key=lambda i: i["due"] or far)
    return items
