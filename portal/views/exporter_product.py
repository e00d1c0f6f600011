"""One product: its applications, status history, findings, footprint and certificate."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from portal import state
from portal.api_client import ApiClient, ApiError, NotAvailable
from portal.application_view import findings_table, history_timeline, status_line
from portal.cbam_view import cbam_section
from portal.footprint_view import footprint_section
from portal.i18n import label, t
from portal.process_data import open_round, round_findings, verifier_findings
from portal.process_view import findings_history, load_process, round_notice
from portal.ui import (
    badge,
    fetch,
    fmt_date,
    fmt_kg,
    not_available,
    printed_day,
    require_role,
    show_error,
)


def certificate_block(api: ApiClient, number: str) -> dict[str, Any] | None:
    cert = fetch(api.certificate, number)
    if cert is None:
        return None
    st.markdown(f"**{t('cert.number')}** `{cert['number']}` · {label('cert_status', cert['status'])}")
    c1, c2, c3 = st.columns(3)
    c1.metric(t("verify.footprint"), fmt_kg(cert.get("total")), help=cert.get("unit"))
    c2.metric(t("verify.valid_from"), printed_day(cert, "from"))
    c3.metric(t("verify.valid_until"), printed_day(cert, "until"))
    cache: dict[str, bytes] = st.session_state.setdefault("pdf_cache", {})
    key = f"{number}:{cert.get('pdf_sha256')}"
    if key not in cache:
        pdf = fetch(api.certificate_pdf, number)
        if pdf is None:
            return cert
        cache[key] = pdf
    d1, d2, d3 = st.columns(3)
    d1.download_button(t("cert.download_pdf"), cache[key], file_name=f"{number}.pdf",
                       mime="application/pdf", icon=":material/picture_as_pdf:", type="primary",
                       key=f"dl_pdf_{number}")
    d3.link_button(t("cert.public_link"), f"./?cert={number}", icon=":material/qr_code_2:")
    label_downloads(api, number, d2)
    return cert


def label_downloads(api: ApiClient, number: str, where: Any) -> None:
    """Carbon label artwork at a chosen print size: SVG for the printer, PNG at 600 dpi."""
    if not api.supports("GET", "/certificates/{number}/label.svg"):
        where.caption(t("cert.label_not_available"))
        return
    size = where.number_input(t("cert.label_size"), min_value=8, max_value=60, value=20,
                              step=1, key=f"label_size_{number}", help=t("cert.label_size_help"))
    l1, l2 = where.columns(2)
    l1.download_button(t("cert.download_label_svg"),
                       lambda: api.certificate_label(number, "svg", size),
                       file_name=f"label-{number}-{size}mm.svg", mime="image/svg+xml",
                       icon=":material/label:", key=f"dl_label_svg_{number}")
    l2.download_button(t("cert.download_label_png"),
                       lambda: api.certificate_label(number, "png", size),
                       file_name=f"label-{number}-{size}mm.png", mime="image/png",
                       icon=":material/image:", key=f"dl_label_png_{number}")


def footprint_workbook(api: ApiClient, app: dict[str, Any]) -> None:
    if not app.get("footprint"):
        return
    st.download_button(t("footprint.download_xlsx"), lambda: api.footprint_workbook(app["id"]),
                       file_name=f"footprint-{app['id'][:8]}.xlsx", icon=":material/table:",
                       key="dl_footprint_xlsx")


def renewal_block(api: ApiClient, number: str, status: str | None) -> None:
    """Open the next cycle before the certificate runs out (a valid certificate only)."""
    if status != "valid":
        return
    with st.expander(t("renewal.title"), icon=":material/autorenew:"):
        st.caption(t("renewal.help"))
        if st.button(t("renewal.start"), key=f"renew_{number}", type="primary"):
            with st.spinner(t("common.loading")):
                started = fetch(api.renew, number)
            if started is not None:
                st.success(t("renewal.started", cycle=started.get("cycle"),
                             app=str(started.get("application_id", ""))[:8]))


def corrective_answer(api: ApiClient, app: dict[str, Any]) -> None:
    """The verifier's findings; while a corrective-action round is open, one answer per
    finding, optionally a corrected dossier (JSON) and new evidence, sent in one go."""
    process = load_process(api, app["id"])
    if process is None:
        return
    if not verifier_findings(process):
        return
    st.markdown(f"##### {t('process.verifier_findings')}")
    round_notice(process)
    findings_history(process)
    rnd = open_round(process)
    if rnd is None or app.get("status") != "corrective_action":
        return
    findings = round_findings(process, rnd)
    with st.form(f"ca_answer_{app['id']}"):
        st.markdown(f"**{t('findings.corrective_title')}** · "
                    f"{t('findings.due', date=fmt_date(rnd.get('deadline')))}")
        answers: dict[str, str] = {}
        for f in findings:
            st.markdown(f"{badge('finding_kind', f.get('kind'))} **{', '.join(f.get('lines') or [])}**"
                        f" — {f.get('description', '')}")
            answers[f["id"]] = st.text_area(t("findings.corrective_action"), key=f"ca_{f['id']}")
        dossier_file = st.file_uploader(t("findings.changed_dossier"), type=["json"],
                                        key=f"ca_dossier_{app['id']}")
        files = st.file_uploader(t("findings.new_evidence"), type=["pdf", "png", "jpg", "jpeg"],
                                 accept_multiple_files=True, key=f"ca_files_{app['id']}")
        sent = st.form_submit_button(t("findings.send"), type="primary", icon=":material/send:")
    if not sent:
        return
    missing = [fid for fid, text in answers.items() if not text.strip()]
    if missing:
        st.warning(t("findings.answer_each"))
        return
    dossier = None
    if dossier_file is not None:
        try:
            dossier = json.loads(dossier_file.getvalue())
        except ValueError:
            st.error(t("findings.bad_dossier"))
            return
    with st.status(t("findings.sending"), expanded=True) as box:
        shas: list[str] = []
        bar = st.progress(0.0)
        for i, f in enumerate(files or [], 1):
            up = fetch(api.upload_evidence, app["id"], f.name, f.getvalue(),
                       f.type or "application/pdf")
            if up is None:
                box.update(state="error")
                return
            shas.append(up["blob_sha256"])
            bar.progress(i / (len(files) + 1), text=f"{f.name} ({i}/{len(files)})")
        result = fetch(api.answer_corrective_action, app["id"],
                       {k: v.strip() for k, v in answers.items()}, dossier=dossier,
                       evidence_sha256=shas)
        bar.progress(1.0)
        box.update(state="complete" if result else "error",
                   label=t("findings.sent") if result else t("findings.sending"))
    if result is not None:
        st.success(t("findings.answered", status=label("status", result.get("status"))))


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
    names = [t("product.tab_footprint"), t("product.tab_findings"),
             t("product.tab_certificate"), t("product.tab_history"), t("product.tab_evidence")]
    if "cbam" in (app.get("regimes") or []):
        names.append(t("product.tab_cbam"))
    tabs = st.tabs(names)
    if len(tabs) > 5:
        with tabs[5]:
            cbam_section(api, app)
    with tabs[0]:
        footprint_section(api, app)
        footprint_workbook(api, app)
    with tabs[1]:
        findings_table(app)
        corrective_answer(api, app)
    with tabs[2]:
        if app.get("certificate_number"):
            cert = certificate_block(api, app["certificate_number"])
            renewal_block(api, app["certificate_number"], cert and cert.get("status"))
        else:
            st.info(t("cert.none_yet"))
    with tabs[3]:
        history_timeline(app)
    with tabs[4]:
        evidence_block(api, app)


main()
