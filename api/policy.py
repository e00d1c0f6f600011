"""Who may see and do what: the one place that decides. Routes never repeat ownership checks.

Two layers, both here:

1. **Route access** (``access_for``): for every route of /api/v1, which roles may call it, or
   that it is public. The API applies it to every request before the route runs (see
   ``deps.authorise``). A route is covered by an entry of ``ROUTES``, by a ``require_role(...)``
   dependency (whose roles are read from it), or by living under ``/public/``. A route with
   none of these is refused to everyone (fail closed) and fails the authorisation-matrix test.
   API keys additionally need the route's scope, ``<resource>:read`` for GET and
   ``<resource>:write`` otherwise (resource = first path segment).
2. **Visibility** (``*_query`` / ``*_for``): which records a principal may see. A record a
   principal may not see answers 404 (never 403), so ids of other tenants do not leak.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, or_, select

from api.problems import Problem
from store import (
    ApiKey,
    Application,
    AuditEntry,
    Certificate,
    Organisation,
    Product,
    Role,
    User,
)

API_PREFIX = "/api/v1"
VERIFIER_QUEUE = ("awaiting_verification",)
# The certification body sees an application from its submission on (document review,
# assignment, verification, decision, the certificate's life).
CERTIFIER_QUEUE = ("returned", "intake_review", "awaiting_assignment", "awaiting_verification",
                   "corrective_action", "awaiting_decision", "issuing", "certified", "refused",
                   "suspended", "revoked", "expired")

ALL_ROLES = frozenset(r.value for r in Role)
TENANT = frozenset({"exporter", "consultant"})
ADMIN = frozenset({"admin"})
# Everyone except the customs and subsidy offices, which use only the verification routes.
CASEWORK = frozenset({"exporter", "consultant", "verifier", "certifier", "admin"})
REVIEWERS = frozenset({"verifier", "certifier", "admin"})


@dataclass(frozen=True)
class Access:
    """Who may call a route. ``roles=None`` means public (no token needed)."""

    roles: frozenset[str] | None
    rate_limited: bool = False  # public verification: token bucket per client IP
    scope: str | None = None  # overrides the derived scope

    @property
    def public(self) -> bool:
        return self.roles is None


PUBLIC = Access(None)
PUBLIC_VERIFY = Access(None, rate_limited=True)

# (method, path below /api/v1) -> access. Routes of other modules may instead declare
# ``dependencies=[require_role(...)]``; the roles are read from that dependency.
ROUTES: dict[tuple[str, str], Access] = {
    # auth
    ("POST", "/auth/token"): PUBLIC,
    ("POST", "/auth/refresh"): PUBLIC,
    ("POST", "/auth/client-token"): PUBLIC,
    ("GET", "/auth/me"): Access(ALL_ROLES),
    ("POST", "/auth/password"): Access(ALL_ROLES),
    # API keys: a person mints keys for machines; a machine cannot mint keys (see deps)
    ("POST", "/api-keys"): Access(ALL_ROLES),
    ("GET", "/api-keys"): Access(ALL_ROLES),
    ("GET", "/api-keys/{key_id}"): Access(ALL_ROLES),
    ("DELETE", "/api-keys/{key_id}"): Access(ALL_ROLES),
    # organisations and users
    ("GET", "/organisations"): Access(ALL_ROLES),
    ("POST", "/organisations"): Access(ADMIN),
    ("GET", "/organisations/{org_id}"): Access(ALL_ROLES),
    ("PATCH", "/organisations/{org_id}"): Access(ADMIN),
    ("GET", "/users"): Access(ALL_ROLES),
    ("POST", "/users"): Access(ADMIN),
    ("GET", "/users/{user_id}"): Access(ALL_ROLES),
    ("PATCH", "/users/{user_id}"): Access(ADMIN),
    # products
    ("GET", "/products"): Access(TENANT | ADMIN),
    ("POST", "/products"): Access(TENANT),
    ("GET", "/products/{product_id}"): Access(TENANT | ADMIN),
    # applications and their records
    ("GET", "/applications"): Access(CASEWORK),
    ("POST", "/applications"): Access(TENANT),
    ("GET", "/applications/{application_id}"): Access(CASEWORK),
    ("GET", "/applications/{application_id}/history"): Access(CASEWORK),
    ("GET", "/applications/{application_id}/process"): Access(CASEWORK),  # api/routes/process.py
    ("POST", "/applications/{application_id}/dossier"): Access(TENANT),
    ("POST", "/applications/{application_id}/dossier/xlsx"): Access(TENANT),
    ("GET", "/applications/{application_id}/dossier/versions"): Access(CASEWORK),
    ("GET", "/applications/{application_id}/dossier/versions/{version}"): Access(CASEWORK),
    ("GET", "/applications/{application_id}/footprint"): Access(CASEWORK),
    ("GET", "/applications/{application_id}/findings"): Access(CASEWORK),
    ("GET", "/applications/{application_id}/evidence"): Access(CASEWORK),
    ("POST", "/applications/{application_id}/evidence"): Access(TENANT),
    ("GET", "/applications/{application_id}/evidence/{evidence_id}"): Access(CASEWORK),
    ("GET", "/applications/{application_id}/evidence/{evidence_id}/content"): Access(CASEWORK),
    ("GET", "/applications/{application_id}/reports/footprint.xlsx"): Access(CASEWORK),
    ("POST", "/applications/{application_id}/verification"): Access(frozenset({"verifier"})),
    ("POST", "/applications/{application_id}/decision"): Access(frozenset({"certifier"})),
    # certificates (the holder's and the certification body's view)
    ("GET", "/certificates"): Access(TENANT | frozenset({"certifier", "admin"})),
    ("GET", "/certificates/{number}"): Access(TENANT | frozenset({"certifier", "admin"})),
    ("GET", "/certificates/{number}/pdf"): Access(TENANT | frozenset({"certifier", "admin"})),
    ("GET", "/certificates/{number}/history"): Access(TENANT | frozenset({"certifier", "admin"})),
    # audit trail
    ("GET", "/audit"): Access(TENANT | frozenset({"certifier", "admin"})),
    # reference data
    ("GET", "/factor-sets"): Access(CASEWORK),
    ("POST", "/factor-sets"): Access(ADMIN),
    ("GET", "/factor-sets/{set_id}/{version}"): Access(CASEWORK),
    ("GET", "/rule-packs"): Access(CASEWORK),
    ("GET", "/rule-packs/{name}"): Access(CASEWORK),
    ("GET", "/templates/dossier.xlsx"): Access(CASEWORK),
    # reports
    ("GET", "/reports/portfolio.xlsx"): Access(TENANT | ADMIN),
    # the portal's reads (api/routes/extras.py)
    ("GET", "/verifiers"): Access(frozenset({"certifier", "admin"})),
    ("GET", "/applications/{application_id}/evidence/{evidence_id}/extraction"): Access(CASEWORK),
    ("GET", "/applications/{application_id}/evidence/{evidence_id}/pages/{page}"):
        Access(CASEWORK),
    ("GET", "/certificates/{number}/label.svg"): Access(TENANT | frozenset({"certifier", "admin"})),
    ("GET", "/certificates/{number}/label.png"): Access(TENANT | frozenset({"certifier", "admin"})),
    ("GET", "/applications/{application_id}/cbam"): Access(CASEWORK),
    ("GET", "/applications/{application_id}/cbam/communication.xlsx"): Access(CASEWORK),
}


def route_roles_marker(dependencies: Iterable[Any]) -> frozenset[str] | None:
    """Roles declared by a ``require_role(...)`` dependency among ``dependencies``."""
    for dep in dependencies:
        roles = getattr(getattr(dep, "call", None), "__tanpass_roles__", None)
        if roles is not None:
            return frozenset(roles)
        found = route_roles_marker(getattr(dep, "dependencies", ()))
        if found is not None:
            return found
    return None


def access_for(method: str, path: str, dependant: Any = None) -> Access | None:
    """The access rule of ``method path`` (path below /api/v1, as templated), or None."""
    rel = path[len(API_PREFIX):] if path.startswith(API_PREFIX) else path
    rule = ROUTES.get((method.upper(), rel))
    if rule is not None:
        return rule
    if dependant is not None:
        roles = route_roles_marker(dependant.dependencies)
        if roles is not None:
            return Access(roles)
    if rel.startswith("/public/"):
        return PUBLIC_VERIFY
    return None


def scope_for(method: str, path: str, rule: Access) -> str:
    if rule.scope:
        return rule.scope
    rel = path[len(API_PREFIX):] if path.startswith(API_PREFIX) else path
    resource = rel.strip("/").split("/", 1)[0] or "root"
    return f"{resource}:{'read' if method.upper() in ('GET', 'HEAD') else 'write'}"


# --- visibility -----------------------------------------------------------------------------


def _not_found(kind: str) -> Problem:
    return Problem("not-found", f"No such {kind}.", "未找到该记录。")


def has(user: Any, *roles: str) -> bool:
    return bool(set(user.roles) & set(roles))


def tenant_of(user: Any) -> str:
    """The organisation whose records an exporter or consultant works on."""
    return getattr(user, "tenant_org_id", None) or user.org_id


def applications_query(user: Any):  # noqa: ANN201 - a SQLAlchemy select
    q = select(Application)
    if has(user, "admin"):
        return q
    clauses = []
    if has(user, "exporter", "consultant"):
        clauses.append(Application.org_id == tenant_of(user))
    if has(user, "verifier"):
        # A verifier sees the applications assigned to them (an active assignment), from the
        # assignment on; VERIFIER_QUEUE is where their work is waiting.
        from store import VerifierAssignment

        assigned = select(VerifierAssignment.application_id).where(
            VerifierAssignment.verifier_id == user.id, VerifierAssignment.status == "active")
        clauses.append(Application.id.in_(assigned))  # type: ignore[attr-defined]
    if has(user, "certifier"):
        clauses.append(Application.status.in_(CERTIFIER_QUEUE))  # type: ignore[attr-defined]
    if not clauses:
        return q.where(Application.id == None)  # noqa: E711 - matches nothing
    return q.where(or_(*clauses))


def application_for(session: Session, user: Any, application_id: str) -> Application:
    app = session.exec(applications_query(user).where(Application.id == application_id)).first()
    if app is None:
        raise _not_found("application")
    return app


def products_query(user: Any):  # noqa: ANN201
    q = select(Product)
    if has(user, "admin"):
        return q
    if has(user, "exporter", "consultant"):
        return q.where(Product.org_id == tenant_of(user))
    return q.where(Product.id == None)  # noqa: E711


def product_for(session: Session, user: Any, product_id: str) -> Product:
    product = session.exec(products_query(user).where(Product.id == product_id)).first()
    if product is None:
        raise _not_found("product")
    return product


def certificates_query(user: Any):  # noqa: ANN201
    q = select(Certificate)
    if has(user, "admin", "certifier"):
        return q
    if has(user, "exporter", "consultant"):
        return q.where(Certificate.org_id == tenant_of(user))
    return q.where(Certificate.id == None)  # noqa: E711


def certificate_for(session: Session, user: Any, number: str) -> Certificate:
    cert = session.exec(certificates_query(user).where(Certificate.number == number)).first()
    if cert is None:
        raise _not_found("certificate")
    return cert


def organisations_query(user: Any):  # noqa: ANN201
    q = select(Organisation)
    if has(user, "admin"):
        return q
    return q.where(Organisation.id.in_({user.org_id, tenant_of(user)}))  # type: ignore[attr-defined]


def organisation_for(session: Session, user: Any, org_id: str) -> Organisation:
    org = session.exec(organisations_query(user).where(Organisation.id == org_id)).first()
    if org is None:
        raise _not_found("organisation")
    return org


def users_query(user: Any):  # noqa: ANN201
    q = select(User)
    if has(user, "admin"):
        return q
    return q.where(User.id == user.id)


def user_for(session: Session, user: Any, user_id: str) -> User:
    found = session.exec(users_query(user).where(User.id == user_id)).first()
    if found is None:
        raise _not_found("user")
    return found


def verifiers_query(user: Any):  # noqa: ANN201
    """Verifiers a certification officer may choose: active users with the verifier role in an
    accredited verification body (conflicts of interest are judged at assignment)."""
    import sqlalchemy as sa

    if not has(user, "certifier", "admin"):
        return select(User).where(User.id == None)  # noqa: E711
    bodies = select(Organisation.id).where(Organisation.kind == "verification_body",
                                           Organisation.accredited == True)  # noqa: E712
    return select(User).where(
        User.is_active == True,  # noqa: E712
        User.org_id.in_(bodies),  # type: ignore[attr-defined]
        sa.cast(User.roles, sa.String).like('%"verifier"%'))


def api_keys_query(user: Any):  # noqa: ANN201
    q = select(ApiKey)
    if has(user, "admin"):
        return q
    return q.where(ApiKey.owner_id == user.id)


def api_key_for(session: Session, user: Any, key_id: str) -> ApiKey:
    key = session.exec(api_keys_query(user).where(ApiKey.id == key_id)).first()
    if key is None:
        raise _not_found("API key")
    return key


def audit_query(user: Any):  # noqa: ANN201
    """Admins and certification officers read the whole trail; an exporter or consultant the
    entries about its own organisation's applications, products and certificates."""
    q = select(AuditEntry)
    if has(user, "admin", "certifier"):
        return q
    if has(user, "exporter", "consultant"):
        org = tenant_of(user)
        apps = select(Application.id).where(Application.org_id == org)
        products = select(Product.id).where(Product.org_id == org)
        certs = select(Certificate.id).where(Certificate.org_id == org)
        return q.where(or_(
            (AuditEntry.entity_type == "application") & AuditEntry.entity_id.in_(apps),  # type: ignore[attr-defined]
            (AuditEntry.entity_type == "product") & AuditEntry.entity_id.in_(products),  # type: ignore[attr-defined]
            (AuditEntry.entity_type == "certificate") & AuditEntry.entity_id.in_(certs),  # type: ignore[attr-defined]
        ))
    return q.where(AuditEntry.seq == None)  # noqa: E711


