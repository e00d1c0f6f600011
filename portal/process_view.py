"""The certification process as the workflow records it (``GET .../process``), shown to the
verifier, the certification officer and the exporter: review work, site visits, the
verifier's findings with their corrective-action rounds, and the opinion."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal.api_client import ApiClient, ApiError, NotAvailable
from portal.i18n import label, t
from portal.process_data import open_round, verifier_findings
from portal.ui import badge, fmt_date, show_error


def load_process(api: ApiClient, app_id: str) -> dict[str, Any] | None:
    """The process state, or None (with the reason shown) when the API cannot give it."""
    try:
        return dict(api.process(app_id).get("state") or {})
    except NotAvailable:
        st.caption(t("process.not_available"))
    except ApiError as err:
        show_error(err)
    return None


def findings_history(state: dict[str, Any]) -> None:
    """Every finding the verifier raised: kind, lines, text, rounds, how it was closed."""
    findings = verifier_findings(state)
    if not findings:
        st.caption(t("process.no_verifier_findings"))
        return
    st.dataframe(pd.DataFrame([{
        t("process.finding_kind"): label("finding_kind", f.get("kind")),
        t("process.finding_lines"): ", ".join(f.get("lines") or []),
        t("process.finding_text"): f.get("description", ""),
        t("process.raised"): fmt_date(f.get("raised_at")),
        t("findings.status"): label("finding_status", f.get("status")),
        t("process.rounds"): ", ".join(str(r) for r in f.get("rounds") or []) or "—",
        t("process.closing_note"): f.get("closing_note") or "",
        t("process.closed"): fmt_date(f.get("closed_at")) if f.get("closed_at") else "",
    } for f in findings]), hide_index=True)


def rounds_table(state: dict[str, Any]) -> None:
    rounds = state.get("rounds") or []
    if not rounds:
        return
    st.dataframe(pd.DataFrame([{
        t("process.round"): r.get("round"),
        t("findings.status"): label("round_status", r.get("status")),
        t("process.requested"): fmt_date(r.get("requested_at")),
        t("process.deadline"): fmt_date(r.get("deadline")),
        t("process.answered"): fmt_date(r.get("answered_at")) if r.get("answered_at") else "",
        t("process.findings_n"): len(r.get("finding_ids") or []),
    } for r in rounds]), hide_index=True)


def round_notice(state: dict[str, Any]) -> None:
    rnd = open_round(state)
    if rnd is None:
        return
    text = t("process.round_open", n=rnd.get("round"), date=fmt_date(rnd.get("deadline")))
    if rnd.get("status") == "escalated":
        st.error(text + " " + t("process.round_escalated"), icon=":material/alarm:")
    else:
        st.warning(text, icon=":material/schedule:")


def review_work(state: dict[str, Any], n_lines: int | None = None) -> None:
    """Lines checked, sampling notes and site visits recorded by the verifier."""
    checked = state.get("lines_checked") or []
    visits = state.get("site_visits") or []
    c1, c2 = st.columns(2)
    c1.metric(t("process.lines_checked"),
              f"{len(checked)}" + (f" / {n_lines}" if n_lines else ""), border=True)
    c2.metric(t("process.site_visits"), len(visits), border=True)
    for note in state.get("sampling_notes") or []:
        st.markdown(f"- {note}")
    if visits:
        st.dataframe(pd.DataFrame([{
            t("review.visit_date"): v.get("date"),
            t("review.visit_mode"): label("visit_mode", v.get("mode")),
            t("review.visit_notes"): v.get("notes", ""),
        } for v in visits]), hide_index=True)


def opinion_block(state: dict[str, Any]) -> None:
    """The verifier's ISO 14064-3 opinion as recorded, or a plain 'none yet'."""
    op = state.get("opinion")
    if not op:
        st.caption(t("decision.no_opinion"))
        return
    misstatement = op.get("misstatement_percent")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("opinion.opinion"), label("opinion", op.get("opinion")), border=True)
    c2.metric(t("opinion.loa"), label("loa", op.get("level_of_assurance")), border=True)
    c3.metric(t("opinion.materiality"), f"{op.get('materiality_percent')}", border=True)
    c4.metric(t("opinion.misstatement"), "—" if misstatement is None else f"{misstatement}",
              border=True)
    st.markdown(f"{badge('opinion', op.get('opinion'))} {op.get('statement') or t('decision.no_note')}"
                f"  \n<span class='tp-muted'>{fmt_date(op.get('at'))} · "
                f"{t('process.dossier_version', n=op.get('dossier_version'))}</span>",
                unsafe_allow_html=True)
