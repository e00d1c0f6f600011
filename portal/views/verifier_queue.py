"""Verifier: assigned applications; each dossier line beside its evidence, findings and
corrective-action rounds, site visits and sampling, and the ISO 14064-3 opinion."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from portal import state
from portal.api_client import ApiClient
from portal.application_view import history_timeline, status_line
from portal.dossier_view import evidence_files, latest_dossier, lines_frame
from portal.evidence_view import evidence_panel
from portal.footprint_view import footprint_section
from portal.i18n import ENUMS, bound, label, t
from portal.process_data import dossier_lines, evidence_for, line_amount, open_nonconformities
from portal.process_view import (
    findings_history,
    load_process,
    review_work,
    round_notice,
    rounds_table,
)
from portal.queue import choose, queue_table
from portal.ui import fetch, flash, fmt_date, require_role, show_flash

QUEUE = ("awaiting_verification", "corrective_action")


def lines_and_evidence(api: ApiClient, app: dict[str, Any], lines: list[dict[str, Any]],
                       process: dict[str, Any]) -> None:
    """Pick a line: its declared values on the left, the evidence it points to on the right."""
    files = evidence_files(api, app["id"])
    checked = set(process.get("lines_checked") or [])
    st.dataframe(lines_frame(lines, files, checked), hide_index=True, height=240)
    if not lines:
        return
    by_id = {ln["id"]: ln for ln in lines}
    tr = bound()
    line_id = st.selectbox(t("review.line"), list(by_id), key="ver_line", format_func=lambda i: (
        f"{'✔ ' if i in checked else ''}{i} · {by_id[i].get('description') or ''}"))
    line = by_id[line_id]
    left, right = st.columns([2, 3])
    with left:
        st.markdown(f"**{line.get('description') or line_id}**")
        facts = [(t("dossier.kind"), tr.label("line_kind", line.get("kind"))),
                 (t("dossier.stage"), tr.label("stage", line.get("stage"))),
                 (t("dossier.amount"), line_amount(line)),
                 (t("dossier.where"), line.get("where") or t("dossier.product_level"))]
        facts += [(t("review.factor"), line[k]) for k in ("material", "grid", "fuel", "mode",
                                                          "treatment") if line.get(k)]
        st.markdown("\n".join(f"- {k}: `{v}`" for k, v in facts if v))
        if line_id in checked:
            st.caption(t("review.line_checked"))
        elif app.get("status") == "awaiting_verification" and st.button(
                t("review.mark_checked"), key="ver_mark", icon=":material/done:"):
            if fetch(api.review, app["id"], {"lines_checked": [line_id]}) is not None:
                flash(t("review.checked_done", line=line_id))
    with right:
        linked = evidence_for(line, files)
        if not files:
            st.info(t("evidence.none"), icon=":material/folder_off:")
            return
        if not linked:
            st.caption(t("review.no_linked_evidence"))
        pool = linked or files
        names = {f["id"]: f.get("filename") or f["id"] for f in pool}
        chosen = st.selectbox(t("review.evidence_file"), list(names), key="ver_file",
                              format_func=names.__getitem__)
        evidence_panel(api, app["id"], next(f for f in pool if f["id"] == chosen), "ver_ev")


def findings_work(api: ApiClient, app: dict[str, Any], lines: list[dict[str, Any]],
                  process: dict[str, Any]) -> None:
    tr = bound()
    findings_history(process)
    rounds_table(process)
    if app.get("status") != "awaiting_verification":
        return
    line_ids = [ln["id"] for ln in lines]
    c1, c2 = st.columns(2)
    with c1, st.form("ver_raise", clear_on_submit=True):
        st.markdown(f"**{t('review.raise_title')}**")
        kind = st.radio(t("process.finding_kind"), list(ENUMS["finding_kind"]), horizontal=True,
                        key="fd_kind", format_func=lambda k: tr.label("finding_kind", k))
        chosen = st.multiselect(t("process.finding_lines"), line_ids, key="fd_lines")
        text = st.text_area(t("process.finding_text"), key="fd_text")
        if st.form_submit_button(t("review.raise"), icon=":material/flag:"):
            if not chosen or not text.strip():
                st.warning(t("review.raise_incomplete"))
            elif fetch(api.raise_finding, app["id"], kind, chosen, text.strip()) is not None:
                flash(t("review.raised", kind=tr.label("finding_kind", kind)))
    open_ones = [f for f in process.get("verifier_findings") or [] if f.get("status") == "open"]
    with c2:
        if open_ones:
            with st.form("ver_close", clear_on_submit=True):
                st.markdown(f"**{t('review.close_title')}**")
                by_id = {f["id"]: f for f in open_ones}
                fid = st.selectbox(t("review.finding"), list(by_id), key="fc_id", format_func=lambda i: (
                    f"{tr.label('finding_kind', by_id[i].get('kind'))} · "
                    f"{', '.join(by_id[i].get('lines') or [])} · {by_id[i].get('description', '')[:60]}"))
                note = st.text_area(t("review.close_note"), key="fc_note")
                if st.form_submit_button(t("review.close"), icon=":material/task_alt:") and \
                        fetch(api.close_finding, app["id"], fid, note.strip()) is not None:
                    flash(t("review.closed"))
    ncs = open_nonconformities(process)
    if ncs:
        with st.form("ver_ca"):
            st.markdown(f"**{t('review.ca_title')}**")
            st.caption(t("review.ca_help"))
            by_id = {f["id"]: f for f in ncs}
            ids = st.multiselect(t("review.ca_findings"), list(by_id), default=list(by_id),
                                 key="ca_ids", format_func=lambda i: (
                                     f"{tr.label('finding_kind', by_id[i].get('kind'))} · "
                                     f"{by_id[i].get('description', '')[:60]}"))
            note = st.text_area(t("review.ca_note"), key="ca_note")
            if st.form_submit_button(t("review.ca_send"), type="primary", icon=":material/send:"):
                rnd = fetch(api.request_corrective_action, app["id"], ids, note.strip())
                if rnd is not None:
                    flash(t("review.ca_sent", n=rnd.get("round"), date=fmt_date(rnd.get("deadline"))))


def site_visit_form(api: ApiClient, app: dict[str, Any], n_lines: int,
                    process: dict[str, Any]) -> None:
    review_work(process, n_lines)
    if app.get("status") != "awaiting_verification":
        return
    tr = bound()
    with st.form("ver_visit", clear_on_submit=True):
        st.markdown(f"**{t('review.visit_title')}**")
        c1, c2 = st.columns(2)
        mode = c1.radio(t("review.visit_mode"), list(ENUMS["visit_mode"]), horizontal=True,
                        key="sv_mode", format_func=lambda m: tr.label("visit_mode", m))
        when = c2.date_input(t("review.visit_date"), value=date.today(), key="sv_date")
        notes = st.text_area(t("review.visit_notes"), key="sv_notes",
                             placeholder=t("opinion.site_visit_placeholder"))
        sampling = st.text_area(t("review.sampling"), key="sv_sampling")
        if st.form_submit_button(t("review.visit_save"), icon=":material/save:"):
            body: dict[str, Any] = {"sampling_notes": sampling.strip()}
            if notes.strip():
                body["site_visits"] = [{"mode": mode, "date": when.isoformat(),
                                        "notes": notes.strip()}]
            if not notes.strip() and not sampling.strip():
                st.warning(t("review.visit_empty"))
            elif fetch(api.review, app["id"], body) is not None:
                flash(t("review.visit_saved"))


def opinion_form(api: ApiClient, app: dict[str, Any], process: dict[str, Any] | None) -> None:
    st.subheader(t("opinion.title"))
    blocking = open_nonconformities(process or {})
    if blocking:
        st.warning(t("opinion.open_ncs", n=len(blocking)), icon=":material/report:")
    tr = bound()
    with st.form(f"opinion_{app['id']}"):
        c1, c2, c3, c4 = st.columns(4)
        opinion = c1.selectbox(t("opinion.opinion"), list(ENUMS["opinion"]),
                               format_func=lambda o: tr.label("opinion", o), key="op_opinion")
        loa = c2.selectbox(t("opinion.loa"), list(ENUMS["loa"]),
                           format_func=lambda o: tr.label("loa", o), key="op_loa")
        materiality = c3.number_input(t("opinion.materiality"), min_value=0.1, max_value=100.0,
                                      value=5.0, step=0.5, key="op_materiality")
        misstatement = c4.number_input(t("opinion.misstatement"), min_value=0.0, value=0.0,
                                       step=0.1, key="op_misstatement")
        notes = st.text_area(t("opinion.notes"), key="op_notes")
        confirm = st.checkbox(t("opinion.confirm_independence"), key="op_confirm")
        sent = st.form_submit_button(t("opinion.submit"), type="primary")
    if not sent:
        return
    if not confirm:
        st.warning(t("opinion.need_confirm"))
        return
    with st.spinner(t("opinion.sending")):
        result = fetch(api.opinion, app["id"], {
            "opinion": opinion, "level_of_assurance": loa, "materiality_percent": materiality,
            "misstatement_percent": misstatement, "statement": notes.strip()})
    if result is not None:
        st.success(t("opinion.sent", status=label("status", result.get("status"))))


def main() -> None:
    require_role("verifier")
    api = state.client()
    st.title(t("verifier.title"))
    st.caption(t("verifier.subtitle"))
    show_flash()
    apps = fetch(api.applications)
    if apps is None:
        return
    queue = [a for a in apps if a.get("status") in QUEUE]
    c1, c2 = st.columns(2)
    c1.metric(t("verifier.waiting"), sum(a["status"] == QUEUE[0] for a in queue), border=True)
    c2.metric(t("verifier.with_exporter"), sum(a["status"] == QUEUE[1] for a in queue),
              border=True)
    if not queue:
        st.success(t("verifier.empty"), icon=":material/inbox:")
        return
    queue_table(queue)
    app = fetch(api.application, choose(queue, "ver_choose"))
    if app is None:
        return
    st.divider()
    status_line(app)
    process = load_process(api, app["id"]) or {}
    round_notice(process)
    content = latest_dossier(api, app) or {}
    lines = dossier_lines(content)
    tabs = st.tabs([t("review.tab_lines"), t("review.tab_findings"), t("review.tab_visit"),
                    t("product.tab_footprint"), t("product.tab_history")])
    with tabs[0]:
        lines_and_evidence(api, app, lines, process)
    with tabs[1]:
        findings_work(api, app, lines, process)
    with tabs[2]:
        site_visit_form(api, app, len(lines), process)
    with tabs[3]:
        footprint_section(api, app)
    with tabs[4]:
        history_timeline(app)
    if app.get("status") == "awaiting_verification":
        opinion_form(api, app, process)


main()
