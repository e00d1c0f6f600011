"""Shared widgets: problem display, API calls with errors shown, status badges, formatting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar

import streamlit as st

from portal import state
from portal.api_client import ApiError, NotAvailable, Unauthenticated, Unreachable
from portal.i18n import current_lang, label, t

T = TypeVar("T")

STATUS_COLOURS = {
    "certified": "green", "valid": "green", "awaiting_verification": "blue",
    "awaiting_decision": "violet", "assessing": "blue", "issuing": "blue",
    "intake_review": "blue", "awaiting_assignment": "blue", "corrective_action": "orange",
    "awaiting_submission": "gray", "returned": "orange", "suspended": "orange",
    "refused": "red", "revoked": "red", "expired": "gray", "not_found": "red",
    "major_nc": "red", "minor_nc": "orange", "observation": "blue", "open": "orange",
    "closed": "green", "escalated": "red", "answered": "green",
}

CSS = """
<style>
.tp-answer {border-radius: 10px; padding: 18px 22px; margin: 6px 0 14px 0; color: #fff;}
.tp-answer h2 {color: #fff; margin: 0 0 4px 0; padding: 0; font-size: 1.9rem;}
.tp-answer p {margin: 0; font-size: 1.05rem; opacity: .95;}
.tp-ok {background: #1b7f3b;} .tp-bad {background: #b42318;} .tp-warn {background: #b54708;}
.tp-brand {font-weight: 700; font-size: 1.15rem; letter-spacing: .02em;}
.tp-muted {color: #667085; font-size: .9rem;}
</style>
"""


def inject_css() -> None:
    st.markdown(CSS, unsafe_allow_html=True)


def show_error(err: ApiError) -> None:
    """Show an API problem plainly, in the user's language, with each field's message."""
    if isinstance(err, NotAvailable):
        not_available()
        return
    if isinstance(err, Unreachable):
        st.error(t("error.unreachable"), icon=":material/cloud_off:")
        st.caption(err.detail)
        return
    if isinstance(err, Unauthenticated) and state.signed_in():
        state.sign_out()
        st.warning(t("error.session_expired"), icon=":material/lock_clock:")
        return
    title = err.title or t("error.generic")
    lines = [f"**{title}**"]
    if err.detail and err.detail != title:
        lines.append(err.detail)
    for e in err.errors:
        path = str(e.get("path", "")).strip("/") or "—"
        message = e.get(f"message_{current_lang()}") or e.get("message", "")
        lines.append(f"- `{path}`: {message}")
    st.error("\n\n".join(lines[:2]) + ("\n" + "\n".join(lines[2:]) if len(lines) > 2 else ""),
             icon=":material/error:")


def not_available() -> None:
    st.info(t("common.not_available"), icon=":material/construction:")


def fetch(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Call the API; on failure show the problem and return None."""
    try:
        return fn(*args, **kwargs)
    except ApiError as err:
        show_error(err)
        return None


def badge(prefix: str, value: str | None) -> str:
    """Markdown badge for an enum value (``:green-badge[已认证]``)."""
    colour = STATUS_COLOURS.get(value or "", "gray")
    return f":{colour}-badge[{label(prefix, value)}]"


def fmt_date(value: str | date | datetime | None) -> str:
    if not value:
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value.strftime("%Y-%m-%d")


CHINA = timezone(timedelta(hours=8))


def printed_day(record: dict[str, Any], which: str) -> str:
    """The first (``which="from"``) or last (``"until"``) day of validity as the certificate
    prints it: China calendar days. The API gives them as ``valid_from_day`` /
    ``valid_until_day`` (verification answers give ``valid_from`` / ``valid_until`` as dates);
    an instant is converted to its China day, never shown as its UTC date."""
    day = record.get(f"valid_{which}_day")
    if day:
        return fmt_date(day)
    value = record.get(f"valid_{which}")
    if isinstance(value, str) and len(value) > 10:
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(CHINA)
    return fmt_date(value)


def fmt_kg(value: float | None, unit: str | None = None) -> str:
    if value is None:
        return "—"
    text = f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.1f}"
    if unit and "CO2e" in unit:  # the API's unit is already "kg CO2e/piece"
        return f"{text} {unit.replace('CO2e', 'CO₂e')}"
    return f"{text} kg CO₂e" + (f" / {unit}" if unit else "")


def page_header(title_key: str, caption_key: str | None = None) -> None:
    st.title(t(title_key))
    if caption_key:
        st.caption(t(caption_key))


def require_role(*allowed: str) -> None:
    """Stop the page with a clear notice when the user lacks every role in ``allowed``."""
    if not state.signed_in():
        st.warning(t("error.sign_in_first"))
        st.stop()
    if not state.roles() & set(allowed):
        st.error(t("error.wrong_role"))
        st.stop()


FLASH = "flash"


def flash(message: str) -> None:
    """Keep a success message across the rerun that reloads the page's data."""
    st.session_state[FLASH] = message
    st.rerun()


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/task_alt:")
