"""Pieces of an application shown to every role: status line, findings, history."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal.i18n import current_lang, label, t
from portal.ui import badge, fmt_date

PROGRESS = ("awaiting_submission", "assessing", "intake_review", "awaiting_assignment",
            "awaiting_verification", "awaiting_decision", "issuing", "certified")
# Side states shown at the step they belong to (answering a verifier's findings is verification).
STEP_OF = {"corrective_action": "awaiting_verification"}


def status_line(app: dict[str, Any]) -> None:
    """Status badge, regimes, and a progress bar through the certification steps."""
    status = app.get("status", "")
    regimes = " ".join(badge("regime", r).replace("gray-badge", "blue-badge")
                       for r in app.get("regimes", []))
    st.markdown(f"{badge('status', status)} &nbsp; {regimes} &nbsp; "
                f"<span class='tp-muted'>{t('app.cycle', n=app.get('cycle', 1))} · "
                f"{t('app.updated', date=fmt_date(app.get('updated_at')))}</span>",
                unsafe_allow_html=True)
    step_status = STEP_OF.get(status, status)
    if step_status in PROGRESS:
        step = PROGRESS.index(step_status)
        st.progress(step / (len(PROGRESS) - 1), text=t("app.step", n=step + 1, of=len(PROGRESS)))
    if status == "intake_review":
        st.caption(t("app.intake_help"))
    elif status == "corrective_action":
        st.warning(t("app.corrective_help"), icon=":material/build:")
    elif status == "returned":
        st.warning(t("app.returned_help"), icon=":material/undo:")
    elif status == "refused":
        st.error(t("app.refused_help"), icon=":material/block:")
    elif status == "suspended":
        st.warning(t("app.suspended_help"), icon=":material/pause_circle:")
    elif status == "revoked":
        st.error(t("app.revoked_help"), icon=":material/cancel:")
    elif status == "expired":
        st.info(t("app.expired_help"), icon=":material/event_busy:")


def findings_frame(findings: list[dict[str, Any]]) -> pd.DataFrame:
    zh = current_lang() == "zh"
    return pd.DataFrame([{
        t("findings.version"): f.get("dossier_version"),
        t("findings.severity"): label("severity", f.get("severity")),
        t("findings.source"): f.get("source", ""),
        t("findings.rule"): f.get("rule_id", ""),
        t("findings.message"): f.get("message_zh" if zh else "message_en", ""),
        t("findings.path"): f.get("path") or "",
        t("findings.status"): f.get("status", ""),
    } for f in findings])


def findings_table(app: dict[str, Any]) -> None:
    findings = app.get("findings") or []
    if not findings:
        st.success(t("findings.none"), icon=":material/task_alt:")
        return
    st.dataframe(findings_frame(findings), hide_index=True)


def history_timeline(app: dict[str, Any]) -> None:
    history = app.get("history") or []
    if not history:
        st.caption(t("history.none"))
        return
    for event in sorted(history, key=lambda e: str(e.get("at", ""))):
        note = f" — {event['note']}" if event.get("note") else ""
        st.markdown(f"- **{fmt_date(event.get('at'))}** {badge('status', event.get('status'))}{note}")
