"""CBAM for one application: specific embedded emissions, the certificate cost estimate per
tonne and per shipment, de minimis, the pack's findings, and the communication workbook
(``GET /applications/{id}/cbam`` and ``.../cbam/communication.xlsx``)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from portal.api_client import ApiClient, ApiError
from portal.i18n import current_lang, label, t
from portal.ui import fmt_date, show_error

CBAM = "/applications/{application_id}/cbam"

ESTIMATE_ROWS = (  # (key of the answer's "estimate", unit); texts under cbam.est.<key>
    ("see_in_scope", "t CO₂e/t"), ("benchmark", "t CO₂e/t"), ("cbam_factor", ""),
    ("certificates_per_t", "/t"), ("price_eur", "EUR"), ("gross_eur_per_t", "EUR/t"),
    ("deduction_eur_per_t", "EUR/t"), ("net_eur_per_t", "EUR/t"), ("shipment_mass_t", "t"),
    ("net_eur_per_shipment", "EUR"),
)


def estimate_rows(answer: dict[str, Any]) -> list[dict[str, str]]:
    """The estimate as (item, value) rows in the user's language; empty without an estimate."""
    est = answer.get("estimate") or {}
    rows = []
    for key, unit in ESTIMATE_ROWS:
        value = est.get(key)
        if value is None:
            continue
        shown = f"{float(value):,.2f}" if "eur" in key else f"{float(value):,.4g}"
        rows.append({t("cbam.item"): t(f"cbam.est.{key}"),
                     t("cbam.value"): f"{shown} {unit}".strip()})
    return rows


def cbam_section(api: ApiClient, app: dict[str, Any]) -> None:
    """The CBAM block of an application that chose the cbam regime."""
    if "cbam" not in (app.get("regimes") or []):
        return
    st.markdown(f"##### {t('cbam.title')}")
    if not api.supports("GET", CBAM):
        st.info(t("cbam.not_available"), icon=":material/construction:")
        return
    try:
        answer = api.cbam(app["id"])
    except ApiError as err:
        if err.status == 409:
            st.info(err.detail or t("cbam.no_dossier"), icon=":material/info:")
        else:
            show_error(err)
        return
    st.caption(t("cbam.as_of", date=fmt_date(answer.get("as_of")),
                 version=answer.get("dossier_version"), pack=answer.get("pack_version")))
    if answer.get("covered") is False:
        st.info(t("cbam.not_covered", cn=answer.get("cn_code") or "—"), icon=":material/info:")
    see = answer.get("see") or {}
    if see:
        c1, c2, c3 = st.columns(3)
        c1.metric(t("cbam.see_direct"), f"{float(see.get('direct', 0)):,.4g}", help="t CO₂e/t")
        c2.metric(t("cbam.see_indirect"), f"{float(see.get('indirect', 0)):,.4g}",
                  help="t CO₂e/t")
        c3.metric(t("cbam.de_minimis"), t("cbam.exempt") if answer.get("de_minimis_exempt")
                  else t("cbam.not_exempt"))
    rows = estimate_rows(answer)
    if rows:
        st.dataframe(rows, hide_index=True, key="cbam_estimate")
    elif answer.get("covered"):
        st.caption(t("cbam.no_estimate"))
    findings = answer.get("findings") or []
    if findings:
        key = "message_zh" if current_lang() == "zh" else "message_en"
        with st.expander(t("cbam.findings", n=len(findings)), icon=":material/rule:"):
            st.markdown("\n".join(f"- **{label('severity', f.get('severity'))}** {f.get(key)}"
                                  for f in findings))
    if answer.get("blocking"):
        st.warning(t("cbam.blocking"), icon=":material/block:")
        return
    st.download_button(t("cbam.download"), lambda: api.cbam_workbook(app["id"]),
                       file_name=f"cbam-communication-{app['id'][:8]}.xlsx",
                       icon=":material/table:", key=f"dl_cbam_{app['id']}")
