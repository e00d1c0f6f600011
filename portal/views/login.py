"""Sign in with e-mail and password; the API's problem (wrong password ...) is shown as it is."""

from __future__ import annotations

import streamlit as st

from portal import state
from portal.api_client import ApiError
from portal.i18n import t
from portal.ui import show_error


def main() -> None:
    left, mid, right = st.columns([1, 2, 1])
    with mid:
        st.title(t("login.title"))
        st.caption(t("login.subtitle"))
        with st.form("login", border=True):
            email = st.text_input(t("login.email"), key="login_email",
                                  placeholder="name@company.cn")
            password = st.text_input(t("login.password"), type="password", key="login_password")
            submitted = st.form_submit_button(t("login.submit"), type="primary",
                                              width="stretch")
        if submitted:
            if not email or not password:
                st.warning(t("login.missing"))
                return
            try:
                with st.spinner(t("login.signing_in")):
                    state.sign_in(email, password)
            except ApiError as err:
                show_error(err)
                return
            st.rerun()
        st.divider()
        st.markdown(t("login.public_hint"))
        if st.button(t("nav.public_verify"), icon=":material/verified:", key="go_public"):
            st.switch_page("views/public_verify.py")


main()
