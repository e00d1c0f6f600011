"""Subsidy office: check a whole batch of claimed certificates at once, download the results."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal import state
from portal.api_client import XLSX
from portal.batch import read_numbers, to_csv
from portal.i18n import current_lang, label, t
from portal.ui import fetch, not_available, require_role
from portal.verification import check_number


def claims_workbook() -> None:
    """The office's claims workbook checked on the server; results as a workbook."""
    api = state.client()
    if not api.supports("POST", "/verification/subsidy/batch"):
        not_available()
        return
    upload = st.file_uploader(t("batch.claims_upload"), type=["xlsx"], key="claims_upload")
    if upload is None:
        return
    if st.button(t("batch.run"), type="primary", key="claims_run",
                 icon=":material/playlist_add_check:"):
        with st.status(t("batch.server_side"), expanded=False) as box:
            answer = fetch(api.subsidy_batch, upload.name, upload.getvalue(), "json")
            workbook = answer and fetch(api.subsidy_batch, upload.name, upload.getvalue(), "xlsx")
            box.update(state="complete" if workbook else "error")
        st.session_state["claims_result"] = (answer, workbook) if workbook else None
    result = st.session_state.get("claims_result")
    if not result:
        return
    answer, workbook = result
    c1, c2, c3 = st.columns(3)
    c1.metric(t("batch.claims"), answer.get("claims", 0), border=True)
    c2.metric(t("batch.approved"), answer.get("approved", 0), border=True)
    c3.metric(t("batch.rejected"), answer.get("rejected", 0), border=True)
    key = "message_zh" if current_lang() == "zh" else "message_en"
    st.dataframe(pd.DataFrame([{
        t("batch.row"): r.get("row"), t("verify.uscc"): r.get("uscc") or "",
        t("batch.company"): r.get("company") or "", t("cert.number"): r.get("certificate_number"),
        t("batch.amount"): r.get("amount"), t("batch.approved_amount"): r.get("approved_amount"),
        t("verify.status"): t(f"batch.claim_{r.get('status')}"),
        t("verify.reason"): "; ".join(x.get(key, "") for x in r.get("reasons") or []),
    } for r in answer.get("rows", [])]), hide_index=True)
    st.download_button(t("batch.download_xlsx"), workbook, file_name="subsidy-check.xlsx",
                       mime=XLSX, icon=":material/download:", key="claims_download")


def run_batch(numbers: list[str]) -> list[dict[str, Any]] | None:
    api = state.client()
    results: list[dict[str, Any]] = []
    bar = st.progress(0.0, text=t("batch.progress", i=0, n=len(numbers)))
    for i, number in enumerate(numbers, 1):
        result = check_number(api, number, officer=True)
        results.append(result or {"number": number, "status": "error"})
        bar.progress(i / len(numbers), text=t("batch.progress", i=i, n=len(numbers)))
    return results


def main() -> None:
    require_role("subsidy")
    st.title(t("batch.title"))
    tabs = st.tabs([t("batch.tab_claims"), t("batch.tab_numbers")])
    with tabs[0]:
        st.caption(t("batch.claims_help"))
        claims_workbook()
    with tabs[1]:
        st.caption(t("batch.subtitle"))
        number_list()


def number_list() -> None:
    upload = st.file_uploader(t("batch.upload"), type=["csv", "txt"], key="batch_upload")
    if upload is None:
        return
    numbers = read_numbers(upload.getvalue())
    st.caption(t("batch.found", n=len(numbers)))
    if not numbers:
        return
    if st.button(t("batch.run"), type="primary", key="batch_run", icon=":material/playlist_add_check:"):
        st.session_state["batch_results"] = run_batch(numbers)
    results = st.session_state.get("batch_results")
    if not results:
        return
    valid = sum(1 for r in results if r.get("status") == "valid")
    c1, c2 = st.columns(2)
    c1.metric(t("batch.valid"), valid, border=True)
    c2.metric(t("batch.not_valid"), len(results) - valid, border=True)
    st.dataframe(pd.DataFrame([{
        t("cert.number"): r.get("number"), t("verify.status"): label("cert_status", r.get("status")),
        t("verify.holder"): r.get("holder_name") or "", t("verify.product"): r.get("product_name") or "",
        t("verify.reason"): r.get("status_reason") or "",
    } for r in results]), hide_index=True)
    st.download_button(t("batch.download"), to_csv(results), file_name="tanpass-batch-check.csv",
                       mime="text/csv", icon=":material/download:", key="batch_download")


main()
