"""A work queue of applications (verifier, certifier): table plus a chooser."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal.i18n import bound, label, t
from portal.ui import fmt_date


def queue_table(apps: list[dict[str, Any]]) -> None:
    st.dataframe(pd.DataFrame([{
        t("queue.application"): a["id"][:8],
        t("queue.status"): label("status", a.get("status")),
        t("queue.regimes"): ", ".join(label("regime", r) for r in a.get("regimes", [])),
        t("queue.cycle"): a.get("cycle", 1),
        t("queue.since"): fmt_date(a.get("updated_at")),
    } for a in apps]), hide_index=True)


def choose(apps: list[dict[str, Any]], key: str) -> str:
    ids = [a["id"] for a in apps]
    by_id = {a["id"]: a for a in apps}
    tr = bound()
    return st.selectbox(t("queue.open"), ids, key=key, format_func=lambda i: (
        f"{i[:8]} · {', '.join(tr.label('regime', r) for r in by_id[i].get('regimes', []))} · "
        f"{tr.label('status', by_id[i].get('status'))}"))
