"""Public certificate check (no login). A label's QR code opens ``/?cert=NUMBER`` here."""

from __future__ import annotations

import streamlit as st

from portal import state
from portal.i18n import t
from portal.verification import answer_card, check_number, details, footprint_drilldown


def main() -> None:
    st.title(t("verify.title"))
    st.caption(t("verify.subtitle"))
    from_link = str(st.query_params.get("cert", "")).strip()
    with st.form("public_check", border=False):
        c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
        number = c1.text_input(t("verify.number"), value=from_link, key="public_number",
                               placeholder="TP-2026-000001")
        pressed = c2.form_submit_button(t("verify.check"), type="primary", width="stretch")
    number = number.strip()
    if not number:
        st.info(t("verify.enter_number"))
        return
    if pressed and number != from_link:
        st.query_params["cert"] = number
    api = state.client()
    with st.spinner(t("verify.checking")):
        result = check_number(api, number)
    if result is None:
        return
    answer_card(result)
    details(result)
    if result.get("status") != "not_found":
        footprint_drilldown(api, str(result.get("number", number)))
    st.caption(t("verify.footer"))


main()
