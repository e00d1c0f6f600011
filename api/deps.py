"""Dependency aliases for routes: sessions, the current principal, roles, the Temporal client."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session
from temporalio.client import Client

from api.problems import Problem
from api.security import read_token
from config import Settings, get_settings
from store import User

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def current_user(
    session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> User:
    if not token:
        raise Problem("unauthenticated", "Send a bearer token.", "请提供访问令牌。",
                      headers={"WWW-Authenticate": "Bearer"})
    claims = read_token(settings, token, "access")
    user = session.get(User, claims.user_id) if claims else None
    if user is None or not user.is_active:
        raise Problem("unauthenticated", "The token is invalid or expired.", "令牌无效或已过期。",
                      headers={"WWW-Authenticate": "Bearer"})
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_role(*roles: str):  # noqa: ANN201 - FastAPI dependency factory
    def check(user: CurrentUser) -> User:
        if not set(user.roles) & set(roles):
            raise Problem("forbidden", f"This needs one of the roles: {', '.join(roles)}.",
                          f"需要以下角色之一：{', '.join(roles)}。")
        return user

    return Depends(check)


_temporal_lock = asyncio.Lock()


async def get_temporal(request: Request) -> Client:
    state = request.app.state
    if getattr(state, "temporal", None) is None:
        async with _temporal_lock:
            if getattr(state, "temporal", None) is None:
                settings = get_settings()
                try:
                    state.temporal = await Client.connect(
                        settings.temporal_address, namespace=settings.temporal_namespace
                    )
                except Exception as exc:
                    raise Problem("unavailable", "The process engine is not reachable.",
                                  "流程引擎无法连接。") from exc
    return state.temporal


TemporalDep = Annotated[Client, Depends(get_temporal)]
