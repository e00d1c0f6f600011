"""Certifier: decision queue with the verifier's opinion and findings history; decide."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from portal import state
from portal.api_client import ApiClient, ApiError
from portal.application_view import findings_table, history_timeline, status_line
from portal.footprint_view import footprint_section
from portal.i18n import bound, label, t
from portal.process_view import (
    findings_history,
    load_process,
    opinion_block,
    review_work,
    rounds_table,
)
from portal.queue import choose, desk_counts, queue_table
from portal.ui import fetch, require_role, show_error

ISSUE_WAIT_S = 45.0
DECIDED = ("refused", "issuing", "certified", "suspended", "revoked", "expired")


def verifier_opinion(app: dict[str, Any], process: dict[str, Any] | None) -> None:
    """The verifier's opinion from the process; on an older API, as noted in the history."""
    if process is not None:
        st.markdown(f"##### {t('decision.verifier_opinion')}")
        opinion_block(process)
        return
    events = [e for e in app.get("history") or [] if e.get("status") == "awaiting_decision"]
    if not events:
        st.caption(t("decision.no_opinion"))
        return
    event = events[-1]
    st.info(f"**{t('decision.verifier_opinion')}** — {event.get('note') or t('decision.no_note')}",
            icon=":material/fact_check:")


def wait_for_certificate(api: ApiClient, app_id: str) -> None:
    """After approval the workflow renders, signs and registers: show progress until done."""
    with st.status(t("decision.issuing"), expanded=True) as box:
        bar = st.progress(0.0)
        deadline = time.monotonic() + ISSUE_WAIT_S
        while time.monotonic() < deadline:
            try:
                detail = api.application(app_id)
            except ApiError as err:
                box.update(state="error")
                show_error(err)
                return
            if detail.get("certificate_number"):
                bar.progress(1.0)
                box.update(label=t("decision.issued", number=detail["certificate_number"]),
                           state="complete")
                return
            elapsed = ISSUE_WAIT_S - (deadline - time.monotonic())
            bar.progress(min(elapsed / ISSUE_WAIT_S, 0.95),
                         text=label("status", detail.get("status")))
            time.sleep(0.5)  # polling the API for the user, not a test wait
        box.update(label=t("decision.still_issuing"), state="running")


def decision_form(api: ApiClient, app: dict[str, Any]) -> None:
    st.subheader(t("decision.title"))
    tr = bound()
    with st.form(f"decision_{app['id']}"):
        approve = st.radio(t("decision.choice"), [True, False], horizontal=True, key="dec_choice",
                           format_func=lambda a: tr.t("decision.approve" if a else "decision.refuse"))
        reasons = st.text_area(t("decision.reasons"), key="dec_reasons")
        st.caption(t("decision.separation"))
        sent = st.form_submit_button(t("decision.submit"), type="primary")
    if not sent:
        return
    if not approve and not reasons.strip():
        st.warning(t("decision.reasons_required"))
        return
    result = fetch(api.decide, app["id"], approve, reasons.strip())
    if result is None:
        return
    st.success(t("decision.recorded", status=label("status", result.get("status"))))
    if approve:
        wait_for_certificate(api, app["id"])


def main() -> None:
    require_role("certifier")
    api = state.client()
    st.title(t("decision.page_title"))
    st.caption(t("decision.subtitle"))
    tr = bound()
    apps = fetch(api.applications)
    if apps is None:
        return
    desk_counts(apps)
    waiting = [a for a in apps if a.get("status") == "awaiting_decision"]
    decided = [a for a in apps if a.get("status") in DECIDED]
    show = st.segmented_control(t("decision.show"), ["waiting", "decided"], default="waiting",
                                required=True, key="dec_show",
                                format_func=lambda s: tr.t(f"decision.show_{s}"))
    apps_shown = waiting if show == "waiting" else decided
    if not apps_shown:
        st.success(t("decision.empty"), icon=":material/inbox:")
        return
    queue_table(apps_shown)
    app = fetch(api.application, choose(apps_shown, "dec_choose"))
    if app is None:
        return
    st.divider()
    status_line(app)
    process = load_process(api, app["id"])
    verifier_opinion(app, process)
    tabs = st.tabs([t("decision.tab_verification"), t("product.tab_footprint"),
                    t("product.tab_findings"), t("product.tab_history")])
    with tabs[0]:
        if process is not None:
            st.markdown(f"##### {t('process.verifier_findings')}")
            findings_history(process)
            rounds_table(process)
            st.markdown(f"##### {t('process.review_work')}")
            review_work(process)
    with tabs[1]:
        footprint_section(api, app)
    with tabs[2]:
        findings_table(app)
    with tabs[3]:
        history_timeline(app)
    if app.get("status") == "awaiting_decision":
        decision_form(api, app)
    elif app.get("certificate_number"):
        st.markdown(f"**{t('cert.number')}** `{app['certificate_number']}`")


main()
