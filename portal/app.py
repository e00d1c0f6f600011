"""Tanpass portal: ``streamlit run portal/app.py``.

One Streamlit app for every role. Navigation is built from the signed-in user's roles; a
label's QR code opens ``/?cert=NUMBER``, which lands on the public verification page without
login. All data comes from the API over HTTP with the user's token (see portal/api_client.py).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from portal import state
from portal.i18n import LANGS, label, t
from portal.ui import inject_css

st.set_page_config(page_title="Tanpass 碳通", page_icon=":material/eco:", layout="wide",
                   initial_sidebar_state="expanded")
st.logo(str(Path(__file__).parent / "assets" / "logo.svg"), size="large")
lang = state.init_lang()
inject_css()


def _page(path: str, title_key: str, icon: str, url: str, *, default: bool = False) -> st.Page:
    return st.Page(path, title=t(title_key), icon=icon, url_path=url, default=default)


def _on_lang_change() -> None:
    st.session_state[state.K_LANG] = st.session_state["lang_widget"]


def sidebar() -> None:
    with st.sidebar:
        st.caption(t("app.tagline"))
        st.radio(t("app.language"), options=list(LANGS), index=LANGS.index(lang),
                 format_func=lambda code: {"zh": "中文", "en": "English"}[code],
                 horizontal=True, key="lang_widget", on_change=_on_lang_change)
        user = state.me()
        if user:
            st.divider()
            st.markdown(f"**{user.get('display_name') or user.get('email')}**")
            st.caption(user.get("org_name") or "")
            st.caption(" · ".join(label("role", r) for r in user.get("roles", [])))
            if st.button(t("app.sign_out"), icon=":material/logout:", key="sign_out"):
                state.sign_out()
                st.rerun()


def pages() -> dict[str, list[st.Page]] | list[st.Page]:
    opened_from_label = bool(st.query_params.get("cert"))
    public = _page("views/public_verify.py", "nav.public_verify", ":material/verified:", "public",
                   default=opened_from_label)
    if not state.signed_in():
        login = _page("views/login.py", "nav.login", ":material/login:", "login",
                      default=not opened_from_label)
        return [login, public]
    roles = state.roles()
    sections: dict[str, list[st.Page]] = {}
    if roles & {"exporter", "consultant"}:
        sections[t("nav.section.exporter")] = [
            _page("views/exporter_dashboard.py", "nav.dashboard", ":material/dashboard:",
                  "dashboard"),
            _page("views/exporter_new.py", "nav.new_application", ":material/add_circle:", "new"),
            _page("views/exporter_product.py", "nav.product", ":material/inventory_2:",
                  "product"),
        ]
    if "verifier" in roles:
        sections[t("nav.section.verifier")] = [
            _page("views/verifier_queue.py", "nav.verifier_queue", ":material/fact_check:",
                  "verification")]
    if roles & {"certifier", "admin"}:
        section = sections.setdefault(t("nav.section.certifier"), [])
        if "certifier" in roles:
            section.extend([
                _page("views/certifier_queue.py", "nav.decisions", ":material/gavel:",
                      "decisions"),
                _page("views/certifier_intake.py", "nav.intake", ":material/rule_folder:",
                      "intake"),
                _page("views/certifier_assign.py", "nav.assignment", ":material/person_add:",
                      "assignment")])
        section.append(_page("views/registry.py", "nav.registry", ":material/folder_shared:",
                             "registry"))
    if roles & {"customs", "subsidy"}:
        section = sections.setdefault(t("nav.section.checks"), [])
        section.append(_page("views/verify_tools.py", "nav.verify_tools",
                             ":material/qr_code_scanner:", "check"))
        if "subsidy" in roles:
            section.append(_page("views/subsidy_batch.py", "nav.subsidy_batch",
                                 ":material/table_view:", "batch"))
    if "admin" in roles:
        sections[t("nav.section.admin")] = [
            _page("views/admin.py", "nav.admin", ":material/admin_panel_settings:", "admin")]
    # The first page is the role's home, unless a label's QR link asked for the public check.
    sections.setdefault(t("nav.section.public"), []).append(public)
    return sections


sidebar()
st.navigation(pages()).run()
