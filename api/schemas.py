"""Public request and response models. Routes never return table models."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Regime = Literal["cn_label", "eu_battery", "cbam", "pef"]


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class RefreshRequest(BaseModel):
    refresh_token: str


class Me(BaseModel):
    id: str
    email: str
    display_name: str
    roles: list[str]
    org_id: str
    org_name: str


class ProductCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    model: str = Field(min_length=1, max_length=200)
    category: str = Field(default="", max_length=100, description="carbon-label catalogue key")
    cn_code: str | None = Field(default=None, pattern=r"^\d{4}(\s?\d{2}){0,3}$")


class ProductRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    org_id: str
    name: str
    model: str
    category: str | None
    cn_code: str | None
    created_at: datetime


class ApplicationCreate(BaseModel):
    product_id: str
    regimes: list[Regime] = Field(min_length=1)


class ApplicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    org_id: str
    product_id: str
    regimes: list[str]
    status: str
    workflow_id: str
    cycle: int
    created_at: datetime
    updated_at: datetime


class StatusEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    at: datetime
    status: str
    actor_id: str | None
    note: str | None


class FindingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    dossier_version: int
    source: str
    rule_id: str
    severity: str
    path: str | None
    message_en: str
    message_zh: str
    status: str


class FootprintSummary(BaseModel):
    dossier_version: int
    total: float
    unit: str
    factor_set_id: str
    factor_set_version: str
    per_stage: dict[str, float] = {}


class ApplicationDetail(ApplicationRead):
    history: list[StatusEventRead] = []
    findings: list[FindingRead] = []
    footprint: FootprintSummary | None = None
    certificate_number: str | None = None


class SubmissionRead(BaseModel):
    version: int
    status: str
    footprint_total: float | None = None
    footprint_unit: str | None = None
    blocking_findings: int = 0
    findings: list[dict[str, Any]] = []


class VerificationCreate(BaseModel):
    opinion: Literal["unmodified", "modified", "adverse", "disclaimer"] = "unmodified"
    level_of_assurance: Literal["reasonable", "limited"] = "reasonable"
    materiality_percent: float = Field(default=5.0, gt=0, le=100)
    notes: str = ""


class DecisionCreate(BaseModel):
    approve: bool
    reasons: str = Field(default="", max_length=4000)


class ActionRead(BaseModel):
    status: str


class CertificateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    number: str
    status: str
    holder_name: str
    holder_uscc: str
    product_name: str
    product_model: str
    total: float
    unit: str
    issued_at: datetime
    valid_from: datetime
    valid_until: datetime
    pdf_sha256: str
    application_id: str


class PublicVerification(BaseModel):
    """What anyone may learn about a certificate number."""

    number: str
    status: Literal["valid", "suspended", "revoked", "expired", "not_found"]
    holder_name: str | None = None
    holder_uscc: str | None = None
    product_name: str | None = None
    product_model: str | None = None
    footprint: float | None = None
    unit: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    status_reason: str | None = None
    pdf_sha256: str | None = None
