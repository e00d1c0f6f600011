"""Subsidy office: check a whole batch of claimed certificates at once, download the results."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal import state
from portal.batch import read_numbers, to_csv
from portal.i18n import label, t
from portal.ui import fetch, require_role
from portal.verification import check_number


def run_batch(numbers: list[str]) -> list[dict[str, Any]] | None:
    api = state.client()
    if api.supports("POST", "/subsidy/batch-check"):
        with st.spinner(t("batch.server_side")):
            body = "number\n" + "\n".join(numbers)
            answer = fetch(api.subsidy_batch, "batch.csv", body.encode())
        return None if answer is None else list(answer.get("results", []))
    results: list[dict[str, Any]] = []
    bar = st.progress(0.0, text=t("batch.progress", i=0, n=len(numbers)))
    for i, number in enumerate(numbers, 1):
        result = check_number(api, number)
        results.append(result or {"number": number, "status": "error"})
        bar.progress(i / len(numbers), text=t("batch.progress", i=i, n=len(numbers)))
    return results


def main() -> None:
    require_role("subsidy")
    st.title(t("batch.title"))
    st.caption(t("batch.subtitle"))
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
