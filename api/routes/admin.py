"""Organisations, users and API keys. Administrators manage organisations and users; everyone
sees their own organisation and themselves; a person mints and revokes keys for machines."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request, Response

from api import policy, services_admin
from api.deps import (
    CurrentUser,
    PageDep,
    SessionDep,
    VisibleApiKey,
    VisibleOrganisation,
    VisibleUser,
)
from api.idempotency import IdempotencyDep
from api.openapi import problems_for
from api.pagination import paginate, sorts
from api.schemas_admin import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
    OrgKindName,
    RoleName,
    UserCreate,
    UserRead,
    UserUpdate,
)
from store import ApiKey, Organisation, User

router = APIRouter()
ORG_SORTS = sorts(Organisation, "created_at", "name")
USER_SORTS = sorts(User, "created_at", "email")
KEY_SORTS = sorts(ApiKey, "created_at")


def _sessions(request: Request) -> Any:
    return request.app.state.sessions


# --- organisations ----------------------------------------------------------------------------

@router.get("/organisations", response_model=list[OrganisationRead], tags=["organisations"],
            summary="List organisations (administrators: all; others: their own)")
def list_organisations(
    user: CurrentUser, session: SessionDep, page: PageDep, request: Request, response: Response,
    sort: Annotated[Literal["created_at", "-created_at", "name", "-name"], Query()] = "name",
    kind: Annotated[OrgKindName | None, Query()] = None,
    uscc: Annotated[str | None, Query(max_length=18)] = None,
) -> list[Organisation]:
    q = policy.organisations_query(user)
    if kind is not None:
        q = q.where(Organisation.kind == kind)
    if uscc is not None:
        q = q.where(Organisation.uscc == uscc.strip().upper())
    return paginate(session, q, ORG_SORTS[sort], limit=page.limit, cursor=page.cursor,
                    request=request, response=response)


@router.post("/organisations", response_model=OrganisationRead, status_code=201,
             tags=["organisations"], summary="Register an organisation (USCC checked)",
             responses=problems_for("conflict"))
def create_organisation(body: OrganisationCreate, user: CurrentUser, request: Request,
                        idem: IdempotencyDep) -> Any:
    return idem.run(body, lambda: services_admin.create_organisation(_sessions(request), user, body))


@router.get("/organisations/{org_id}", response_model=OrganisationRead, tags=["organisations"],
            summary="One organisation")
def get_organisation(org: VisibleOrganisation) -> Organisation:
    return org


@router.patch("/organisations/{org_id}", response_model=OrganisationRead, tags=["organisations"],
              summary="Change an organisation's name or accreditation")
def update_organisation(org: VisibleOrganisation, body: OrganisationUpdate, user: CurrentUser,
                        request: Request) -> OrganisationRead:
    return services_admin.update_organisation(_sessions(request), user, org.id, body)


# --- users ------------------------------------------------------------------------------------

@router.get("/users", response_model=list[UserRead], tags=["users"],
            summary="List users (administrators: all; others: themselves)")
def list_users(
    user: CurrentUser, session: SessionDep, page: PageDep, request: Request, response: Response,
    sort: Annotated[Literal["created_at", "-created_at", "email", "-email"], Query()] = "email",
    org_id: Annotated[str | None, Query(max_length=32)] = None,
    role: Annotated[RoleName | None, Query()] = None,
) -> list[User]:
    q = policy.users_query(user)
    if org_id is not None:
        q = q.where(User.org_id == org_id)
    if role is not None:  # roles is a JSON list; its text holds the quoted name
        q = q.where(sa.cast(User.roles, sa.String).like(f'%"{role}"%'))
    return paginate(session, q, USER_SORTS[sort], limit=page.limit, cursor=page.cursor,
                    request=request, response=response)


@router.post("/users", response_model=UserRead, status_code=201, tags=["users"],
             summary="Create a user", responses=problems_for("conflict"))
def create_user(body: UserCreate, user: CurrentUser, request: Request, idem: IdempotencyDep) -> Any:
    material = body.model_dump(exclude={"password"}) | {"password_sha": _sha(body.password)}
    return idem.run(material, lambda: services_admin.create_user(_sessions(request), user, body))


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


@router.get("/users/{user_id}", response_model=UserRead, tags=["users"], summary="One user")
def get_user(found: VisibleUser) -> User:
    return found


@router.patch("/users/{user_id}", response_model=UserRead, tags=["users"],
              summary="Change a user's name, roles or active flag",
              responses=problems_for("conflict"))
def update_user(found: VisibleUser, body: UserUpdate, user: CurrentUser,
                request: Request) -> UserRead:
    return services_admin.update_user(_sessions(request), user, found.id, body)


# --- API keys ---------------------------------------------------------------------------------

def known_scopes(request: Request) -> set[str]:
    out: set[str] = set()
    for e in policy.route_table(request.app):
        rule = policy.access_for(e.method, e.path, e.dependant)
        if rule is not None and not rule.public:
            out.add(policy.scope_for(e.method, e.path, rule))
    return out


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=201, tags=["api keys"],
             summary="Create an API key for a machine (the secret is shown once)")
def create_api_key(body: ApiKeyCreate, user: CurrentUser, request: Request,
                   idem: IdempotencyDep) -> Any:
    """The key acts as you, with at most your roles, and only the scopes named. Exchange it at
    POST /api/v1/auth/client-token. Only people (not keys) can create keys."""
    policy.ensure_person(user)
    return idem.run(body, lambda: services_admin.create_api_key(
        _sessions(request), user, body, known_scopes(request)))


@router.get("/api-keys", response_model=list[ApiKeyRead], tags=["api keys"],
            summary="My API keys (administrators: all)")
def list_api_keys(user: CurrentUser, session: SessionDep, page: PageDep, request: Request,
                  response: Response) -> list[ApiKey]:
    response.headers["X-Known-Scopes"] = " ".join(sorted(known_scopes(request)))
    return paginate(session, policy.api_keys_query(user), KEY_SORTS["-created_at"],
                    limit=page.limit, cursor=page.cursor, request=request, response=response)


@router.get("/api-keys/{key_id}", response_model=ApiKeyRead, tags=["api keys"],
            summary="One API key")
def get_api_key(key: VisibleApiKey) -> ApiKey:
    return key


@router.delete("/api-keys/{key_id}", response_model=ApiKeyRead, tags=["api keys"],
               summary="Revoke an API key (takes effect at once, also for issued tokens)")
def revoke_api_key(key: VisibleApiKey, user: CurrentUser, request: Request) -> ApiKeyRead:
    return services_admin.revoke_api_key(_sessions(request), user, key.id)
