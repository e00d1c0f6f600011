"""Dataclasses that cross the workflow boundary. New fields always get defaults, so runs in
flight keep working when these grow."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

TASK_QUEUE = "tanpass-certification"
SYSTEM_ACTOR = "system"  # the actor of automatic steps (assessment, timers): no user row


def workflow_id_for(application_id: str) -> str:
    """The id of an application's workflow (one per application cycle)."""
    return f"certification-{application_id}"


class AppStatus(enum.StrEnum):
    """Application status, as the store, the workflow query and the search attribute report it.

    The first eight are the cycle up to the decision; ``certified`` .. ``expired`` are the life
    of the certificate the cycle issued (the workflow lives as long as the certificate)."""

    awaiting_submission = "awaiting_submission"
    assessing = "assessing"
    returned = "returned"  # by the rule packs (blocking findings) or by the intake review
    intake_review = "intake_review"  # document review by the certification body's staff
    awaiting_assignment = "awaiting_assignment"
    awaiting_verification = "awaiting_verification"  # assigned verifier reviewing
    corrective_action = "corrective_action"  # non-conformities with the exporter, deadline
    awaiting_decision = "awaiting_decision"
    refused = "refused"
    issuing = "issuing"
    certified = "certified"  # certificate valid
    suspended = "suspended"
    revoked = "revoked"
    expired = "expired"


TERMINAL = frozenset({AppStatus.refused, AppStatus.revoked, AppStatus.expired})
FINDING_KINDS = ("major_nc", "minor_nc", "observation")
NONCONFORMITIES = ("major_nc", "minor_nc")
OPINIONS = ("unmodified", "modified", "adverse", "disclaimer")
POSITIVE_OPINIONS = ("unmodified", "modified")
ASSURANCE_LEVELS = ("reasonable", "limited")


# -- configuration ----------------------------------------------------------------------------


@dataclass
class ProcessConfig:
    """Durations and limits of the process, in seconds (from settings, so tests use seconds).

    ``pinned=False`` (what the API sends): the workflow replaces this with the worker's settings
    at its start, through an activity, so the values are recorded in history and replay the
    same. ``pinned=True`` (tests, renewals of pinned runs): used as given."""

    activity_timeout_seconds: float = 60.0
    certificate_validity_days: int = 3 * 365
    validity_seconds: float | None = None  # overrides certificate_validity_days when set
    corrective_action_seconds: float = 30 * 86400.0
    corrective_action_reminders_seconds: list[float] = field(
        default_factory=lambda: [7 * 86400.0, 86400.0]
    )  # reminders this long before the deadline
    surveillance_interval_seconds: float = 365 * 86400.0
    surveillance_reminder_seconds: float = 30 * 86400.0  # reminder this long before a due date
    max_consecutive_cycles: int = 3  # the same verifier for at most this many cycles in a row
    history_limit: int = 2000  # continue-as-new once the run's history is longer
    pinned: bool = False

    def validity(self) -> float:
        if self.validity_seconds is not None:
            return self.validity_seconds
        return self.certificate_validity_days * 86400.0


# -- state (what the query returns, and what continue-as-new carries) -------------------------


@dataclass
class Timer:
    """A durable deadline of the run: fired by the main loop when due."""

    at: str  # ISO datetime (workflow time)
    kind: str  # ca_reminder | ca_deadline | surveillance_reminder | surveillance_due | expiry
    ref: str = ""  # round number, or surveillance index


@dataclass
class FindingState:
    id: str
    kind: str  # major_nc | minor_nc | observation
    lines: list[str]
    description: str
    raised_by: str
    raised_at: str
    dossier_version: int
    status: str = "open"  # open | closed
    closed_by: str | None = None
    closed_at: str | None = None
    closing_note: str = ""
    rounds: list[int] = field(default_factory=list)


@dataclass
class RoundState:
    round: int
    finding_ids: list[str]
    requested_by: str
    requested_at: str
    deadline: str
    status: str = "open"  # open | escalated | answered
    reminders_sent: int = 0
    escalated_at: str | None = None
    answered_at: str | None = None
    answered_by: str | None = None
    dossier_version: int | None = None


