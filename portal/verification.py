"""The plain answer to "is this certificate valid?", shared by the public and customs pages."""

from __future__ import annotations

from html import escape
from typing import Any

import streamlit as st

from portal.api_client import ApiClient, ApiError, NotAvailable
from portal.i18n import current_lang, label, t
from portal.ui import fmt_kg, printed_day, show_error


def is_green(result: dict[str, Any]) -> bool:
    """The API's verdict when it gives one, else the registry status."""
    if "verdict" in result:
        return result["verdict"] == "green"
    return result.get("status") == "valid"


def reason_texts(result: dict[str, Any]) -> list[str]:
    key = "message_zh" if current_lang() == "zh" else "message_en"
    out = []
    for reason in result.get("reasons") or []:
        out.append(str(reason.get(key) or reason.get("code")) if isinstance(reason, dict)
                   else str(reason))
    return out


def check_number(api: ApiClient, number: str, *, officer: bool = False) -> dict[str, Any] | None:
    """The verification of ``number``; a 404 becomes a ``not_found`` answer.

    ``officer``: the signed-in officers' route (customs, subsidy, certifier, admin), which is not
    throttled per IP: every portal user reaches the API from the portal's one address, so a
    desk checking a list must not spend the public allowance."""
    try:
        if officer:
            return api.officer_verify_number(number)
        if api.supports("GET", "/public/verify/{number}"):
            return api.verify_number(number)
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
    status = str(result.get("status") or "not_found")
    number = escape(str(result.get("number") or "—"))
    green = is_green(result)
    css = "tp-ok" if green else "tp-bad"
    icon = "✔" if green else "✖"
    headline = t("verify.answer_valid") if green else t("verify.answer_invalid")
    reasons = reason_texts(result) or [str(result.get("status_reason") or "")]
    sub = f"{label('cert_status', status)} · {t('verify.number')} {number}"
    if not green and any(reasons):
        sub += " · " + escape("; ".join(r for r in reasons if r))
    st.markdown(f"<div class='tp-answer {css}' role='status'><h2>{icon} {headline}</h2>"
                f"<p>{sub}</p></div>", unsafe_allow_html=True)


def checks(result: dict[str, Any]) -> None:
    """The signature / document / seal checks of a PDF or QR answer, one line each."""
    rows: list[tuple[str, bool]] = []
    sig = result.get("signature") or {}
    for key in ("intact", "trusted", "covers_whole_document", "timestamp_ok"):
        if key in sig:
            rows.append((t(f"check.signature_{key}"), bool(sig[key])))
    if "modified_after_signing" in sig:
        rows.append((t("check.signature_unmodified"), not sig["modified_after_signing"]))
    doc = result.get("document") or {}
    if "matches_registry" in doc:
        rows.append((t("check.document_matches"), bool(doc["matches_registry"])))
    seal = result.get("seal") or {}
    for key in ("authentic", "matches_registry"):
        if key in seal:
            rows.append((t(f"check.seal_{key}"), bool(seal[key])))
    if rows:
        st.markdown("\n".join(f"- {':green[✔]' if ok else ':red[✖]'} {name}" for name, ok in rows))


def details(result: dict[str, Any]) -> None:
    checks(result)
    if result.get("status") in (None, "not_found"):
        st.info(t("verify.not_found_help"))
        return
    rows = [
        (t("verify.holder"), result.get("holder_name")),
        (t("verify.uscc"), result.get("holder_uscc")),
        (t("verify.product"), result.get("product_name")),
        (t("verify.model"), result.get("product_model")),
        (t("verify.footprint"), fmt_kg(result.get("footprint"), result.get("unit"))),
        (t("verify.valid_from"), printed_day(result, "from")),
        (t("verify.valid_until"), printed_day(result, "until")),
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
    """What a label's QR code opens: total, stage chart and the product tree (sub-assemblies,
    then lines with their factor and source), from ``GET /public/certificates/{n}/footprint``."""
    if not api.supports("GET", "/public/certificates/{number}/footprint"):
        return
    try:
        data = api.public_footprint(number)
    except ApiError as err:
        if err.status != 404:
            show_error(err)
        return
    from portal.footprint_view import stage_chart

    st.subheader(t("public.drilldown"))
    fu = data.get("functional_unit") or {}
    c1, c2, c3 = st.columns(3)
    c1.metric(t("verify.product"), str(data.get("product") or "—"),
              help=str(data.get("product_model") or ""))
    c2.metric(t("footprint.total"), fmt_kg(data.get("total"), data.get("unit")))
    c3.metric(t("public.functional_unit"),
              f"{fu.get('amount', '')} {fu.get('unit', '')}".strip() or "—",
              help=str(fu.get("description") or ""))
    st.caption(t("public.factor_set", factor_set=data.get("factor_set") or "—"))
    st.markdown(f"**{t('footprint.breakdown')}**")
    stage_chart(data.get("per_stage") or {})
    st.markdown(f"**{t('footprint.tree')}**")
    tree = data.get("tree")
    if tree:
        tree_node(tree, depth=0)


def line_rows(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{t("footprint.line"): ln.get("description") or ln.get("line_id"),
             t("public.line_id"): ln.get("line_id"),
             t("footprint.stage"): label("stage", ln.get("stage")),
             "kg CO₂e": float(ln.get("kg_co2e") or 0.0),
             t("footprint.share"): float(ln.get("share") or 0.0),
             t("footprint.factor"): ln.get("factor_id") or "—",
             t("public.source"): ln.get("factor_source") or "—"} for ln in lines]


def tree_node(node: dict[str, Any], depth: int) -> None:
    """One node of the product tree as an expander: its lines, then its sub-assemblies
    (nested expanders are not allowed, so deeper levels are indented expanders in turn)."""
    title = (f"{'　' * depth}{node.get('name') or '—'} · {fmt_kg(node.get('total'))} kg CO₂e · "
             f"{float(node.get('share') or 0.0):.1%}")
    with st.expander(title, expanded=depth == 0, icon=":material/account_tree:"):
        lines = node.get("lines") or []
        if lines:
            st.dataframe(line_rows(lines), hide_index=True, column_config={
                t("footprint.share"): st.column_config.ProgressColumn(
                    format="percent", min_value=0.0, max_value=1.0),
                "kg CO₂e": st.column_config.NumberColumn(format="%.4g")})
        else:
            st.caption(t("public.no_lines"))
    for child in node.get("children") or []:
        tree_node(child, depth + 1)
