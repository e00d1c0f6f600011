"""Small builders of valid rows for the store's tests."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from compliance_rules.uscc import ALPHABET, check_character
from store import (
    Application,
    Certificate,
    Organisation,
    OrganisationCreate,
    OrgKind,
    Product,
    Role,
    User,
    new_id,
)


def make_uscc(rng: random.Random | None = None) -> str:
    rng = rng or random.Random()
    body = "913100" + "".join(rng.choice("0123456789") for _ in range(2)) + "".join(
        rng.choice(ALPHABET) for _ in range(9)
    )
    return body + check_character(body)


def add_org(session: Session, kind: OrgKind = OrgKind.exporter) -> Organisation:
    org = Organisation.model_validate(
        OrganisationCreate(name="Ningbo Cells Co.", name_zh="宁波电芯有限公司", uscc=make_uscc(),
                           kind=kind)
    )
    session.add(org)
    session.flush()
    return org


def add_user(session: Session, org: Organisation, role: Role = Role.exporter) -> User:
    user = User(org_id=org.id, email=f"{new_id()[:8]}@example.cn", display_name="Li Wei",
                password_hash="x", roles=[role])
    session.add(user)
    session.flush()
    return user


def add_application(session: Session) -> Application:
    org = add_org(session)
    user = add_user(session, org)
    product = Product(org_id=org.id, name="LFP cell", model="NB-280", category="battery",
                      cn_code="85076000")
    session.add(product)
    session.flush()
    app = Application(org_id=org.id, product_id=product.id, regimes=["cn_label", "eu_battery"],
                      status="submitted", workflow_id=f"cert-{new_id()}", created_by=user.id)
    session.add(app)
    session.flush()
    return app


def certificate_for(app: Application, number: str) -> Certificate:
    now = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    return Certificate(number=number, application_id=app.id, org_id=app.org_id,
                       product_id=app.product_id, holder_name="Ningbo Cells Co.",
                       holder_uscc=make_uscc(), product_name="LFP cell", product_model="NB-280",
                       total=61.2, unit="kg CO2e/kWh", issued_at=now, valid_from=now,
                       valid_until=now + timedelta(days=3 * 365))
