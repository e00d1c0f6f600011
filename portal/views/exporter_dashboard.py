"""Exporter dashboard: products with status per market regime, open findings, next deadlines."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal import state
from portal.api_client import ApiError
from portal.exporter_data import ACTIVE, deadlines, latest_by_regime, open_findings
from portal.i18n import ENUMS, current_lang, label, t
from portal.process_data import open_round
from portal.ui import fmt_date, require_role, show_error


def load() -> tuple[list, list, list, dict[str, dict[str, Any]]] | None:
    api = state.client()
    try:
        products = api.products()
        applications = api.applications()
        certificates = api.certificates()
        details = {a["id"]: api.application(a["id"]) for a in applications
                   if a.get("status") in ACTIVE or a.get("status") == "returned"}
        for a in applications:
            if a.get("status") == "corrective_action":
                rnd = open_round(api.process(a["id"]).get("state") or {})
                details[a["id"]]["corrective_deadline"] = rnd and rnd.get("deadline")
    except ApiError as err:
        show_error(err)
        return None
    return products, applications, certificates, details


def product_table(products: list[dict], applications: list[dict]) -> None:
    rows = []
    for p in products:
        by_regime = latest_by_regime(p["id"], applications)
        row = {t("dash.product"): p["name"], t("dash.model"): p["model"]}
        for regime in ENUMS["regime"]:
            app = by_regime.get(regime)
            row[label("regime", regime)] = label("status", app["status"]) if app else "—"
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def findings_list(applications: list[dict], details: dict[str, dict], names: dict[str, str]) -> int:
    zh = current_lang() == "zh"
    rows = []
    for app in applications:
        for f in open_findings(details.get(app["id"], {})):
            rows.append({
                t("dash.product"): names.get(app["product_id"], app["product_id"][:8]),
                t("findings.severity"): label("severity", f.get("severity")),
                t("findings.rule"): f.get("rule_id", ""),
                t("findings.message"): f.get("message_zh" if zh else "message_en", ""),
                t("findings.path"): f.get("path") or "",
            })
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True)
    else:
        st.success(t("dash.no_findings"), icon=":material/task_alt:")
    return len(rows)


def deadline_list(applications: list, certificates: list, details: dict) -> None:
    items = deadlines(applications, certificates, details)
    if not items:
        st.caption(t("dash.no_deadlines"))
        return
    for item in items[:8]:
        when = fmt_date(item["due"]) if item["due"] else t("dash.asap")
        what = t(f"deadline.{item['kind']}")
        st.markdown(f"**{when}** · {what} · `{item['ref']}`")


def main() -> None:
    require_role("exporter", "consultant")
    user = state.me() or {}
    st.title(t("dash.title"))
    st.caption(t("dash.subtitle", org=user.get("org_name", "")))
    with st.spinner(t("common.loading")):
        data = load()
    if data is None:
        return
    products, applications, certificates, details = data
    names = {p["id"]: p["name"] for p in products}
    in_progress = sum(1 for a in applications if a.get("status") in ACTIVE)
    n_findings = sum(len(open_findings(d)) for d in details.values())
    valid = sum(1 for c in certificates if c.get("status") == "valid")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("dash.products"), len(products), border=True)
    c2.metric(t("dash.in_progress"), in_progress, border=True)
    c3.metric(t("dash.valid_certificates"), valid, border=True)
    c4.metric(t("dash.open_findings"), n_findings, border=True)

    st.subheader(t("dash.products_by_regime"))
    if not products:
        st.info(t("dash.no_products"))
        if st.button(t("nav.new_application"), type="primary", icon=":material/add_circle:"):
            st.switch_page("views/exporter_new.py")
        return
    product_table(products, applications)
    c_open, c_new = st.columns([3, 1], vertical_alignment="bottom")
    chosen = c_open.selectbox(t("dash.open_product"), options=[p["id"] for p in products],
                              format_func=lambda pid: f"{names[pid]}", key="dash_product")
    if c_open.button(t("dash.open"), icon=":material/open_in_new:", key="dash_open"):
        st.session_state["product_id"] = chosen
        st.switch_page("views/exporter_product.py")
    if c_new.button(t("nav.new_application"), icon=":material/add_circle:", type="primary",
                    width="stretch", key="dash_new"):
        st.switch_page("views/exporter_new.py")

    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("dash.open_findings"))
        findings_list(applications, details, names)
    with right:
        st.subheader(t("dash.next_deadlines"))
        deadline_list(applications, certificates, details)


main()
