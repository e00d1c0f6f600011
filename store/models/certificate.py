"""Certificates, their status history, and the counter behind human-readable numbers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from store.models._base import CertificateStatus, UTCDateTime, new_id, utcnow, values_check


class CertificateBase(SQLModel):
    number: str = Field(max_length=32, unique=True)
    application_id: str = Field(foreign_key="application.id", unique=True, max_length=32)
    org_id: str = Field(foreign_key="organisation.id", index=True, max_length=32)
    product_id: str = Field(foreign_key="product.id", index=True, max_length=32)
    status: CertificateStatus = Field(default=CertificateStatus.valid, sa_type=sa.String(16))
    holder_name: str = Field(max_length=200)
    holder_uscc: str = Field(max_length=18)
    product_name: str = Field(max_length=200)
    product_model: str = Field(max_length=200)
    total: float
    unit: str = Field(max_length=64)
    issued_at: datetime = Field(sa_type=UTCDateTime)
    valid_from: datetime = Field(sa_type=UTCDateTime)
    valid_until: datetime = Field(sa_type=UTCDateTime)
    pdf_sha256: str | None = Field(default=None, foreign_key="blob_record.sha256", max_length=64)
    seal: str | None = Field(default=None, sa_type=sa.Text)
    status_reason: str | None = Field(default=None, sa_type=sa.Text)
    status_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    previous_certificate_id: str | None = Field(
        default=None, foreign_key="certificate.id", max_length=32
    )
    verifier_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    certifier_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)


class Certificate(CertificateBase, table=True):
    __tablename__ = "certificate"
    __table_args__ = (
        values_check("status", CertificateStatus, "status"),
        sa.CheckConstraint("valid_from < valid_until", name="validity_period"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)


class CertificatePublic(CertificateBase):
    id: str


class CertificateEventBase(SQLModel):
    certificate_id: str = Field(foreign_key="certificate.id", index=True, max_length=32)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status: CertificateStatus = Field(sa_type=sa.String(16))
    reason: str | None = Field(default=None, sa_type=sa.Text)
    actor_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)


class CertificateEvent(CertificateEventBase, table=True):
    __tablename__ = "certificate_event"
    __table_args__ = (values_check("status", CertificateStatus, "status"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    dedup_key: str | None = Field(default=None, max_length=200, unique=True)


class CertificateEventPublic(CertificateEventBase):
    id: str


class CertificateCounter(SQLModel, table=True):
    """Last certificate number handed out per year (see ``store.numbers``)."""

    __tablename__ = "certificate_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0
