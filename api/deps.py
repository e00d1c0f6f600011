"""Dependency aliases for routes: sessions, the current principal, access checks, records in
the path (already checked by the policy), idempotency, paging, the Temporal client."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session
from temporalio.client import Client

from api import policy
from api.problems import Problem
from api.security import Principal, read_token, session_version
from api.settings import ApiSettings, get_api_settings
from api.throttle import client_ip, rate_limited
from config import Settings, get_settings
from store import (
    ApiKey,
    Application,
    Certificate,
    Organisation,
    Product,
    User,
    utcnow,
)

log = logging.getLogger("tanpass.api")
oauth2 = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token", auto_error=False,
    scheme_name="OAuth2",
    description="People: OAuth2 password flow at /api/v1/auth/token. Machines: exchange an API "
    "key at /api/v1/auth/client-token (client credentials) for the same kind of bearer token.",
)


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ApiSettingsDep = Annotated[ApiSettings, Depends(get_api_settings)]


def _unauthenticated(detail_en: str = "The token is invalid or expired.",
                     detail_zh: str = "令牌无效或已过期。") -> Problem:
    return Problem("unauthenticated", detail_en, detail_zh,
                   headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def resolve_principal(session: Session, settings: Settings, token: str) -> Principal:
    claims = read_token(settings, token, "access")
    user = session.get(User, claims.user_id) if claims else None
    if claims is None or user is None or not user.is_active:
        raise _unauthenticated()
    roles = tuple(str(r) for r in user.roles)
    scopes: frozenset[str] | None = None
    if claims.key_id:
        key = session.get(ApiKey, claims.key_id)
        now = utcnow()
        if (key is None or key.owner_id != user.id or key.revoked_at is not None
                or (key.expires_at is not None and key.expires_at <= now)):
            raise _unauthenticated("The API key was revoked or has expired.",
                                   "API 密钥已被撤销或已过期。")
        roles = tuple(r for r in key.roles if r in roles)
        scopes = frozenset(key.scopes)
    elif claims.session_version != session_version(user.password_hash):
        raise _unauthenticated("The password changed since this token was issued.",
                               "签发此令牌后密码已更改。")
    tenant = user.org_id
    if "consultant" in roles:
        org = session.get(Organisation, user.org_id)
        tenant = (org.consultant_for_org_id if org else None) or user.org_id
    return Principal(id=user.id, org_id=user.org_id, tenant_org_id=tenant, roles=roles,
                     email=user.email, display_name=user.display_name,
                     api_key_id=claims.key_id, scopes=scopes)


def current_user(
    request: Request, session: SessionDep, settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2)],
) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    if not token:
        raise Problem("unauthenticated", "Send a bearer token.", "请提供访问令牌。",
                      headers={"WWW-Authenticate": "Bearer"})
    principal = resolve_principal(session, settings, token)
    request.state.principal = principal
    return principal


CurrentUser = Annotated[Principal, Depends(current_user)]
CurrentPrincipal = CurrentUser


def authorise(request: Request, session: SessionDep, settings: SettingsDep,
              token: Annotated[str | None, Depends(oauth2)]) -> None:
    """Applied to every /api/v1 route before it runs: the route's access rule from the policy
    (fail closed when it has none), the rate limit of public routes, roles and key scopes."""
    route = request.scope.get("route")
    entry = policy.route_index(request.app).get((id(route), request.method))
    if entry is None:  # a route added after the index was built
        request.app.state.route_index = None
        entry = policy.route_index(request.app).get((id(route), request.method))
    path = entry.path if entry else request.url.path
    rule = policy.access_for(request.method, path, entry.dependant) if entry else None
    if rule is None:
        log.error("route %s %s has no access rule in api.policy: refused", request.method, path)
        raise Problem("forbidden", "This route has no access rule yet.", "此路由尚无访问规则。")
    if rule.public:
        if rule.rate_limited:
            wait = request.app.state.public_bucket.take(client_ip(request.client))
            if wait > 0:
                raise rate_limited(wait)
        return
    principal = current_user(request, session, settings, token)
    if rule.roles is not None and not set(principal.roles) & rule.roles:
        raise Problem("forbidden", f"This needs one of the roles: {', '.join(sorted(rule.roles))}.",
                      f"需要以下角色之一：{', '.join(sorted(rule.roles))}。")
    if principal.scopes is not None:
        scope = policy.scope_for(request.method, path, rule)
        _check_scope(principal, scope)
    visible = {}
    for name, value in request.path_params.items():
        guard = policy.PATH_GUARDS.get(name)
        if guard is not None:
            visible[name] = guard(session, principal, str(value))
    request.state.visible = visible


def _check_scope(principal: Principal, scope: str) -> None:
    if principal.scopes is not None:
        if scope not in principal.scopes:
            raise Problem("insufficient-scope", f"The API key needs the scope {scope}.",
                          f"API 密钥需要权限范围 {scope}。",
                          headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", '
                                                       f'scope="{scope}"'},
                          required_scope=scope)


def require_role(*roles: str):  # noqa: ANN201 - FastAPI dependency factory
    """A route dependency stating the roles that may call it. The policy reads the roles from
    it (``check.__tanpass_roles__``), so a route declared this way needs no ROUTES entry."""

    def check(user: CurrentUser) -> Principal:
        if not set(user.roles) & set(roles):
            raise Problem("forbidden", f"This needs one of the roles: {', '.join(roles)}.",
                          f"需要以下角色之一：{', '.join(roles)}。")
        return user

    check.__tanpass_roles__ = tuple(roles)  # type: ignore[attr-defined]
    return Depends(check)


# --- records named in the path, already checked by the policy (404 when not visible) -------

def _visible(request: Request, name: str, value: str, user: Principal, session: Session) -> Any:
    """The record ``authorise`` found for path parameter ``name`` (checked again if absent)."""
    found = getattr(request.state, "visible", {}).get(name)
    if found is not None:
        return found
    return policy.PATH_GUARDS[name](session, user, value)


def _application(request: Request, application_id: str, user: CurrentUser,
                 session: SessionDep) -> Application:
    return _visible(request, "application_id", application_id, user, session)


def _product(request: Request, product_id: str, user: CurrentUser, session: SessionDep) -> Product:
    return _visible(request, "product_id", product_id, user, session)


def _certificate(request: Request, number: str, user: CurrentUser,
                 session: SessionDep) -> Certificate:
    return _visible(request, "number", number, user, session)


def _organisation(request: Request, org_id: str, user: CurrentUser,
                  session: SessionDep) -> Organisation:
    return _visible(request, "org_id", org_id, user, session)


def _user(request: Request, user_id: str, user: CurrentUser, session: SessionDep) -> User:
    return _visible(request, "user_id", user_id, user, session)


def _api_key(request: Request, key_id: str, user: CurrentUser, session: SessionDep) -> ApiKey:
    return _visible(request, "key_id", key_id, user, session)


VisibleApplication = Annotated[Application, Depends(_application)]
VisibleProduct = Annotated[Product, Depends(_product)]
VisibleCertificate = Annotated[Certificate, Depends(_certificate)]
VisibleOrganisation = Annotated[Organisation, Depends(_organisation)]
VisibleUser = Annotated[User, Depends(_user)]
VisibleApiKey = Annotated[ApiKey, Depends(_api_key)]


# --- paging -----------------------------------------------------------------------------------

class PageParams:
    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=200, description="Items per page (1-200).")] = 50,
        cursor: Annotated[str | None, Query(
            max_length=512, description="Opaque cursor from the previous page's `Link: rel=next` "
            "header or `X-Next-Cursor`.")] = None,
    ) -> None:
        self.limit = limit
        self.cursor = cursor


PageDep = Annotated[PageParams, Depends()]


# --- the process engine -----------------------------------------------------------------------

_temporal_lock = asyncio.Lock()


async def get_temporal(request: Request) -> Client:
    state = request.app.state
    if getattr(state, "temporal", None) is None:
        async with _temporal_lock:
            if getattr(state, "temporal", None) is None:
                settings = get_settings()
                try:
                    state.temporal = await asyncio.wait_for(Client.connect(
                        settings.temporal_address, namespace=settings.temporal_namespace
                    ), timeout=10)
                except Exception as exc:
                    raise Problem("unavailable", "The process engine is not reachable.",
                                  "流程引擎无法连接。", headers={"Retry-After": "30"}) from exc
    return state.temporal


TemporalDep = Annotated[Client, Depends(get_temporal)]
