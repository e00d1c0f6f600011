"""OAuth2 password flow for people: short-lived access tokens and refresh tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from sqlmodel import select

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.problems import Problem
from api.schemas import Me, RefreshRequest, TokenPair
from api.security import issue_token, read_token, verify_password
from store import Organisation, User

router = APIRouter(prefix="/auth", tags=["auth"])


def _pair(settings, user_id: str) -> TokenPair:  # noqa: ANN001
    access, ttl = issue_token(settings, user_id, "access")
    refresh, _ = issue_token(settings, user_id, "refresh")
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=ttl)


@router.post("/token", response_model=TokenPair)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, settings: SettingsDep
) -> TokenPair:
    user = session.exec(select(User).where(User.email == form.username.strip().lower())).first()
    if user is None or not user.is_active or not verify_password(user.password_hash, form.password):
        raise Problem("invalid-credentials")
    return _pair(settings, user.id)


@router.post("/refresh", response_model=TokenPair)
def refresh(body: RefreshRequest, session: SessionDep, settings: SettingsDep) -> TokenPair:
    claims = read_token(settings, body.refresh_token, "refresh")
    user = session.get(User, claims.user_id) if claims else None
    if user is None or not user.is_active:
        raise Problem("unauthenticated", "The refresh token is invalid or expired.",
                      "刷新令牌无效或已过期。")
    return _pair(settings, user.id)


@router.get("/me", response_model=Me)
def me(user: CurrentUser, session: SessionDep) -> Me:
    org = session.get(Organisation, user.org_id)
    return Me(id=user.id, email=user.email, display_name=user.display_name, roles=list(user.roles),
              org_id=user.org_id, org_name=org.name if org else "")
