"""Request and response models of the certification process routes (api/routes/process.py)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field


class IntakeCreate(BaseModel):
    """Document review: accept, or return with at least one reason."""

    accept: bool
    reasons: list[str] = Field(default_factory=list, max_length=50)


class AssignmentCreate(BaseModel):
    verifier_id: str = Field(min_length=1, max_length=32)


class SiteVisitCreate(BaseModel):
    mode: Literal["physical", "remote"]
    date: date
    notes: str = Field(default="", max_length=4000)


class ReviewCreate(BaseModel):
    lines_checked: list[str] = Field(default_factory=list, max_length=10_000)
    sampling_notes: str = Field(default="", max_length=8000)
    site_visits: list[SiteVisitCreate] = Field(default_factory=list, max_length=50)


class FindingCreate(BaseModel):
    kind: Literal["major_nc", "minor_nc", "observation"]
    lines: list[str] = Field(min_length=1, max_length=500)
    description: str = Field(min_length=1, max_length=8000)


class FindingClose(BaseModel):
    note: str = Field(default="", max_length=4000)


class FindingAckRead(BaseModel):
    finding_id: str
    status: str


class CorrectiveCreate(BaseModel):
    finding_ids: list[str] = Field(default_factory=list, description="empty: every open NC")
    note: str = Field(default="", max_length=4000)


class CorrectiveAnswerCreate(BaseModel):
    responses: dict[str, str] = Field(description="finding id -> what was corrected")
    dossier: dict[str, Any] | None = Field(default=None, description="changed dossier, if any")
    evidence_sha256: list[str] = Field(default_factory=list)


class RoundRead(BaseModel):
    round: int
    status: str
    deadline: str
    dossier_version: int | None = None


class OpinionCreate(BaseModel):
    """ISO 14064-3 verification opinion."""

    opinion: Literal["unmodified", "modified", "adverse", "disclaimer"]
    level_of_assurance: Literal["reasonable", "limited"]
    materiality_percent: float = Field(gt=0, le=100)
    misstatement_percent: float | None = Field(default=None, ge=0)
    statement: str = Field(default="", max_length=8000)


class CertificateActionCreate(BaseModel):
    reason: str = Field(min_length=1, max_length=4000)


class SurveillanceCreate(BaseModel):
    outcome: Literal["satisfactory", "unsatisfactory"] = "satisfactory"
    notes: str = Field(default="", max_length=8000)


class RenewalRead(BaseModel):
    application_id: str
    cycle: int


class ProcessRead(BaseModel):
    """The live detail of an application's process (the workflow's ``state`` query)."""

    application_id: str
    status: str
    cycle: int
    state: dict[str, Any]