@dataclass
class OpinionState:
    verifier_id: str
    level_of_assurance: str
    materiality_percent: float
    misstatement_percent: float | None
    opinion: str
    statement: str
    at: str
    dossier_version: int


@dataclass
class CertificateState:
    id: str
    number: str
    status: str  # valid | suspended | revoked | expired
    valid_from: str
    valid_until: str
    surveillance_due: list[str] = field(default_factory=list)
    surveillance_done: list[str] = field(default_factory=list)
    status_reason: str = ""
    renewal_application_id: str | None = None


@dataclass
class CertificationState:
    """What the `state` query returns: the detail view of one run (and of the runs it
    continued from: continue-as-new carries this whole)."""

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
    # process depth (issue 5)
    cycle: int = 1
    previous_certificate_id: str | None = None
    org_id: str = ""
    regimes: list[str] = field(default_factory=list)
    intake_reviewer_id: str | None = None
    intake_reasons: list[str] = field(default_factory=list)
    verifier_org_id: str | None = None
    rejected_assignments: list[dict[str, Any]] = field(default_factory=list)
    lines_checked: list[str] = field(default_factory=list)
    sampling_notes: list[str] = field(default_factory=list)
    site_visits: list[dict[str, Any]] = field(default_factory=list)
    verifier_findings: list[FindingState] = field(default_factory=list)
    rounds: list[RoundState] = field(default_factory=list)
    opinion: OpinionState | None = None
    decision_reasons: str = ""
    certificate: CertificateState | None = None
    timers: list[Timer] = field(default_factory=list)
    notifications: int = 0
    events: int = 0  # recorded operations: the counter behind dedup keys
    runs: int = 1  # 1 + continue-as-new count
    config: ProcessConfig = field(default_factory=ProcessConfig)
    config_ready: bool = False
    caller_pinned_config: bool = False


# -- workflow ---------------------------------------------------------------------------------


@dataclass
class CertificationInput:
    application_id: str
    org_id: str
    regimes: list[str]
    created_by: str
    config: ProcessConfig = field(default_factory=ProcessConfig)
    cycle: int = 1
    previous_certificate_id: str | None = None
    resume: CertificationState | None = None  # set by continue-as-new


@dataclass
class CertificationOutput:
    application_id: str
    status: str
    certificate_number: str | None = None


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
class IntakeDecision:
    """Document review by the certification body's staff: accept, or return with reasons."""

    reviewer_id: str
    accept: bool
    reasons: list[str] = field(default_factory=list)


@dataclass
class AssignVerifier:
    verifier_id: str
    assigned_by: str


@dataclass
class SiteVisit:
    mode: str  # physical | remote
    date: str  # ISO date
    notes: str = ""


@dataclass
class ReviewWork:
    """Review progress by the assigned verifier; repeated calls add to what is recorded."""

    verifier_id: str
    lines_checked: list[str] = field(default_factory=list)
    sampling_notes: str = ""
    site_visits: list[SiteVisit] = field(default_factory=list)


@dataclass
class RaiseFinding:
    verifier_id: str
    kind: str  # major_nc | minor_nc | observation
    lines: list[str]
    description: str


@dataclass
class FindingAck:
    finding_id: str
    status: str


@dataclass
class CloseFinding:
    verifier_id: str
    finding_id: str
    note: str = ""


@dataclass
class CorrectiveRequest:
    """Send open non-conformities back to the exporter (all open ones when none are named)."""

    verifier_id: str
    finding_ids: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class CorrectiveAnswer:
    """The exporter's answer: a response per finding, optionally a changed dossier and
    evidence."""

    answered_by: str
    responses: dict[str, str] = field(default_factory=dict)
    dossier: dict[str, Any] | None = None
    evidence_sha256: list[str] = field(default_factory=list)


@dataclass
class RoundAck:
    round: int
    status: str
    deadline: str = ""
    dossier_version: int | None = None


