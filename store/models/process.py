"""Records of the certification process beyond the dossier: intake reviews, verifier
assignments (accepted and rejected, with reasons), the verifier's review work, corrective-action
rounds, verification opinions, surveillance, and an outbox of notifications.

Every row written by a Temporal activity carries a unique ``dedup_key`` (or a deterministic id
chosen by the workflow), so a retried activity never writes it twice.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from store.models._base import UTCDateTime, new_id, utcnow, values_check


class AssignmentStatus(enum.StrEnum):
    active = "active"
    rejected = "rejected"
    released = "released"


class ReviewKind(enum.StrEnum):
    line_checked = "line_checked"
    sampling = "sampling"
    site_visit = "site_visit"


class RoundStatus(enum.StrEnum):
    open = "open"
    escalated = "escalated"
    answered = "answered"


class IntakeReview(SQLModel, table=True):
    """Document review of one submitted dossier version by certification-body staff."""

    __tablename__ = "intake_review"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    dossier_version: int
    reviewer_id: str = Field(foreign_key="app_user.id", max_length=32)
    accepted: bool
    reasons: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    dedup_key: str = Field(max_length=200, unique=True)


class VerifierAssignment(SQLModel, table=True):
    """A verifier proposed for an application: ``active`` when accepted, ``rejected`` with the
    reasons (conflict of interest, accreditation, rotation) when not."""

    __tablename__ = "verifier_assignment"
    __table_args__ = (values_check("status", AssignmentStatus, "status"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    verifier_id: str = Field(foreign_key="app_user.id", index=True, max_length=32)
    verifier_org_id: str | None = Field(default=None, foreign_key="organisation.id",
                                        max_length=32)
    assigned_by: str = Field(foreign_key="app_user.id", max_length=32)
    status: AssignmentStatus = Field(sa_type=sa.String(16))
    reasons: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    dedup_key: str = Field(max_length=200, unique=True)


class ReviewEntry(SQLModel, table=True):
    """One piece of the verifier's review: a dossier line marked checked, a sampling note, or
    a site visit (physical or remote, on a date)."""

    __tablename__ = "review_entry"
    __table_args__ = (values_check("kind", ReviewKind, "kind"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    verifier_id: str = Field(foreign_key="app_user.id", max_length=32)
    kind: ReviewKind = Field(sa_type=sa.String(16))
    line_id: str | None = Field(default=None, max_length=200)
    dossier_version: int
    notes: str = Field(default="", sa_type=sa.Text)
    visit_mode: str | None = Field(default=None, max_length=16)
    visit_date: date | None = None
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    dedup_key: str = Field(max_length=200, unique=True)


class CorrectiveRound(SQLModel, table=True):
    """One round of corrective actions: the findings sent to the exporter, the deadline, the
    reminders and escalation, and the exporter's answer. Every round is kept."""

    __tablename__ = "corrective_round"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "round"),
        values_check("status", RoundStatus, "status"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    round: int
    finding_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    requested_by: str = Field(foreign_key="app_user.id", max_length=32)
    requested_at: datetime = Field(sa_type=UTCDateTime)
    deadline: datetime = Field(sa_type=UTCDateTime)
    note: str = Field(default="", sa_type=sa.Text)
    status: RoundStatus = Field(default=RoundStatus.open, sa_type=sa.String(16))
    reminders_sent: int = 0
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_by: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    responses: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    dossier_version: int | None = None
    evidence_sha256: list[str] = Field(default_factory=list, sa_type=sa.JSON)


class VerificationOpinion(SQLModel, table=True):
    """The verifier's opinion (ISO 14064-3): level of assurance, materiality, misstatement."""

    __tablename__ = "verification_opinion"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    verifier_id: str = Field(foreign_key="app_user.id", max_length=32)
    dossier_version: int
    level_of_assurance: str = Field(max_length=16)
    materiality_percent: float
    misstatement_percent: float | None = None
    opinion: str = Field(max_length=16)
    statement: str = Field(default="", sa_type=sa.Text)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    dedup_key: str = Field(max_length=200, unique=True)


class SurveillanceRecord(SQLModel, table=True):
    """A surveillance activity on a certificate, against the due date it answers."""

    __tablename__ = "surveillance_record"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    certificate_id: str = Field(foreign_key="certificate.id", index=True, max_length=32)
    due_at: datetime = Field(sa_type=UTCDateTime)
    performed_by: str = Field(foreign_key="app_user.id", max_length=32)
    outcome: str = Field(max_length=32)
    notes: str = Field(default="", sa_type=sa.Text)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    dedup_key: str = Field(max_length=200, unique=True)


class Notification(SQLModel, table=True):
    """Outbox of reminders and escalations (delivery is someone else's job; none is sent)."""

    __tablename__ = "notification"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    certificate_id: str | None = Field(default=None, foreign_key="certificate.id",
                                       max_length=32)
    kind: str = Field(max_length=64)
    recipient_role: str = Field(max_length=32)
    recipient_org_id: str | None = Field(default=None, foreign_key="organisation.id",
                                         max_length=32)
    subject_en: str = Field(sa_type=sa.Text)
    subject_zh: str = Field(sa_type=sa.Text)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    dedup_key: str = Field(max_length=200, unique=True)
