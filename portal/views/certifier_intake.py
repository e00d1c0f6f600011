"""Certification body: document review of submitted dossiers (accept, or return with reasons)."""

from __future__ import annotations

import streamlit as st

from portal import state
from portal.application_view import findings_table
from portal.dossier_view import dossier_summary
from portal.footprint_view import summary
from portal.i18n import bound, t
from portal.queue import desk
from portal.ui import fetch, require_role

# Reasons the officer ticks most often; anything else is typed, one per line.
COMMON_REASONS = ("evidence_missing", "boundary", "period", "functional_unit", "allocation")


def intake_form(app_id: str) -> None:
    tr = bound()
    with st.form(f"intake_{app_id}"):
        accept = st.radio(t("intake.choice"), [True, False], horizontal=True, key="int_accept",
                          format_func=lambda a: tr.t("intake.accept" if a else "intake.return"))
        ticked = st.multiselect(t("intake.common_reasons"), COMMON_REASONS, key="int_common",
                                format_func=lambda r: tr.t(f"intake.reason_{r}"))
        typed = st.text_area(t("intake.reasons"), key="int_reasons",
                             help=t("intake.reasons_help"))
        sent = st.form_submit_button(t("intake.submit"), type="primary")
    if not sent:
        return
    reasons = [tr.t(f"intake.reason_{r}") for r in ticked] + \
        [line.strip() for line in typed.splitlines() if line.strip()]
    if not accept and not reasons:
        st.warning(t("intake.reasons_required"))
        return
    result = fetch(state.client().intake, app_id, accept, [] if accept else reasons)
    if result is not None:
        st.success(t("intake.recorded", status=tr.label("status", result.get("status"))),
                   icon=":material/task_alt:")


def main() -> None:
    require_role("certifier")
    api = state.client()
    app = desk(api, "intake_review", "int_choose", title=t("intake.title"), subtitle=t("intake.subtitle"),
               empty=t("intake.empty"))
    if app is None:
        return
    if app.get("footprint"):
        summary(app["footprint"])
    st.markdown(f"##### {t('intake.dossier')}")
    dossier_summary(api, app)
    st.markdown(f"##### {t('intake.rule_findings')}")
    findings_table(app)
    intake_form(app["id"])


main()
