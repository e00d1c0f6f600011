"""The submitted dossier as the certification body sees it: its lines, with the evidence each
line points to."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from portal.api_client import ApiClient, ApiError, NotAvailable
from portal.i18n import label, t
from portal.process_data import dossier_lines, evidence_for, line_amount
from portal.ui import show_error


def latest_dossier(api: ApiClient, app: dict[str, Any]) -> dict[str, Any] | None:
    """The content of the application's latest dossier version (cached per version)."""
    version = (app.get("footprint") or {}).get("dossier_version")
    try:
        if version is None:
            versions = api.dossier_versions(app["id"])
            if not versions:
                return None
            version = max(int(v["version"]) for v in versions)
        cache: dict[str, Any] = st.session_state.setdefault("dossier_cache", {})
        key = f"{app['id']}:{version}"
        if key not in cache:
            cache[key] = api.dossier_version(app["id"], int(version)).get("content") or {}
        return dict(cache[key])
    except NotAvailable:
        st.caption(t("dossier.not_available"))
    except ApiError as err:
        show_error(err)
    return None


def evidence_files(api: ApiClient, app_id: str) -> list[dict[str, Any]]:
    try:
        return api.evidence(app_id)
    except NotAvailable:
        return []
    except ApiError as err:
        show_error(err)
        return []


def lines_frame(lines: list[dict[str, Any]], files: list[dict[str, Any]],
                checked: set[str] | None = None) -> pd.DataFrame:
    rows = []
    for line in lines:
        row = {
            t("dossier.line"): line.get("id"),
            t("dossier.where"): line.get("where") or t("dossier.product_level"),
            t("dossier.kind"): label("line_kind", line.get("kind")),
            t("dossier.description"): line.get("description") or "",
            t("dossier.stage"): label("stage", line.get("stage")),
            t("dossier.amount"): line_amount(line),
            t("dossier.evidence"): len(evidence_for(line, files)) or len(line.get("evidence") or []),
        }
        if checked is not None:
            row[t("dossier.checked")] = line.get("id") in checked
        rows.append(row)
    return pd.DataFrame(rows)


def dossier_summary(api: ApiClient, app: dict[str, Any]) -> list[dict[str, Any]]:
    """Lines table plus the evidence file list; returns the lines."""
    content = latest_dossier(api, app)
    if content is None:
        return []
    lines = dossier_lines(content)
    files = evidence_files(api, app["id"])
    product = content.get("product") or {}
    st.caption(" · ".join(str(x) for x in (
        product.get("name"), product.get("model"), content.get("boundary") and
        label("boundary", content.get("boundary")), content.get("reference_period") and
        t("dossier.period", period=_period(content.get("reference_period")))) if x))
    st.dataframe(lines_frame(lines, files), hide_index=True)
    st.caption(t("dossier.files", n=len(files)))
    if files:
        st.dataframe(pd.DataFrame([{t("evidence.file"): f.get("filename"),
                                    t("evidence.kind"): f.get("kind"),
                                    t("evidence.size"): f.get("size")} for f in files]),
                     hide_index=True)
    return lines


def _period(period: Any) -> str:
    if isinstance(period, dict):
        return f"{period.get('start', '?')} – {period.get('end', '?')}"
    return str(period)
