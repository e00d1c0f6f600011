"""Dataclasses that cross the workflow boundary. New fields always get defaults, so runs in
flight keep working when these grow."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

TASK_QUEUE = "tanpass-certification"


class AppStatus(enum.StrEnum):
    """Application status, as the store and the workflow query report it."""

    awaiting_submission = "awaiting_submission"
    assessing = "assessing"
    returned = "returned"
    awaiting_verification = "awaiting_verification"
    awaiting_decision = "awaiting_decision"
    refused = "refused"
    issuing = "issuing"
    certified = "certified"


# -- workflow ---------------------------------------------------------------------------------


@dataclass
class ProcessConfig:
    """Durations of the process (from settings, so tests can use seconds)."""

    activity_timeout_seconds: float = 60.0
    certificate_validity_days: int = 3 * 365


@dataclass
class CertificationInput:
    application_id: str
    org_id: str
    regimes: list[str]
    created_by: str
    config: ProcessConfig = field(default_factory=ProcessConfig)


@dataclass
class CertificationOutput:
    application_id: str
    status: str
    certificate_number: str | None = None


@dataclass
class CertificationState:
    """What the `state` query returns: the detail view of one run."""

    application_id: str
    status: str
    dossier_versions: int = 0
    footprint_total: float | None = None
    footprint_unit: str | None = None
    blocking_findings: int = 0
    findings: int = 0
    verifier_id: str | None = None
    certifier_id: str | None = None
    certificate_number: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)


# -- updates ----------------------------------------------------------------------------------


@dataclass
class SubmitDossier:
    dossier: dict[str, Any]
    submitted_by: str
    evidence_sha256: list[str] = field(default_factory=list)


@dataclass
class SubmissionOutcome:
    version: int
    status: str
    footprint_total: float | None = None
    footprint_unit: str | None = None
    blocking_findings: int = 0
    findings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class VerifierApproval:
    verifier_id: str
    verifier_org_id: str
    opinion: str = "unmodified"  # ISO 14064-3: unmodified | modified | adverse | disclaimer
    level_of_assurance: str = "reasonable"
    materiality_percent: float = 5.0
    notes: str = ""


@dataclass
class CertificationDecision:
    certifier_id: str
    approve: bool
    reasons: str = ""


@dataclass
class UpdateAck:
    status: str


# -- activities -------------------------------------------------------------------------------


@dataclass
class RecordSubmissionInput:
    application_id: str
    version: int
    dossier: dict[str, Any]
    submitted_by: str
    evidence_sha256: list[str] = field(default_factory=list)


@dataclass
class RecordSubmissionOutput:
    version: int
    sha256: str


@dataclass
class AssessInput:
    application_id: str
    version: int
    regimes: list[str]
    as_of: str  # ISO date: rules in force on that day


@dataclass
class AssessOutput:
    footprint_total: float
    footprint_unit: str
    blocking_findings: int
    findings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class StatusChange:
    application_id: str
    status: str
    actor_id: str
    note: str = ""
    dedup_key: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class StatusChanged:
    status: str


@dataclass
class IssueInput:
    application_id: str
    verifier_id: str
    certifier_id: str
    opinion: str
    decision_date: str  # ISO datetime (workflow time)
    validity_days: int
    regimes: list[str] = field(default_factory=list)


@dataclass
class IssuedCertificate:
    number: str
    pdf_sha256: str
    valid_until: str
