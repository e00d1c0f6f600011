"""Organisations, their users, and their products."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import field_validator
from sqlmodel import Field, SQLModel

from compliance_rules.uscc import uscc_problem
from store.errors import InvalidRecord, InvalidUscc
from store.models._base import OrgKind, Role, UTCDateTime, new_id, utcnow, values_check


def normalise_uscc(value: str) -> str:
    """Upper-cased, stripped USCC; raises ``InvalidUscc`` when GB 32100-2015 says no."""
    code = value.strip().upper()
    problem = uscc_problem(code)
    if problem is not None:
        raise InvalidUscc(code, problem.code, problem.position, problem.message_en,
                          problem.message_zh)
    return code


def normalise_email(value: str) -> str:
    email = value.strip().lower()
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or " " in email:
        raise InvalidRecord("email", f"{value!r} is not an e-mail address.",
                            f"{value!r} 不是有效的电子邮件地址。", value)
    return email


# --- Organisation -------------------------------------------------------------------------

class OrganisationBase(SQLModel):
    name: str = Field(max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    uscc: str = Field(max_length=18, unique=True)
    kind: OrgKind = Field(sa_type=sa.String(32))
    accredited: bool = False
    consultant_for_org_id: str | None = Field(
        default=None, foreign_key="organisation.id", max_length=32
    )

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value: str) -> str:
        return normalise_uscc(value)


class Organisation(OrganisationBase, table=True):
    __tablename__ = "organisation"
    __table_args__ = (values_check("kind", OrgKind, "kind"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OrganisationCreate(OrganisationBase):
    pass


class OrganisationPublic(OrganisationBase):
    id: str
    created_at: datetime


# --- User ---------------------------------------------------------------------------------

class UserBase(SQLModel):
    org_id: str = Field(foreign_key="organisation.id", index=True, max_length=32)
    email: str = Field(max_length=254, unique=True)
    display_name: str = Field(max_length=200)
    roles: list[Role] = Field(default_factory=list, sa_type=sa.JSON)
    is_active: bool = True

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return normalise_email(value)


class User(UserBase, table=True):
    __tablename__ = "app_user"
    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    password_hash: str = Field(max_length=512)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UserCreate(UserBase):
    """What an admin submits; the API hashes ``password`` into ``User.password_hash``."""

    password: str = Field(min_length=12, max_length=256)


class UserPublic(UserBase):
    id: str
    created_at: datetime


# --- Product ------------------------------------------------------------------------------

class ProductBase(SQLModel):
    name: str = Field(max_length=200)
    model: str = Field(max_length=200)
    category: str = Field(max_length=100)
    cn_code: str | None = Field(default=None, max_length=10)


class Product(ProductBase, table=True):
    __tablename__ = "product"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organisation.id", index=True, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProductCreate(ProductBase):
    pass


class ProductPublic(ProductBase):
    id: str
    org_id: str
    created_at: datetime
