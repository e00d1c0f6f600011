"""Footprint display: stage breakdown chart, hotspot list, drill-down tree and data quality."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal.api_client import ApiClient, ApiError, NotAvailable
from portal.i18n import ENUMS, label, t
from portal.ui import fmt_kg, show_error


def stage_frame(per_stage: dict[str, float]) -> pd.DataFrame:
    """Stages in life-cycle order (unknown stages last), translated, with their share."""
    order = {s: i for i, s in enumerate(ENUMS["stage"])}
    stages = sorted(per_stage, key=lambda s: (order.get(s, 99), s))
    total = sum(abs(v) for v in per_stage.values()) or 1.0
    return pd.DataFrame({
        "stage": [label("stage", s) for s in stages],
        "kg": [float(per_stage[s]) for s in stages],
        "share": [abs(float(per_stage[s])) / total for s in stages],
    })


def stage_chart(per_stage: dict[str, float]) -> None:
    if not per_stage:
        st.caption(t("footprint.no_stages"))
        return
    frame = stage_frame(per_stage)
    st.bar_chart(frame, x="stage", y="kg", x_label=t("footprint.kg_axis"), y_label="",
                 horizontal=True, sort=False, color="#1b7f3b", height=260)


def hotspots(lines: list[dict[str, Any]], total: float, limit: int = 10) -> None:
    """The lines carrying most of the footprint, biggest first."""
    ranked = sorted(lines, key=lambda ln: abs(float(ln.get("kg_co2e", 0))), reverse=True)[:limit]
    if not ranked:
        return
    denominator = abs(total) or 1.0
    frame = pd.DataFrame({
        t("footprint.line"): [ln.get("description") or ln.get("line_id") for ln in ranked],
        t("footprint.path"): [ln.get("path", "") for ln in ranked],
        t("footprint.stage"): [label("stage", ln.get("stage")) for ln in ranked],
        t("footprint.factor"): [ln.get("factor_id", "") for ln in ranked],
        "kg CO₂e": [float(ln.get("kg_co2e", 0)) for ln in ranked],
        t("footprint.share"): [abs(float(ln.get("kg_co2e", 0))) / denominator for ln in ranked],
        "DQR": [ln.get("dqr") for ln in ranked],
    })
    st.dataframe(frame, hide_index=True, column_config={
        t("footprint.share"): st.column_config.ProgressColumn(format="percent", min_value=0.0,
                                                              max_value=1.0),
        "kg CO₂e": st.column_config.NumberColumn(format="%.4g"),
        "DQR": st.column_config.NumberColumn(format="%.2f"),
    })


def tree_rows(node: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """Flatten the product tree for a table: one row per product / sub-assembly instance."""
    rows = [{"name": ("　" * depth) + ("└ " if depth else "") + str(node.get("name", "")),
             "path": node.get("path", ""), "quantity": node.get("quantity", 1.0),
             "kg": float(node.get("total", 0.0)), "share": float(node.get("share", 0.0))}]
    for child in node.get("children", []) or []:
        rows.extend(tree_rows(child, depth + 1))
    return rows


def dqr_block(detail: dict[str, Any]) -> None:
    dqr = detail.get("dqr")
    if dqr is None:
        st.caption(t("footprint.no_dqr"))
        return
    # PEF Annex I: DQR <= 1.5 excellent, <= 2.0 very good, <= 3.0 good, <= 4.0 fair, else poor
    band = ("excellent" if dqr <= 1.5 else "very_good" if dqr <= 2.0 else "good" if dqr <= 3.0
            else "fair" if dqr <= 4.0 else "poor")
    c1, c2, c3 = st.columns(3)
    c1.metric("DQR", f"{dqr:.2f}", help=t("footprint.dqr_help"))
    c2.metric(t("footprint.dqr_band"), t(f"footprint.dqr.{band}"))
    coverage = detail.get("dqr_coverage")
    if coverage is not None:
        c3.metric(t("footprint.dqr_coverage"), f"{float(coverage):.0%}")


def summary(fp: dict[str, Any]) -> None:
    c1, c2, c3 = st.columns(3)
    unit = fmt_kg(0, fp.get("unit")).split(" ", 1)[1]  # "kg CO₂e/piece"
    total = fp.get("total")
    c1.metric(f"{t('footprint.total')} · {unit}", "—" if total is None else f"{total:,.4g}",
              help=t("footprint.total_help"), border=True)
    stages = fp.get("per_stage") or {}
    if stages:
        top = max(stages, key=lambda s: abs(stages[s]))
        share = abs(stages[top]) / (sum(abs(v) for v in stages.values()) or 1.0)
        c2.metric(t("footprint.top_stage"), label("stage", top), f"{share:.0%}",
                  delta_color="off", delta_arrow="off", border=True)
    c3.metric(f"{t('footprint.factor_set')} · {fp.get('factor_set_id', '—')}",
              str(fp.get("factor_set_version", "—")), border=True)


def footprint_section(api: ApiClient, application: dict[str, Any]) -> None:
    """Summary, stage chart, and — when the API offers line detail — hotspots, tree and DQR."""
    fp = application.get("footprint")
    if not fp:
        st.info(t("footprint.none_yet"))
        return
    summary(fp)
    st.markdown(f"##### {t('footprint.breakdown')}")
    stage_chart(fp.get("per_stage") or {})
    try:
        detail = api.footprint_detail(application["id"])
    except NotAvailable:
        st.caption(t("footprint.detail_not_available"))
        return
    except ApiError as err:
        show_error(err)
        return
    st.markdown(f"##### {t('footprint.hotspots')}")
    hotspots(detail.get("lines") or [], float(detail.get("total") or fp.get("total") or 0))
    if detail.get("tree"):
        with st.expander(t("footprint.tree"), icon=":material/account_tree:"):
            frame = pd.DataFrame(tree_rows(detail["tree"]))
            st.dataframe(frame, hide_index=True, column_config={
                "name": t("footprint.node"), "path": t("footprint.path"),
                "quantity": t("footprint.quantity"),
                "kg": st.column_config.NumberColumn("kg CO₂e", format="%.4g"),
                "share": st.column_config.ProgressColumn(t("footprint.share"), format="percent",
                                                         min_value=0.0, max_value=1.0)})
    st.markdown(f"##### {t('footprint.data_quality')}")
    dqr_block(detail)
