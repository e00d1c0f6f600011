"""Certificate registry: browse, search, and suspend / reinstate / revoke."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from portal import state
from portal.api_client import CERT_ACTIONS
from portal.i18n import ENUMS, bound, label, t
from portal.ui import fetch, fmt_kg, not_available, printed_day, require_role

ACTIONS = ("suspend", "reinstate", "revoke")  # renewal is the exporter's (product page)


def main() -> None:
    require_role("certifier", "admin")
    api = state.client()
    st.title(t("registry.title"))
    tr = bound()
    certs = fetch(api.certificates)
    if certs is None:
        return
    c1, c2 = st.columns([2, 3])
    wanted = c1.multiselect(t("registry.filter_status"), list(ENUMS["cert_status"][:-1]),
                            format_func=lambda s: tr.label("cert_status", s), key="reg_status")
    query = c2.text_input(t("registry.search"), key="reg_search").strip().lower()
    shown = [c for c in certs if (not wanted or c["status"] in wanted) and (
        not query or query in " ".join(str(c.get(k, "")) for k in (
            "number", "holder_name", "holder_uscc", "product_name", "product_model")).lower())]
    st.caption(t("registry.count", n=len(shown), total=len(certs)))
    if not shown:
        return
    st.dataframe(pd.DataFrame([{
        t("cert.number"): c["number"], t("verify.status"): label("cert_status", c["status"]),
        t("verify.holder"): c["holder_name"], t("verify.product"): c["product_name"],
        t("verify.model"): c["product_model"], t("verify.footprint"): fmt_kg(c["total"], c["unit"]),
        t("verify.valid_until"): printed_day(c, "until"),
    } for c in shown]), hide_index=True)
    if "certifier" not in state.roles():
        return
    st.subheader(t("registry.actions"))
    with st.form("reg_action"):
        number = st.selectbox(t("cert.number"), [c["number"] for c in shown], key="reg_number")
        action = st.radio(t("registry.action"), ACTIONS, horizontal=True, key="reg_action_kind",
                          format_func=lambda a: tr.t(f"registry.action_{a}"))
        reason = st.text_area(t("registry.reason"), key="reg_reason")
        sent = st.form_submit_button(t("registry.apply"), type="primary")
    if sent:
        if not api.supports("POST", f"/certificates/{{number}}/{CERT_ACTIONS[action]}"):
            not_available()
        elif not reason.strip():
            st.warning(t("registry.reason_required"))
        else:
            result = fetch(api.certificate_action, number, action, reason.strip())
            if result is not None:
                st.success(t("registry.done", status=label("cert_status", result.get("status"))))


main()
