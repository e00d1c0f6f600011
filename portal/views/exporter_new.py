"""New application wizard: product -> markets -> footprint data -> review and submit."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from portal import state
from portal.api_client import ApiClient, ApiError
from portal.dossier_form import (
    EXAMPLE,
    EXAMPLE_CUTOFF,
    EXAMPLE_FU_DESCRIPTION,
    TABLES,
    build_dossier,
)
from portal.i18n import ENUMS, bound, label, t
from portal.ui import fetch, fmt_kg, not_available, require_role, show_error


def step_product(api: ApiClient) -> dict[str, Any] | None:
    st.subheader(t("wizard.step_product"))
    tr = bound()
    products = fetch(api.products) or []
    modes = ["existing", "new"] if products else ["new"]
    mode = st.radio(t("wizard.product_mode"), modes, horizontal=True, key="wiz_mode",
                    format_func=lambda m: tr.t(f"wizard.product_{m}"))
    if mode == "existing":
        ids = [p["id"] for p in products]
        pid = st.selectbox(t("product.choose"), ids, key="wiz_product",
                           format_func=lambda i: next(f"{p['name']} · {p['model']}"
                                                      for p in products if p["id"] == i))
        return next(p for p in products if p["id"] == pid)
    c1, c2 = st.columns(2)
    name = c1.text_input(t("wizard.name"), key="wiz_name")
    model = c2.text_input(t("wizard.model"), key="wiz_model")
    category = c1.text_input(t("wizard.category"), key="wiz_category",
                             help=t("wizard.category_help"))
    cn_code = c2.text_input(t("wizard.cn_code"), key="wiz_cn", help=t("wizard.cn_code_help"))
    if not name.strip() or not model.strip():
        return None
    product = {"name": name.strip(), "model": model.strip(), "category": category.strip(),
               "cn_code": cn_code.strip()}
    return {k: v for k, v in product.items() if v}  # optional fields: omitted, not null


def editor(kind: str) -> list[dict[str, Any]]:
    columns, _ = TABLES[kind]
    seed = st.session_state.setdefault(f"wiz_seed_{kind}", [])
    frame = pd.DataFrame(seed, columns=list(columns))
    tr = bound()
    config: dict[str, Any] = {c: st.column_config.NumberColumn(t(f"wizard.col.{c}"), min_value=0.0, format="%.6g")
              if c in ("quantity", "mass", "distance") else st.column_config.TextColumn(
                  t(f"wizard.col.{c}"), help=t(f"wizard.col_help.{c}") if c in (
                      "material", "grid", "fuel", "mode", "treatment") else None)
              for c in columns}
    if "stage" in columns:
        config["stage"] = st.column_config.SelectboxColumn(
            t("wizard.col.stage"), options=list(ENUMS["stage"]), default="distribution",
            format_func=lambda v: tr.label("stage", v))
    edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, column_config=config,
                            key=f"wiz_table_{kind}_{st.session_state.get('wiz_gen', 0)}")
    return edited.to_dict("records")


def _load_example() -> None:
    """Button callback (runs before the page, so it may set the widgets' values)."""
    for kind, rows in EXAMPLE.items():
        st.session_state[f"wiz_seed_{kind}"] = [dict(r) for r in rows]
    st.session_state["wiz_gen"] = st.session_state.get("wiz_gen", 0) + 1
    st.session_state["wiz_fu_desc"] = EXAMPLE_FU_DESCRIPTION
    st.session_state["wiz_cutoff"] = EXAMPLE_CUTOFF


def step_data() -> dict[str, Any]:
    st.subheader(t("wizard.step_data"))
    tr = bound()
    c1, c2, c3 = st.columns(3)
    fu_amount = c1.number_input(t("wizard.fu_amount"), min_value=0.000001, value=1.0,
                                key="wiz_fu_amount")
    fu_unit = c2.selectbox(t("wizard.fu_unit"), ["piece", "kg", "t", "kWh", "set", "m**2"],
                           key="wiz_fu_unit")
    boundary = c3.selectbox(t("wizard.boundary"), list(ENUMS["boundary"]), key="wiz_boundary",
                            format_func=lambda b: tr.label("boundary", b))
    fu_description = st.text_input(t("wizard.fu_description"), key="wiz_fu_desc")
    c4, c5, c6, c7 = st.columns(4)
    today = date.today()
    start = c4.date_input(t("wizard.period_start"), value=date(today.year - 1, 1, 1),
                          key="wiz_start")
    end = c5.date_input(t("wizard.period_end"), value=date(today.year - 1, 12, 31),
                        key="wiz_end")
    reference_flow = c6.number_input(t("wizard.reference_flow"), min_value=0.000001, value=1.0,
                                     key="wiz_ref_flow", help=t("wizard.reference_flow_help"))
    gwp = c7.selectbox(t("wizard.gwp"), ["AR6", "AR5"], key="wiz_gwp")
    cutoff = st.text_input(t("wizard.cutoff"), key="wiz_cutoff", help=t("wizard.cutoff_help"))
    st.button(t("wizard.load_example"), icon=":material/auto_fix_high:", key="wiz_example",
              on_click=_load_example)
    tabs = st.tabs([label("line_kind", k) for k in TABLES])
    tables = {}
    for tab, kind in zip(tabs, TABLES, strict=True):
        with tab:
            tables[kind] = editor(kind)
    return {"fu_amount": fu_amount, "fu_unit": fu_unit, "fu_description": fu_description,
            "boundary": boundary, "period_start": start, "period_end": end,
            "reference_flow": reference_flow, "gwp_set": gwp, "tables": tables,
            "cutoff_criteria": cutoff}


def json_upload() -> dict[str, Any] | None:
    upload = st.file_uploader(t("wizard.json_upload"), type=["json"], key="wiz_json")
    if upload is None:
        return None
    try:
        doc = json.loads(upload.getvalue().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        st.error(t("wizard.json_invalid", error=str(exc)))
        return None
    if not isinstance(doc, dict):
        st.error(t("wizard.json_invalid", error="not an object"))
        return None
    st.caption(t("wizard.json_loaded", lines=len(doc.get("lines", []))))
    return doc


def submit(api: ApiClient, product: dict[str, Any], regimes: list[str], dossier: dict,
           workbook: tuple[str, bytes] | None = None) -> None:
    with st.status(t("wizard.submitting"), expanded=True) as box:
        try:
            if "id" not in product:
                st.write(t("wizard.creating_product"))
                product = api.create_product(product)
            st.write(t("wizard.opening_application"))
            app = api.create_application(product["id"], regimes)
            st.write(t("wizard.calculating"))
            if workbook is not None:
                outcome = api.upload_dossier_xlsx(app["id"], *workbook)
            else:
                outcome = api.submit_dossier(app["id"], dossier)
        except ApiError as err:
            box.update(label=t("wizard.failed"), state="error")
            show_error(err)
            return
        box.update(label=t("wizard.done"), state="complete")
    st.session_state["product_id"] = product["id"]
    st.session_state["wiz_outcome"] = outcome


def show_outcome(outcome: dict[str, Any]) -> None:
    ok = outcome.get("blocking_findings", 0) == 0
    (st.success if ok else st.warning)(t("wizard.outcome", status=label("status", outcome.get(
        "status")), total=fmt_kg(outcome.get("footprint_total"), outcome.get("footprint_unit")),
        blocking=outcome.get("blocking_findings", 0)))
    if st.button(t("wizard.open_product"), type="primary", key="wiz_open"):
        st.session_state.pop("wiz_outcome", None)
        st.switch_page("views/exporter_product.py")


def main() -> None:
    require_role("exporter", "consultant")
    api = state.client()
    st.title(t("wizard.title"))
    st.caption(t("wizard.subtitle"))
    tr = bound()
    product = step_product(api)
    st.subheader(t("wizard.step_markets"))
    regimes = st.multiselect(t("wizard.regimes"), list(ENUMS["regime"]), default=["cn_label"],
                             format_func=lambda r: tr.label("regime", r), key="wiz_regimes")
    source = st.radio(t("wizard.source"), ["form", "json", "xlsx"], horizontal=True,
                      key="wiz_source", format_func=lambda s: tr.t(f"wizard.source_{s}"))
    dossier: dict[str, Any] | None = None
    workbook: tuple[str, bytes] | None = None
    if source == "form":
        data = step_data()
        if product:
            dossier = build_dossier(product, regimes=regimes, **data)
    elif source == "json":
        dossier = json_upload()
    else:
        st.subheader(t("wizard.step_data"))
        if api.supports("GET", "/templates/dossier.xlsx"):
            st.download_button(t("wizard.xlsx_template"), api.dossier_template,
                               file_name="tanpass-dossier.xlsx", key="wiz_xlsx_tpl",
                               icon=":material/download:")
            upload = st.file_uploader(t("wizard.xlsx_upload"), type=["xlsx"], key="wiz_xlsx")
            if upload is not None:
                workbook = (upload.name, upload.getvalue())  # read and checked by the API
        else:
            not_available()
    st.subheader(t("wizard.step_submit"))
    problems = [msg for cond, msg in ((product is None, t("wizard.need_product")),
                                      (not regimes, t("wizard.need_regime")),
                                      (workbook is None and not (dossier or {}).get("lines"),
                                       t("wizard.need_lines"))) if cond]
    for msg in problems:
        st.caption(f"• {msg}")
    if dossier and workbook is None:
        with st.expander(t("wizard.preview")):
            st.json(dossier, expanded=False)
    if st.button(t("wizard.submit"), type="primary", disabled=bool(problems), key="wiz_submit",
                 icon=":material/send:"):
        assert product is not None
        submit(api, product, regimes, dossier or {}, workbook)
    if st.session_state.get("wiz_outcome"):
        show_outcome(st.session_state["wiz_outcome"])


main()
