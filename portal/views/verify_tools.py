"""Customs and subsidy desk: verify a certificate by number, QR image, or the PDF itself."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlparse

import streamlit as st

from portal import state
from portal.i18n import t
from portal.ui import fetch, not_available, require_role
from portal.verification import answer_card, check_number, details, is_green, reason_texts


def show(result: dict[str, Any] | None) -> None:
    if result is None:
        return
    answer_card(result)
    details(result)


def check_text(text: str) -> dict[str, Any] | None:
    """A typed number, a scanned label link (``...?cert=N``) or a scanned seal (``TP1:...``)."""
    api = state.client()
    text = text.strip()
    if "cert=" in text:
        text = parse_qs(urlparse(text).query).get("cert", [text])[0]
    elif text.upper().startswith("TP1:"):
        if not api.supports("POST", "/verification/seal"):
            not_available()
            return None
        return fetch(api.verify_seal, text, officer=True)
    return check_number(api, text, officer=True)


def by_number() -> None:
    with st.form("desk_number", border=False):
        c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
        number = c1.text_input(t("desk.number_or_scan"), key="desk_number_input",
                               placeholder="TP-2026-000001", help=t("desk.scanner_help"))
        pressed = c2.form_submit_button(t("verify.check"), type="primary", width="stretch")
    if pressed and number.strip():
        with st.spinner(t("verify.checking")):
            show(check_text(number))


def declaration() -> None:
    """Customs: a declaration line (number, declared HS/CN code, date) against the certificate."""
    api = state.client()
    if not api.supports("POST", "/verification/customs"):
        not_available()
        return
    with st.form("desk_customs"):
        c1, c2, c3 = st.columns(3)
        number = c1.text_input(t("verify.number"), key="customs_number")
        code = c2.text_input(t("desk.declared_code"), key="customs_code",
                             help=t("desk.declared_code_help"))
        when = c3.date_input(t("desk.declaration_date"), value=date.today(), key="customs_date")
        pressed = st.form_submit_button(t("verify.check"), type="primary")
    if not pressed or not number.strip():
        return
    with st.spinner(t("verify.checking")):
        result = fetch(api.customs_check, number, code, when.isoformat())
    if result is None:
        return
    cert = dict(result.get("certificate") or {})
    cert["verdict"] = result.get("verdict")
    cert["reasons"] = (result.get("reasons") or []) + list(cert.get("reasons") or [])
    answer_card(cert)
    st.markdown(f"**{t('desk.code_match')}**: `{result.get('declared_code')}` → "
                f"`{result.get('certified_code') or '—'}` · {result.get('code_match')}")
    if not is_green(cert):
        for reason in reason_texts(cert):
            st.markdown(f"- {reason}")
    details(cert)


def by_upload(kind: str) -> None:
    api = state.client()
    route = "/verification/qr" if kind == "qr" else "/verification/pdf"
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
                           upload.type or "image/png", officer=True)
        else:
            result = fetch(api.verify_pdf, upload.name, upload.getvalue(), officer=True)
    show(result)


def main() -> None:
    require_role("customs", "subsidy")
    st.title(t("desk.title"))
    st.caption(t("desk.subtitle"))
    names = [t("desk.by_number"), t("desk.by_qr"), t("desk.by_pdf")]
    customs = "customs" in state.roles()
    if customs:
        names.append(t("desk.by_declaration"))
    tabs = st.tabs(names)
    with tabs[0]:
        by_number()
    with tabs[1]:
        by_upload("qr")
    with tabs[2]:
        by_upload("pdf")
    if customs:
        with tabs[3]:
            declaration()


main()