# Path parameters that name a record: every non-public route has them checked here before it
# runs, whatever its own dependencies are (so a route that needs the process engine still
# answers 404 for another tenant's id, never 503 or anything that could tell it exists).
PATH_GUARDS = {
    "application_id": application_for,
    "product_id": product_for,
    "number": lambda s, u, v: certificate_for(s, u, v.strip().upper()),
    "org_id": organisation_for,
    "user_id": user_for,
    "key_id": api_key_for,
}


def ensure_accredited_verifier(session: Session, user: Any) -> None:
    """Only verifiers of an accredited verification body may give an opinion."""
    org = session.get(Organisation, user.org_id)
    if org is None or org.kind != "verification_body" or not org.accredited:
        raise Problem("forbidden", "Only verifiers of an accredited verification body may verify.",
                      "只有获认可的核查机构的核查员可以核查。")


def ensure_person(user: Any) -> None:
    """Some acts need a person, not a machine (minting keys, changing a password)."""
    if getattr(user, "api_key_id", None):
        raise Problem("forbidden", "An API key cannot do this; sign in as a person.",
                      "API 密钥不能执行此操作，请以个人身份登录。")


# --- the app's route table ----------------------------------------------------------------------


@dataclass(frozen=True)
class RouteEntry:
    method: str
    path: str  # full, templated: /api/v1/products/{product_id}
    route: Any  # the APIRoute as declared
    dependant: Any  # its dependencies (the route's own: require_role markers live here)


def route_table(app: Any) -> list[RouteEntry]:
    """Every (method, path) the app serves through FastAPI routes, flattened."""
    from fastapi.routing import APIRoute, iter_route_contexts

    out = []
    for rc in iter_route_contexts(app.routes):
        original = rc.original_route
        if not isinstance(original, APIRoute):
            continue
        for method in sorted(rc.methods or ()):
            out.append(RouteEntry(method, rc.path_format or original.path_format, original,
                                  original.dependant))
    return out


def route_index(app: Any) -> dict[tuple[int, str], RouteEntry]:
    """(id of the declared route, method) -> entry; cached on the app's state."""
    index = getattr(app.state, "route_index", None)
    if index is None:
        index = {(id(e.route), e.method): e for e in route_table(app)}
        app.state.route_index = index
    return index
