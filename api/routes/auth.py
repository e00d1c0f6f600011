"""Sign-in: OAuth2 password flow for people (short-lived access token + refresh token),
client credentials for machines (an API key exchanged for a short-lived access token)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials, OAuth2PasswordRequestForm
from sqlmodel import select

from api import policy
from api.deps import ApiSettingsDep, CurrentUser, SessionDep, SettingsDep
from api.openapi import problems_for
from api.problems import Problem
from api.schemas import ClientToken, Me, RefreshRequest, TokenPair
from api.schemas_admin import PasswordChange
from api.security import (
    burn_password_check,
    hash_password,
    issue_token,
    key_secret_matches,
    read_token,
    session_version,
    verify_password,
)
from api.throttle import (
    check_login_allowed,
    client_ip,
    record_login_failure,
    record_login_success,
)
from config import Settings
from store import ApiKey, Organisation, User, transaction, utcnow

router = APIRouter(prefix="/auth", tags=["auth"])
basic = HTTPBasic(auto_error=False, description="client_id:client_secret (RFC 6749 2.3.1)")


def _pair(settings: Settings, user: User) -> TokenPair:
    sv = session_version(user.password_hash)
    access, ttl = issue_token(settings, user.id, "access", session_version=sv)
    refresh, _ = issue_token(settings, user.id, "refresh", session_version=sv)
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=ttl)


@router.post("/token", response_model=TokenPair, summary="Sign in (OAuth2 password flow)",
             responses=problems_for("invalid-credentials", "login-throttled", "validation"))
def login(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep,
    settings: SettingsDep, limits: ApiSettingsDep,
) -> TokenPair:
    """Exchange e-mail and password for an access token (15 min) and a refresh token.
    Failed attempts are throttled per account and per IP address (429 with Retry-After)."""
    email = form.username.strip().lower()[:254]
    sessions = request.app.state.sessions
    keys = [f"account:{email}", f"ip:{client_ip(request.client)}"]
    check_login_allowed(sessions, keys)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        burn_password_check(form.password)
    if user is None or not user.is_active or not verify_password(user.password_hash, form.password):
        record_login_failure(sessions, keys, limits)
        raise Problem("invalid-credentials", "Wrong e-mail or password.", "邮箱或密码错误。")
    record_login_success(sessions, keys[0])
    return _pair(settings, user)


@router.post("/refresh", response_model=TokenPair, summary="Refresh a session",
             responses=problems_for("unauthenticated", "validation"))
def refresh(body: RefreshRequest, session: SessionDep, settings: SettingsDep) -> TokenPair:
    """A new token pair for a valid refresh token (ended by a password change)."""
    claims = read_token(settings, body.refresh_token, "refresh")
    user = session.get(User, claims.user_id) if claims else None
    if (claims is None or user is None or not user.is_active
            or claims.session_version != session_version(user.password_hash)):
        raise Problem("unauthenticated", "The refresh token is invalid or expired.",
                      "刷新令牌无效或已过期。")
    return _pair(settings, user)


@router.post("/client-token", response_model=ClientToken,
             summary="Machine sign-in (OAuth2 client credentials)",
             responses=problems_for("invalid-client", "login-throttled", "validation"))
def client_token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    limits: ApiSettingsDep,
    credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)],
    grant_type: Annotated[str, Form(pattern="^client_credentials$")],
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=256)] = None,
    scope: Annotated[str | None, Form(max_length=2000,
                                      description="Space-separated subset of the key's scopes")] = None,
) -> ClientToken:
    """Exchange an API key (client id and secret, in the form or by HTTP Basic) for an access
    token acting as the key's owner, limited to the key's roles and scopes."""
    if credentials is not None:
        client_id, client_secret = credentials.username, credentials.password
    client_id = (client_id or "").strip()[:64]
    sessions = request.app.state.sessions
    keys = [f"client:{client_id}", f"ip:{client_ip(request.client)}"]
    check_login_allowed(sessions, keys)
    key = session.get(ApiKey, client_id) if client_id else None
    owner = session.get(User, key.owner_id) if key else None
    now = utcnow()
    ok = (key is not None and owner is not None and owner.is_active and key.revoked_at is None
          and (key.expires_at is None or key.expires_at > now)
          and key_secret_matches(client_secret or "", key.secret_hash))
    if not ok:
        record_login_failure(sessions, keys, limits)
        raise Problem("invalid-client", "Unknown client, wrong secret, or a revoked key.",
                      "客户端不存在、密钥错误或已被撤销。", error="invalid_client",
                      headers={"WWW-Authenticate": 'Basic realm="tanpass"'})
    assert key is not None and owner is not None
    granted = list(key.scopes)
    if scope:
        asked = scope.split()
        unknown = [s for s in asked if s not in key.scopes]
        if unknown:
            raise Problem("validation", "The key does not hold every scope asked for.",
                          "密钥不具备所请求的全部权限范围。", error="invalid_scope",
                          errors=[{"path": "body/scope", "message": f"not granted: {' '.join(unknown)}",
                                   "code": "invalid_scope"}])
        granted = asked
    record_login_success(sessions, keys[0])
    with transaction(sessions) as s:
        row = s.get(ApiKey, key.id)
        if row is not None:
            row.last_used_at = now
            s.add(row)
    token, ttl = issue_token(settings, owner.id, "access", key_id=key.id,
                             ttl=timedelta(minutes=limits.client_token_minutes))
    return ClientToken(access_token=token, expires_in=ttl, scope=" ".join(granted))


@router.get("/me", response_model=Me, summary="Who am I",
            responses=problems_for("unauthenticated"))
def me(user: CurrentUser, session: SessionDep) -> Me:
    org = session.get(Organisation, user.org_id)
    return Me(id=user.id, email=user.email, display_name=user.display_name, roles=list(user.roles),
              org_id=user.org_id, org_name=org.name if org else "")


@router.post("/password", response_model=TokenPair, summary="Change my password",
             responses=problems_for("unauthenticated", "forbidden", "invalid-credentials",
                                    "login-throttled", "validation"))
def change_password(request: Request, body: PasswordChange, user: CurrentUser,
                    settings: SettingsDep, limits: ApiSettingsDep) -> TokenPair:
    """Every earlier token (access and refresh) stops working; the answer is a new pair."""
    policy.ensure_person(user)
    sessions = request.app.state.sessions
    keys = [f"account:{user.email}"]
    check_login_allowed(sessions, keys)
    with transaction(sessions) as s:
        row = s.get(User, user.id)
        assert row is not None
        if not verify_password(row.password_hash, body.current_password):
            ok = False
        else:
            ok = True
            row.password_hash = hash_password(body.new_password)
            s.add(row)
    if not ok:
        record_login_failure(sessions, keys, limits)
        raise Problem("invalid-credentials", "The current password is wrong.", "当前密码错误。")
    assert row is not None
    return _pair(settings, row)
