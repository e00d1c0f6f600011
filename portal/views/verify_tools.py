"""Customs and subsidy desk: verify a certificate by number, QR image, or the PDF itself."""

from __future__ import annotations

from typing import Any

import streamlit as st

from portal import state
from portal.i18n import t
from portal.ui import fetch, not_available, require_role
from portal.verification import answer_card, check_number, details


def show(result: dict[str, Any] | None) -> None:
    if result is None:
        return
    answer_card(result)
    details(result)
    for reason in result.get("reasons") or []:  # QR / PDF checks explain each failed check
        st.markdown(f"- {reason}")


def by_number() -> None:
    with st.form("desk_number", border=False):
        c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
        number = c1.text_input(t("verify.number"), key="desk_number_input",
                               placeholder="TP-2026-000001")
        pressed = c2.form_submit_button(t("verify.check"), type="primary", width="stretch")
    if pressed and number.strip():
        with st.spinner(t("verify.checking")):
            show(check_number(state.client(), number))


def by_upload(kind: str) -> None:
    api = state.client()
    route = "/public/verify/qr" if kind == "qr" else "/public/verify/pdf"
    available = api.supports("POST", route)
    if not available:
        not_available()
    types = ["png", "jpg", "jpeg"] if kind == "qr" else ["pdf"]
    upload = st.file_uploader(t(f"desk.upload_{kind}"), type=types, key=f"desk_{kind}",
                              disabled=not available)
    if upload is None:
        return
    with st.spinner(t("verify.checking")):
        if kind == "qr":
            result = fetch(api.verify_qr_image, upload.name, upload.getvalue(),
                           upload.type or "image/png")
        else:
            result = fetch(api.verify_pdf, upload.name, upload.getvalue())
    show(result)


def main() -> None:
    require_role("customs", "subsidy")
    st.title(t("desk.title"))
    st.caption(t("desk.subtitle"))
    tabs = st.tabs([t("desk.by_number"), t("desk.by_qr"), t("desk.by_pdf")])
    with tabs[0]:
        by_number()
    with tabs[1]:
        by_upload("qr")
    with tabs[2]:
        by_upload("pdf")


main()
