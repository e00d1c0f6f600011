"""Message catalogues (zh, en) and the ``t()`` lookup used by every page.

Catalogues are flat JSON files keyed by dotted names (``login.title``). Enumerated values from
the API (statuses, regimes, roles ...) are translated with :func:`label`, whose prefixes and
known values are listed in :data:`ENUMS` so a test can prove each one has both translations.
An unknown enum value (a new status the API adds later) is shown as it is, never crashes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"
_DIR = Path(__file__).parent

ENUMS: dict[str, tuple[str, ...]] = {
    "status": ("awaiting_submission", "assessing", "returned", "intake_review",
               "awaiting_assignment", "awaiting_verification",
               "corrective_action", "awaiting_decision", "refused", "issuing", "certified",
               "suspended", "revoked", "expired"),
    "regime": ("cn_label", "eu_battery", "cbam", "pef"),
    "role": ("exporter", "consultant", "verifier", "certifier", "customs", "subsidy", "admin"),
    "cert_status": ("valid", "suspended", "revoked", "expired", "not_yet_valid", "not_found"),
    "opinion": ("unmodified", "modified", "adverse", "disclaimer"),
    "loa": ("reasonable", "limited"),
    "severity": ("blocking", "major", "minor", "warning", "info", "observation"),
    "stage": ("raw_material", "production", "distribution", "use", "end_of_life"),
    "boundary": ("cradle-to-gate", "cradle-to-grave", "gate-to-gate"),
    "line_kind": ("material", "packaging", "electricity", "fuel", "transport", "waste"),
    # the verifier's findings and corrective-action rounds (process detail, GET .../process)
    "finding_kind": ("major_nc", "minor_nc", "observation"),
    "finding_status": ("open", "closed"),
    "visit_mode": ("physical", "remote"),
    "round_status": ("open", "escalated", "answered"),
}

# Keys that pages build at run time (``t(f"wizard.col.{c}")``): prefix -> suffixes used.
DYNAMIC: dict[str, tuple[str, ...]] = {
    "wizard.product_": ("existing", "new"),
    "wizard.col.": ("id", "description", "stage", "material", "quantity", "unit", "origin", "grid",
                    "fuel", "mode", "mass", "distance", "treatment"),
    "wizard.col_help.": ("material", "grid", "fuel", "mode", "treatment"),
    "wizard.source_": ("form", "json", "xlsx"),
    "registry.action_": ("suspend", "reinstate", "revoke", "renew"),
    "admin.": ("organisations", "users", "factor-sets", "rule-packs"),
    "decision.show_": ("waiting", "decided"),
    "desk.upload_": ("qr", "pdf"),
    "footprint.dqr.": ("excellent", "very_good", "good", "fair", "poor"),
    "check.signature_": ("intact", "trusted", "covers_whole_document", "timestamp_ok"),
    "check.seal_": ("authentic", "matches_registry"),
    "batch.claim_": ("approved", "rejected", "None"),
    "deadline.": ("corrective_action", "resubmit", "renewal", "expired"),
    "cbam.est.": ("see_in_scope", "benchmark", "cbam_factor", "certificates_per_t", "price_eur",
                  "gross_eur_per_t", "deduction_eur_per_t", "net_eur_per_t", "shipment_mass_t",
                  "net_eur_per_shipment"),
    "intake.reason_": ("evidence_missing", "boundary", "period", "functional_unit", "allocation"),
}


@cache
def catalogue(lang: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    return data


def translate(lang: str, key: str, **params: Any) -> str:
    text = catalogue(lang if lang in LANGS else DEFAULT_LANG).get(key)
    if text is None:
        return f"[{key}]"
    return text.format(**params) if params else text


def current_lang() -> str:
    import streamlit as st

    lang = st.session_state.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, **params: Any) -> str:
    """The text of ``key`` in the user's language."""
    return translate(current_lang(), key, **params)


@dataclass(frozen=True)
class Bound:
    """``t`` and ``label`` fixed to one language.

    Use it in widget ``format_func`` lambdas (``tr = bound()`` before the widget): Streamlit's
    AppTest calls format functions outside the script run, where the session is not visible.
    """

    lang: str

    def t(self, key: str, **params: Any) -> str:
        return translate(self.lang, key, **params)

    def label(self, prefix: str, value: Any) -> str:
        if value is None:
            return "—"
        text = catalogue(self.lang).get(f"{prefix}.{value}")
        return text if text is not None else str(value)


def bound() -> Bound:
    return Bound(current_lang())


def label(prefix: str, value: Any) -> str:
    """Translate an enumerated API value (``label("status", "certified")``)."""
    return bound().label(prefix, value)
