"""Per-browser-session state: language, tokens, the signed-in user, and the API client."""

from __future__ import annotations

from typing import Any

import streamlit as st

from config import get_settings
from portal.api_client import ApiClient, Tokens, shared_http
from portal.i18n import DEFAULT_LANG, LANGS

K_LANG, K_TOKENS, K_ME = "lang", "tokens", "me"


def init_lang() -> str:
    """Language from the session, else from ``?lang=`` (labels may link with it), else zh."""
    if K_LANG not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANG)
        st.session_state[K_LANG] = wanted if wanted in LANGS else DEFAULT_LANG
    return str(st.session_state[K_LANG])


def client() -> ApiClient:
    tokens: Tokens | None = st.session_state.get(K_TOKENS)
    http = shared_http(get_settings().api_base_url)
    return ApiClient(http, lang=st.session_state.get(K_LANG, DEFAULT_LANG), tokens=tokens)


def me() -> dict[str, Any] | None:
    return st.session_state.get(K_ME)


def roles() -> set[str]:
    user = me()
    return set(user.get("roles", [])) if user else set()


def signed_in() -> bool:
    return me() is not None and st.session_state.get(K_TOKENS) is not None


def sign_in(email: str, password: str) -> dict[str, Any]:
    """Log in and load the profile; raises :class:`portal.api_client.ApiError`."""
    api = client()
    tokens = api.login(email.strip(), password)
    profile = api.me()
    st.session_state[K_TOKENS] = tokens
    st.session_state[K_ME] = profile
    return profile


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        if key != K_LANG:
            del st.session_state[key]
