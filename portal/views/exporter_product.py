"""One product: its applications, status history, findings, footprint and certificate."""

from __future__ import annotations

from typing import Any

import streamlit as st

from portal import state
from portal.api_client import ApiClient, ApiError, NotAvailable
from portal.application_view import findings_table, history_timeline, status_line
from portal.exporter_data import open_findings, parse_dt
from portal.footprint_view import footprint_section
from portal.i18n import current_lang, label, t
from portal.ui import fetch, fmt_date, fmt_kg, not_available, require_role, show_error


def certificate_block(api: ApiClient, number: str) -> None:
    cert = fetch(api.certificate, number)
    if cert is None:
        return
    st.markdown(f"**{t('cert.number')}** `{cert['number']}` · {label('cert_status', cert['status'])}")
    c1, c2, c3 = st.columns(3)
    c1.metric(t("verify.footprint"), fmt_kg(cert.get("total")), help=cert.get("unit"))
    c2.metric(t("verify.valid_from"), fmt_date(cert.get("valid_from")))
    c3.metric(t("verify.valid_until"), fmt_date(cert.get("valid_until")))
    cache: dict[str, bytes] = st.session_state.setdefault("pdf_cache", {})
    key = f"{number}:{cert.get('pdf_sha256')}"
    if key not in cache:
        pdf = fetch(api.certificate_pdf, number)
        if pdf is None:
            return
        cache[key] = pdf
    d1, d2, d3 = st.columns(3)
    d1.download_button(t("cert.download_pdf"), cache[key], file_name=f"{number}.pdf",
                       mime="application/pdf", icon=":material/picture_as_pdf:", type="primary",
                       key=f"dl_pdf_{number}")
    if api.supports("GET", "/certificates/{number}/label"):
        d2.download_button(t("cert.download_label"), lambda: api.certificate_label(number),
                           file_name=f"{number}-label.pdf", mime="application/pdf",
                           icon=":material/label:", key=f"dl_label_{number}")
    else:
        d2.caption(t("cert.label_not_available"))
    d3.link_button(t("cert.public_link"), f"./?cert={number}", icon=":material/qr_code_2:")


def cbam_block(api: ApiClient, app: dict[str, Any]) -> None:
    if "cbam" not in app.get("regimes", []):
        return
    st.markdown(f"##### {t('cbam.title')}")
    if api.supports("GET", "/applications/{application_id}/cbam/workbook"):
        st.download_button(t("cbam.download"), lambda: api.cbam_workbook(app["id"]),
                           file_name=f"cbam-{app['id'][:8]}.xlsx", icon=":material/table:",
                           key="dl_cbam")
    else:
        not_available()


def corrective_forms(api: ApiClient, app: dict[str, Any]) -> None:
    findings = [f for f in open_findings(app) if f.get("id")]
    if not findings or not api.supports(
            "POST", "/applications/{application_id}/findings/{finding_id}/corrective-action"):
        return
    st.markdown(f"##### {t('findings.corrective_title')}")
    for f in findings:
        with st.form(f"ca_{f['id']}"):
            st.markdown(f"`{f.get('rule_id')}` {f.get('message_zh' if current_lang() == 'zh' else 'message_en')}")
            due = parse_dt(f.get("due"))
            if due:
                st.caption(t("findings.due", date=fmt_date(due)))
            text = st.text_area(t("findings.corrective_action"), key=f"ca_text_{f['id']}")
            if st.form_submit_button(t("findings.send")) and text.strip():
                try:
                    api.corrective_action(app["id"], f["id"], {"description": text.strip()})
                    st.success(t("findings.sent"))
                except ApiError as err:
                    show_error(err)


def evidence_block(api: ApiClient, app: dict[str, Any]) -> None:
    st.markdown(f"##### {t('evidence.title')}")
    try:
        files = api.evidence(app["id"])
    except NotAvailable:
        not_available()
        return
    except ApiError as err:
        show_error(err)
        return
    if files:
        st.dataframe(files, hide_index=True)
    upload = st.file_uploader(t("evidence.upload"), type=["pdf"], accept_multiple_files=True,
                              key=f"ev_{app['id']}")
    if upload and st.button(t("evidence.send"), key=f"ev_send_{app['id']}"):
        progress = st.progress(0.0, text=t("evidence.uploading"))
        for i, f in enumerate(upload, 1):
            if fetch(api.upload_evidence, app["id"], f.name, f.getvalue(), "application/pdf") is None:
                break
            progress.progress(i / len(upload), text=f"{f.name} ({i}/{len(upload)})")
        else:
            st.success(t("evidence.done"))


def main() -> None:
    require_role("exporter", "consultant")
    api = state.client()
    products = fetch(api.products)
    if products is None:
        return
    st.title(t("product.title"))
    if not products:
        st.info(t("dash.no_products"))
        return
    ids = [p["id"] for p in products]
    names = {p["id"]: f"{p['name']} · {p['model']}" for p in products}
    wanted = st.session_state.get("product_id")
    pid = st.selectbox(t("product.choose"), ids, index=ids.index(wanted) if wanted in ids else 0,
                       format_func=names.__getitem__, key="product_select")
    st.session_state["product_id"] = pid
    product = next(p for p in products if p["id"] == pid)
    st.caption(" · ".join(x for x in (product.get("category"), product.get("cn_code") and
                                      f"CN {product['cn_code']}") if x))
    apps = fetch(api.applications)
    if apps is None:
        return
    mine = sorted((a for a in apps if a["product_id"] == pid),
                  key=lambda a: a.get("created_at", ""), reverse=True)
    if not mine:
        st.info(t("product.no_applications"))
        return
    choices = {a["id"]: f"{', '.join(label('regime', r) for r in a['regimes'])} · "
                        f"{fmt_date(a['created_at'])}" for a in mine}
    app_id = st.radio(t("product.application"), list(choices), horizontal=True,
                      format_func=choices.__getitem__, key="product_app")
    app = fetch(api.application, app_id)
    if app is None:
        return
    status_line(app)
    tabs = st.tabs([t("product.tab_footprint"), t("product.tab_findings"),
                    t("product.tab_certificate"), t("product.tab_history"),
                    t("product.tab_evidence")])
    with tabs[0]:
        footprint_section(api, app)
    with tabs[1]:
        findings_table(app)
        corrective_forms(api, app)
    with tabs[2]:
        if app.get("certificate_number"):
            certificate_block(api, app["certificate_number"])
        else:
            st.info(t("cert.none_yet"))
        cbam_block(api, app)
    with tabs[3]:
        history_timeline(app)
    with tabs[4]:
        evidence_block(api, app)


main()
