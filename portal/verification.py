"""The plain answer to "is this certificate valid?", shared by the public and customs pages."""

from __future__ import annotations

from html import escape
from typing import Any

import streamlit as st

from portal.api_client import ApiClient, ApiError, NotAvailable
from portal.i18n import label, t
from portal.ui import fmt_date, fmt_kg, show_error


def check_number(api: ApiClient, number: str) -> dict[str, Any] | None:
    """The public verification of ``number``; a 404 becomes a ``not_found`` answer."""
    try:
        return api.public_certificate(number)
    except NotAvailable as err:
        show_error(err)
        return None
    except ApiError as err:
        if err.status == 404 and err.problem.get("certificate_status") == "not_found":
            return {"number": number.strip().upper(), "status": "not_found",
                    "status_reason": err.detail}
        show_error(err)
        return None


def answer_card(result: dict[str, Any]) -> None:
    """The red/green answer: green only for ``valid``; everything else is red with the reason."""
    status = str(result.get("status", "not_found"))
    number = escape(str(result.get("number", "")))
    css = "tp-ok" if status == "valid" else "tp-bad"
    icon = "✔" if status == "valid" else "✖"
    headline = t("verify.answer_valid") if status == "valid" else t("verify.answer_invalid")
    reason = result.get("status_reason") or ""
    sub = f"{label('cert_status', status)} · {t('verify.number')} {number}"
    if reason and status != "valid":
        sub += f" · {escape(str(reason))}"
    st.markdown(f"<div class='tp-answer {css}' role='status'><h2>{icon} {headline}</h2>"
                f"<p>{sub}</p></div>", unsafe_allow_html=True)


def details(result: dict[str, Any]) -> None:
    if result.get("status") == "not_found":
        st.info(t("verify.not_found_help"))
        return
    rows = [
        (t("verify.holder"), result.get("holder_name")),
        (t("verify.uscc"), result.get("holder_uscc")),
        (t("verify.product"), result.get("product_name")),
        (t("verify.model"), result.get("product_model")),
        (t("verify.footprint"), fmt_kg(result.get("footprint"), result.get("unit"))),
        (t("verify.valid_from"), fmt_date(result.get("valid_from"))),
        (t("verify.valid_until"), fmt_date(result.get("valid_until"))),
        (t("verify.status"), label("cert_status", result.get("status"))),
    ]
    if result.get("status_reason"):
        rows.append((t("verify.reason"), result["status_reason"]))
    c1, c2 = st.columns(2)
    for i, (k, v) in enumerate(rows):
        (c1 if i % 2 == 0 else c2).markdown(f"**{k}**  \n{v if v not in (None, '') else '—'}")
    if result.get("pdf_sha256"):
        st.caption(t("verify.sha256_help"))
        st.code(result["pdf_sha256"], language=None)


def footprint_drilldown(api: ApiClient, number: str) -> None:
    """Stage and line breakdown when the API offers it (public route to come)."""
    if not api.supports("GET", "/public/certificates/{number}/footprint"):
        return
    try:
        data = api.public_footprint(number)
    except ApiError as err:
        show_error(err)
        return
    from portal.footprint_view import stage_chart

    st.subheader(t("footprint.breakdown"))
    stage_chart(data.get("per_stage") or {})
