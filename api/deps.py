"""Dependency aliases for routes: sessions, the current principal, access checks, records in
the path (already checked by the policy), idempotency, paging, the Temporal client."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, NamedTuple, TypeVar

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client

from api import policy
from api.principals import resolve_principal
from api.problems import Problem
from api.security import Principal
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
)
from store.reads import LoopReader

log = logging.getLogger("tanpass.api")
T = TypeVar("T")
oauth2 = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token", auto_error=False,
    scheme_name="OAuth2",
    description="People: OAuth2 password flow at /api/v1/auth/token. Machines: exchange an API "
    "key at /api/v1/auth/client-token (client credentials) for the same kind of bearer token.",
)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's ORM session: the one ``authorise`` opened to look up the records named in
    the path, if it did (so the route gets those records attached to its session), else a new
    one. Opening a session does no I/O (it connects on first use), so this runs on the event
    loop; closing one that holds a connection rolls back on it, which is I/O, so that happens
    in a worker thread (a sync dependency with ``yield`` costs a thread hop on entry and another
    on exit)."""
    session = getattr(request.state, "session", None) or request.app.state.sessions()
    request.state.session = None
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


async def short_read(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """``fn(source, *args)``, a read of a few rows by index in single statements
    (``store.reads``): on SQLite on the event loop with the loop's own connection (a local
    file: tens of microseconds, less than a thread hop and the GIL hand-offs it brings), on
    PostgreSQL in a worker thread with the engine's pool (a network round trip must not block
    the loop). docs/api-performance.md."""
    state = request.app.state
    reader = getattr(state, "loop_reader", None)
    if reader is not None:
        return fn(reader, *args)
    return await run_in_threadpool(fn, state.engine, *args)


async def discard_session(request: Request) -> None:
    """Close the session ``authorise`` opened if the request failed before ``get_session`` took
    it over (called by the problem handlers, ``api.problems.install``)."""
    session = getattr(request.state, "session", None)
    if session is not None:
        request.state.session = None
        await run_in_threadpool(session.close)


async def _settings() -> Settings:
    return get_settings()


async def _api_settings() -> ApiSettings:
    return get_api_settings()


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(_settings)]
ApiSettingsDep = Annotated[ApiSettings, Depends(_api_settings)]
TokenDep = Annotated[str | None, Depends(oauth2)]


def _no_token() -> Problem:
    return Problem("unauthenticated", "Send a bearer token.", "请提供访问令牌。",
                   headers={"WWW-Authenticate": "Bearer"})


async def current_user(request: Request, token: TokenDep) -> Principal:
    """The request's principal: checked once per request (by ``authorise`` for every /api/v1
    route), then taken from ``request.state``."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    if not token:
        raise _no_token()
    principal = await run_in_threadpool(resolve_principal, request.app.state.engine,
                                        get_settings(), token)
    request.state.principal = principal
    return principal


CurrentUser = Annotated[Principal, Depends(current_user)]
CurrentPrincipal = CurrentUser


class _Rule(NamedTuple):
    path: str  # templated
    access: policy.Access | None
    uses_session: bool  # the route (or one of its dependencies) takes SessionDep


def _uses_session(dependant: Any) -> bool:
    return getattr(dependant, "call", None) is get_session or any(
        _uses_session(d) for d in getattr(dependant, "dependencies", ()))


def _rule(request: Request) -> _Rule:
    """The route's rule, worked out once per route (policy.route_index is rebuilt when a route
    appears after it was built, and this memo with it)."""
    route = request.scope.get("route")
    key = (id(route), request.method)
    state = request.app.state
    memo: dict[tuple[int, str], _Rule] | None = getattr(state, "access_memo", None)
    if memo is not None and key in memo:
        return memo[key]
    entry = policy.route_index(request.app).get(key)
    if entry is None:  # a route added after the index was built
        state.route_index = None
        state.access_memo = None
        entry = policy.route_index(request.app).get(key)
    if entry is None:
        return _Rule(request.url.path, None, False)
    found = _Rule(entry.path, policy.access_for(request.method, entry.path, entry.dependant),
                  _uses_session(getattr(route, "dependant", None)))
    if memo is None:
        memo = state.access_memo = {}
    memo[key] = found
    return found


async def authorise(request: Request, token: TokenDep) -> None:
    """Applied to every /api/v1 route before it runs: the route's access rule from the policy
    (fail closed when it has none), the rate limit of public routes, roles and key scopes, and
    the records named in the path (404 when not visible). What needs the database runs in one
    call of ``_check``: in a worker thread when there are path records (ORM queries), else as
    a ``short_read`` (the principal alone: one primary-key select). The rest runs on the event
    loop. A session is opened only for path records, and handed to the route
    (``get_session``)."""
    rule = _rule(request)
    if rule.access is None:
        log.error("route %s %s has no access rule in api.policy: refused", request.method,
                  rule.path)
        raise Problem("forbidden", "This route has no access rule yet.", "此路由尚无访问规则。")
    if rule.access.public:
        if rule.access.rate_limited:
            wait = request.app.state.public_bucket.take(client_ip(request.client))
            if wait > 0:
                raise rate_limited(wait)
        return
    principal = getattr(request.state, "principal", None)
    if principal is None and not token:
        raise _no_token()
    guarded = [(name, guard, str(value)) for name, value in request.path_params.items()
               if (guard := policy.PATH_GUARDS.get(name)) is not None]
    if principal is not None and not guarded:
        _allowed(principal, rule, request.method)
        request.state.visible = {}
        return
    if guarded:  # ORM queries, maybe several: a worker thread
        principal, visible, session = await run_in_threadpool(
            _check, request.app.state.engine, request, token, principal, rule, guarded)
    else:
        principal, visible, session = await short_read(request, _check, request, token,
                                                       principal, rule, guarded)
    request.state.principal = principal
    request.state.visible = visible
    request.state.session = session


def _check(source: Engine | LoopReader, request: Request, token: str | None,
           principal: Principal | None, rule: _Rule, guarded: list[tuple[str, Any, str]]
           ) -> tuple[Principal, dict[str, Any], Session | None]:
    """Blocking: 401 (principal, read from ``source``), 403 (role, scope), then 404 (path
    records)."""
    if principal is None:
        assert token
        principal = resolve_principal(source, get_settings(), token)
    _allowed(principal, rule, request.method)
    if not guarded:
        return principal, {}, None
    session = request.app.state.sessions()
    try:
        visible = {name: guard(session, principal, value) for name, guard, value in guarded}
    except BaseException:
        session.close()
        raise
    if not rule.uses_session:  # nobody would close it: the route never sees these records
        session.close()
        return principal, visible, None
    return principal, visible, session


def _allowed(principal: Principal, rule: _Rule, method: str) -> None:
    access = rule.access
    assert access is not None and access.roles is not None
    if not set(principal.roles) & access.roles:
        raise Problem("forbidden", f"This needs one of the roles: {', '.join(sorted(access.roles))}.",
                      f"需要以下角色之一：{', '.join(sorted(access.roles))}。")
    if principal.scopes is not None:
        _check_scope(principal, policy.scope_for(method, rule.path, access))


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

    async def check(request: Request) -> Principal:
        user = getattr(request.state, "principal", None)  # set by authorise, which ran first
        if user is None:
            user = await current_user(request, await oauth2(request))
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
