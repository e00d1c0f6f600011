"""A work queue of applications (verifier, certifier): table plus a chooser."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal.application_view import status_line
from portal.i18n import bound, label, t
from portal.ui import fetch, fmt_date


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


# The certification body's three desks: status -> (page, catalogue key of its title).
DESKS = (("intake_review", "views/certifier_intake.py", "nav.intake"),
         ("awaiting_assignment", "views/certifier_assign.py", "nav.assignment"),
         ("awaiting_decision", "views/certifier_queue.py", "nav.decisions"))


def desk_counts(apps: list[dict[str, Any]]) -> None:
    """How much waits at each desk, each a link to its page: the officer's work at a glance."""
    cols = st.columns(len(DESKS))
    for col, (status, page, title) in zip(cols, DESKS, strict=True):
        n = sum(1 for a in apps if a.get("status") == status)
        with col.container(border=True):
            st.page_link(page, label=f"{t(title)} · **{n}**", icon=":material/inbox:"
                         if n else ":material/check_circle:")


def desk(api: Any, status: str, choose_key: str, *, title: str, subtitle: str,
         empty: str) -> dict[str, Any] | None:
    """A certification-body desk: its title, the counts of every desk, the applications at
    ``status`` and the one chosen, with its status line (None: nothing waits, or the API
    answered with an error, already shown)."""
    st.title(title)
    st.caption(subtitle)
    apps = fetch(api.applications)
    if apps is None:
        return None
    desk_counts(apps)
    queue = [a for a in apps if a.get("status") == status]
    if not queue:
        st.success(empty, icon=":material/inbox:")
        return None
    queue_table(queue)
    app = fetch(api.application, choose(queue, choose_key))
    if app is None:
        return None
    st.divider()
    status_line(app)
    return app