@dataclass
class VerifierApproval:
    """The verifier's opinion (ISO 14064-3). Named for the first flow's `approve` update."""

    verifier_id: str
    verifier_org_id: str
    opinion: str = "unmodified"  # unmodified | modified | adverse | disclaimer
    level_of_assurance: str = "reasonable"
    materiality_percent: float = 5.0
    notes: str = ""
    misstatement_percent: float | None = None  # misstatement found, % of the total


@dataclass
class CertificationDecision:
    certifier_id: str
    approve: bool
    reasons: str = ""


@dataclass
class CertificateAction:
    """Suspend, reinstate or revoke: who and why."""

    actor_id: str
    reason: str


@dataclass
class SurveillanceDone:
    actor_id: str
    outcome: str = "satisfactory"  # satisfactory | unsatisfactory
    notes: str = ""


@dataclass
class RenewalRequest:
    requested_by: str


@dataclass
class RenewalStarted:
    application_id: str
    workflow_id: str
    cycle: int


@dataclass
class UpdateAck:
    status: str


# -- activities -------------------------------------------------------------------------------


@dataclass
class ConfigRequest:
    application_id: str


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
    at: str = ""  # ISO datetime (workflow time); empty: the activity's clock


@dataclass
class StatusChanged:
    status: str


@dataclass
class IntakeRecord:
    application_id: str
    dossier_version: int
    reviewer_id: str
    accepted: bool
    reasons: list[str]
    at: str
    dedup_key: str


@dataclass
class AssignmentCheck:
    application_id: str
    verifier_id: str
    assigned_by: str
    max_consecutive_cycles: int
    at: str
    dedup_key: str


@dataclass
class AssignmentResult:
    accepted: bool
    verifier_org_id: str | None = None
    reasons: list[str] = field(default_factory=list)


@dataclass
class ReviewRecord:
    application_id: str
    dossier_version: int
    work: ReviewWork
    at: str
    dedup_key: str


@dataclass
class FindingRecordInput:
    application_id: str
    finding: FindingState
    dedup_key: str


@dataclass
class FindingClosure:
    application_id: str
    finding_id: str
    closed_by: str
    note: str
    at: str
    dedup_key: str


@dataclass
class RoundOpen:
    application_id: str
    round: RoundState
    note: str
    dedup_key: str


@dataclass
class RoundAnswer:
    application_id: str
    round: int
    answer: CorrectiveAnswer
    dossier_version: int | None
    at: str
    dedup_key: str


@dataclass
class NotificationInput:
    application_id: str
    kind: str  # ca_reminder | ca_escalation | surveillance_reminder | surveillance_overdue ...
    recipient_role: str
    subject_en: str
    subject_zh: str
    dedup_key: str
    at: str
    due_at: str | None = None
    round: int | None = None
    certificate_id: str | None = None
    recipient_org_id: str | None = None


@dataclass
class OpinionRecord:
    application_id: str
    opinion: OpinionState
    dedup_key: str


@dataclass
class IssueInput:
    application_id: str
    verifier_id: str
    certifier_id: str
    opinion: str
    decision_date: str  # ISO datetime (workflow time)
    validity_days: int
    regimes: list[str] = field(default_factory=list)
    validity_seconds: float | None = None  # overrides validity_days when set


@dataclass
class IssuedCertificate:
    number: str
    pdf_sha256: str
    valid_until: str
    certificate_id: str = ""
    valid_from: str = ""


@dataclass
class CertificateStatusInput:
    application_id: str
    certificate_id: str
    status: str  # valid | suspended | revoked | expired
    reason: str
    actor_id: str
    at: str
    dedup_key: str


@dataclass
class SurveillanceInput:
    certificate_id: str
    due_at: str
    done: SurveillanceDone
    at: str
    dedup_key: str


@dataclass
class RenewalOpen:
    application_id: str  # the certified one
    new_application_id: str
    certificate_id: str
    requested_by: str
    at: str
    dedup_key: str


@dataclass
class RenewalOpened:
    application_id: str
    workflow_id: str
    cycle: int
    org_id: str
    regimes: list[str]
