"""Certification body: assign a verifier; each refusal (conflict of interest, rotation,
accreditation) is shown as its own reason."""

from __future__ import annotations

from typing import Any

import streamlit as st

from portal import state
from portal.api_client import ApiClient, ApiError
from portal.i18n import current_lang, label, t
from portal.process_data import refusal_key
from portal.process_view import load_process
from portal.queue import desk
from portal.ui import fmt_date, require_role, show_error


def reason_text(reason: str) -> str:
    key = refusal_key(reason)
    return t(key) if key else reason


def refusal(reasons: list[str], who: str) -> None:
    """A refusal, one line per reason, in the user's language."""
    st.error(f"**{t('assign.refused', who=who)}**\n\n" +
             "\n".join(f"- {reason_text(r)}" for r in reasons), icon=":material/block:")


def earlier_refusals(state_: dict[str, Any], names: dict[str, str]) -> None:
    for attempt in state_.get("rejected_assignments") or []:
        who = names.get(attempt.get("verifier_id", ""), attempt.get("verifier_id", ""))
        with st.expander(t("assign.earlier", who=who, date=fmt_date(attempt.get("at"))),
                         icon=":material/history:"):
            st.markdown("\n".join(f"- {reason_text(r)}" for r in attempt.get("reasons") or []))


def verifier_choice(v: dict[str, Any]) -> str:
    """How one verifier reads in the list: name, e-mail, verification body, accreditation."""
    body = v.get("verification_body_zh") if current_lang() == "zh" and \
        v.get("verification_body_zh") else v.get("verification_body")
    accredited = t("assign.accredited") if v.get("accredited") else t("assign.not_accredited")
    return f"{v.get('display_name') or v.get('email')} · {v.get('email', '')} · {body} " \
           f"({accredited})"


def verifier_picker(api: ApiClient) -> tuple[str, dict[str, str]]:
    """The verifier's id, chosen from the API's verifier directory (``GET /verifiers``); typed
    only when the directory cannot be read."""
    try:
        verifiers = api.verifiers()
    except ApiError:
        verifiers = []
    names = {v["id"]: verifier_choice(v) for v in verifiers}
    if names:
        st.caption(t("assign.directory", n=len(names)))
        chosen = st.selectbox(t("assign.verifier"), list(names), key="asg_verifier",
                              format_func=names.__getitem__)
        typed = st.text_input(t("assign.other_id"), key="asg_verifier_id",
                              help=t("assign.other_id_help")).strip()
        return typed or chosen, names
    st.caption(t("assign.no_directory"))
    return st.text_input(t("assign.verifier_id"), key="asg_verifier_id").strip(), names


def main() -> None:
    require_role("certifier")
    api = state.client()
    app = desk(api, "awaiting_assignment", "asg_choose", title=t("assign.title"), subtitle=t("assign.subtitle"),
               empty=t("assign.empty"))
    if app is None:
        return
    st.caption(t("assign.rules"))
    verifier_id, names = verifier_picker(api)
    if st.button(t("assign.submit"), type="primary", key="asg_submit",
                 disabled=not verifier_id, icon=":material/person_add:"):
        try:
            result = api.assign(app["id"], verifier_id)
        except ApiError as err:
            reasons = [str(e.get("message", "")) for e in err.errors
                       if e.get("path") == "verifier_id"]
            if err.status == 422 and reasons:
                refusal(reasons, names.get(verifier_id, verifier_id))
            else:
                show_error(err)
        else:
            st.success(t("assign.done", status=label("status", result.get("status"))),
                       icon=":material/task_alt:")
    process = load_process(api, app["id"])
    if process:
        earlier_refusals(process, names)


main()
