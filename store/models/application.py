"""An application for certification and what hangs off it: status history, dossier versions,
footprint results, findings, and evidence files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from store.models._base import (
    FindingSource,
    FindingStatus,
    UTCDateTime,
    new_id,
    utcnow,
    values_check,
)

# --- Application --------------------------------------------------------------------------


class ApplicationBase(SQLModel):
    product_id: str = Field(foreign_key="product.id", index=True, max_length=32)
    regimes: list[str] = Field(default_factory=list, sa_type=sa.JSON)


class Application(ApplicationBase, table=True):
    __tablename__ = "application"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organisation.id", index=True, max_length=32)
    status: str = Field(max_length=40, index=True)
    workflow_id: str = Field(max_length=200, unique=True)
    cycle: int = 1
    # Not a foreign key: certificate.application_id already points here, and a cycle of
    # foreign keys would make table creation order ambiguous.
    previous_certificate_id: str | None = Field(default=None, max_length=32)
    created_by: str = Field(foreign_key="app_user.id", max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )


class ApplicationCreate(ApplicationBase):
    pass


class ApplicationPublic(ApplicationBase):
    id: str
    org_id: str
    status: str
    workflow_id: str
    cycle: int
    previous_certificate_id: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime


# --- ApplicationEvent: the status history -------------------------------------------------


class ApplicationEventBase(SQLModel):
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status: str = Field(max_length=40)
    actor_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    note: str | None = Field(default=None, sa_type=sa.Text)


class ApplicationEvent(ApplicationEventBase, table=True):
    """One status change. Writers in Temporal activities pass ``dedup_key`` (e.g. workflow id
    plus activity id) so a retried activity never records the change twice."""

    __tablename__ = "application_event"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    dedup_key: str | None = Field(default=None, max_length=200, unique=True)


class ApplicationEventPublic(ApplicationEventBase):
    id: str


# --- DossierVersion -----------------------------------------------------------------------


class DossierVersionBase(SQLModel):
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    version: int
    sha256: str = Field(max_length=64)
    submitted_by: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DossierVersion(DossierVersionBase, table=True):
    __tablename__ = "dossier_version"
    __table_args__ = (sa.UniqueConstraint("application_id", "version"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    content: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class DossierVersionPublic(DossierVersionBase):
    id: str
    content: dict[str, Any]


# --- FootprintRecord ----------------------------------------------------------------------


class FootprintRecordBase(SQLModel):
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    dossier_version: int
    total: float
    unit: str = Field(max_length=64)
    factor_set_id: str = Field(max_length=100)
    factor_set_version: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FootprintRecord(FootprintRecordBase, table=True):
    __tablename__ = "footprint_record"
    __table_args__ = (sa.UniqueConstraint("application_id", "dossier_version"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    result: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    # Each rule pack's output from the assessment, by pack name (``RuleReport.output``),
    # e.g. ``rule_outputs["cn_label"]["grade"]["stars"]``. None: assessed before this was kept.
    rule_outputs: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON, nullable=True)


class FootprintRecordPublic(FootprintRecordBase):
    id: str
    result: dict[str, Any]


# --- FindingRecord ------------------------------------------------------------------------


class FindingRecordBase(SQLModel):
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    dossier_version: int
    source: FindingSource = Field(sa_type=sa.String(16))
    rule_id: str | None = Field(default=None, max_length=100)
    severity: str = Field(max_length=32)
    path: str | None = Field(default=None, max_length=500)
    message_en: str = Field(sa_type=sa.Text)
    message_zh: str = Field(sa_type=sa.Text)
    status: FindingStatus = Field(default=FindingStatus.open, sa_type=sa.String(16))
    raised_by: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FindingRecord(FindingRecordBase, table=True):
    __tablename__ = "finding_record"
    __table_args__ = (
        values_check("source", FindingSource, "source"),
        values_check("status", FindingStatus, "status"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)


class FindingRecordPublic(FindingRecordBase):
    id: str


# --- Evidence -----------------------------------------------------------------------------


class EvidenceBase(SQLModel):
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    org_id: str = Field(foreign_key="organisation.id", max_length=32)
    blob_sha256: str = Field(foreign_key="blob_record.sha256", max_length=64)
    filename: str = Field(max_length=255)
    media_type: str = Field(max_length=127)
    size: int = Field(sa_type=sa.BigInteger)
    kind: str = Field(max_length=64)
    uploaded_by: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Evidence(EvidenceBase, table=True):
    __tablename__ = "evidence"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)


class EvidencePublic(EvidenceBase):
    id: str
