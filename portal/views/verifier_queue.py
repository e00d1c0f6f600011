"""Verifier: queue of applications awaiting verification, review, and the opinion form."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from portal import state
from portal.api_client import ApiClient, ApiError, NotAvailable
from portal.application_view import findings_table, history_timeline, status_line
from portal.footprint_view import footprint_section
from portal.i18n import ENUMS, bound, label, t
from portal.queue import choose, queue_table
from portal.ui import fetch, not_available, require_role, show_error


def evidence_review(api: ApiClient, app_id: str) -> None:
    """Each dossier line beside the evidence page it came from (routes to come)."""
    try:
        files = api.evidence(app_id)
    except NotAvailable:
        not_available()
        return
    except ApiError as err:
        show_error(err)
        return
    if not files:
        st.caption(t("evidence.none"))
    else:
        st.dataframe(files, hide_index=True)


def opinion_form(api: ApiClient, app: dict[str, Any]) -> None:
    st.subheader(t("opinion.title"))
    tr = bound()
    with st.form(f"opinion_{app['id']}"):
        c1, c2, c3 = st.columns(3)
        opinion = c1.selectbox(t("opinion.opinion"), list(ENUMS["opinion"]),
                               format_func=lambda o: tr.label("opinion", o), key="op_opinion")
        loa = c2.selectbox(t("opinion.loa"), list(ENUMS["loa"]),
                           format_func=lambda o: tr.label("loa", o), key="op_loa")
        materiality = c3.number_input(t("opinion.materiality"), min_value=0.1, max_value=100.0,
                                      value=5.0, step=0.5, key="op_materiality")
        site_visit = st.text_input(t("opinion.site_visit"), key="op_site",
                                   placeholder=t("opinion.site_visit_placeholder"))
        notes = st.text_area(t("opinion.notes"), key="op_notes")
        confirm = st.checkbox(t("opinion.confirm_independence"), key="op_confirm")
        sent = st.form_submit_button(t("opinion.submit"), type="primary")
    if not sent:
        return
    if not confirm:
        st.warning(t("opinion.need_confirm"))
        return
    with st.spinner(t("opinion.sending")):
        result = send_opinion(api, app, {
            "opinion": opinion, "level_of_assurance": loa, "materiality_percent": materiality},
            site_visit.strip(), notes.strip())
    if result is not None:
        st.success(t("opinion.sent", status=label("status", result.get("status"))))


def send_opinion(api: ApiClient, app: dict[str, Any], opinion: dict[str, Any], site_visit: str,
                 notes: str) -> dict[str, Any] | None:
    """Record the review work and the opinion (or, on an older API, the one-step verification)."""
    if api.supports("POST", "/applications/{application_id}/opinion"):
        visits = [{"mode": "physical", "date": date.today().isoformat(), "notes": site_visit}] \
            if site_visit else []
        if fetch(api.review, app["id"], {"sampling_notes": notes, "site_visits": visits}) is None:
            return None
        return fetch(api.opinion, app["id"], {**opinion, "statement": notes})
    full_notes = "\n".join(x for x in (site_visit and f"{t('opinion.site_visit')}: {site_visit}",
                                       notes) if x)
    return fetch(api.verify, app["id"], {**opinion, "notes": full_notes})


def main() -> None:
    require_role("verifier")
    api = state.client()
    st.title(t("verifier.title"))
    st.caption(t("verifier.subtitle"))
    apps = fetch(api.applications)
    if apps is None:
        return
    queue = [a for a in apps if a.get("status") == "awaiting_verification"]
    st.metric(t("verifier.waiting"), len(queue))
    if not queue:
        st.success(t("verifier.empty"), icon=":material/inbox:")
        return
    queue_table(queue)
    app_id = choose(queue, "ver_choose")
    app = fetch(api.application, app_id)
    if app is None:
        return
    st.divider()
    status_line(app)
    tabs = st.tabs([t("product.tab_footprint"), t("product.tab_findings"),
                    t("product.tab_evidence"), t("product.tab_history")])
    with tabs[0]:
        footprint_section(api, app)
    with tabs[1]:
        findings_table(app)
    with tabs[2]:
        evidence_review(api, app_id)
    with tabs[3]:
        history_timeline(app)
    opinion_form(api, app)


main()
