"""Administration: organisations, users and roles, factor sets (read, import a new version),
rule packs (read: they are code with dated versions)."""

from __future__ import annotations

import json

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
            if section == "factor-sets":
                import_factor_set(api)


def import_factor_set(api: object) -> None:
    """Upload a new factor-set version (the JSON file format of footprint/data/factor_sets)."""
    st.subheader(t("admin.import_title"))
    st.caption(t("admin.import_help"))
    upload = st.file_uploader(t("admin.import_file"), type=["json"], key="factor_set_file")
    if upload is None or not st.button(t("admin.import_button"), key="factor_set_import"):
        return
    try:
        body = json.loads(upload.getvalue().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        st.error(t("admin.import_not_json", reason=str(exc)))
        return
    try:
        created = api.post("/factor-sets", json=body)  # type: ignore[attr-defined]
    except ApiError as err:
        show_error(err)
        return
    st.success(t("admin.imported", id=created.get("id", ""), version=created.get("version", "")))


main()
