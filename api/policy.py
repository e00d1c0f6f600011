"""Who may see and do what: the one place that decides. Routes never repeat ownership checks.

A resource a principal may not see answers 404 (never 403), so ids of other tenants do not leak.
"""

from __future__ import annotations

from sqlmodel import Session, or_, select

from api.problems import Problem
from store import Application, Certificate, Product, User

VERIFIER_QUEUE = ("awaiting_verification",)
# The certification body sees an application from its submission on (document review,
# assignment, verification, decision, the certificate's life).
CERTIFIER_QUEUE = ("returned", "intake_review", "awaiting_assignment", "awaiting_verification",
                   "corrective_action", "awaiting_decision", "issuing", "certified", "refused",
                   "suspended", "revoked", "expired")


def _not_found(kind: str) -> Problem:
    return Problem("not-found", f"No such {kind}.", "未找到该记录。")


def has(user: User, *roles: str) -> bool:
    return bool(set(user.roles) & set(roles))


def applications_query(user: User):  # noqa: ANN201 - a SQLAlchemy select
    q = select(Application)
    if has(user, "admin"):
        return q
    clauses = []
    if has(user, "exporter", "consultant"):
        clauses.append(Application.org_id == user.org_id)
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


def application_for(session: Session, user: User, application_id: str) -> Application:
    app = session.exec(applications_query(user).where(Application.id == application_id)).first()
    if app is None:
        raise _not_found("application")
    return app


def products_query(user: User):  # noqa: ANN201
    q = select(Product)
    if has(user, "admin"):
        return q
    if has(user, "exporter", "consultant"):
        return q.where(Product.org_id == user.org_id)
    return q.where(Product.id == None)  # noqa: E711


def product_for(session: Session, user: User, product_id: str) -> Product:
    product = session.exec(products_query(user).where(Product.id == product_id)).first()
    if product is None:
        raise _not_found("product")
    return product


def certificates_query(user: User):  # noqa: ANN201
    q = select(Certificate)
    if has(user, "admin", "certifier"):
        return q
    if has(user, "exporter", "consultant"):
        return q.where(Certificate.org_id == user.org_id)
    return q.where(Certificate.id == None)  # noqa: E711


def certificate_for(session: Session, user: User, number: str) -> Certificate:
    cert = session.exec(certificates_query(user).where(Certificate.number == number)).first()
    if cert is None:
        raise _not_found("certificate")
    return cert
