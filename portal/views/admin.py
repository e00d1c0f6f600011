"""Administration: organisations, users and roles, factor sets, rule packs (routes to come)."""

from __future__ import annotations

import streamlit as st

from portal import state
from portal.api_client import ApiError, NotAvailable
from portal.i18n import t
from portal.ui import not_available, require_role, show_error

SECTIONS = ("organisations", "users", "factor-sets", "rule-packs")


def main() -> None:
    require_role("admin")
    api = state.client()
    st.title(t("admin.title"))
    st.caption(t("admin.subtitle"))
    tabs = st.tabs([t(f"admin.{s}") for s in SECTIONS])
    for tab, section in zip(tabs, SECTIONS, strict=True):
        with tab:
            try:
                rows = api.admin_list(section)
            except NotAvailable:
                not_available()
                continue
            except ApiError as err:
                show_error(err)
                continue
            st.dataframe(rows, hide_index=True)


main()
