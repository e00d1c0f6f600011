"""Public request and response models. Routes never return table models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Regime = Literal["cn_label", "eu_battery", "cbam", "pef"]
# Text without control characters (PostgreSQL refuses NUL; nobody means the others).
_PLAIN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
Text = Annotated[str, Field(pattern=_PLAIN)]


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class ClientToken(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    scope: str = Field(description="Space-separated scopes the token carries")


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
    name: str = Field(min_length=1, max_length=200, pattern=_PLAIN,
                      examples=["智能电能表 Smart electricity meter"])
    model: str = Field(min_length=1, max_length=200, pattern=_PLAIN, examples=["DDZY-R1"])
    category: str = Field(default="", max_length=100, pattern=_PLAIN,
                          description="carbon-label catalogue key", examples=["smart_meter"])
    cn_code: str | None = Field(default=None, pattern=r"^\d{4}( ?\d{2}){0,3}$",
                                description="Combined Nomenclature code; spaces are dropped",
                                examples=["9028 30"])

    @field_validator("cn_code")
    @classmethod
    def _compact(cls, value: str | None) -> str | None:
        return value.replace(" ", "") if value else value


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
    product_id: str = Field(min_length=1, max_length=32)
    regimes: list[Regime] = Field(min_length=1, max_length=4)


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
    notes: str = Field(default="", max_length=4000, pattern=_PLAIN)


class DecisionCreate(BaseModel):
    approve: bool
    reasons: str = Field(default="", max_length=4000, pattern=_PLAIN)


class ActionRead(BaseModel):
    status: str


def printed_days(valid_from: datetime, valid_until: datetime) -> tuple[date, date]:
    """First and last day of validity as the certificate prints them (China calendar days)."""
    from store.registry import china_date

    return china_date(valid_from), china_date(valid_until)


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
    valid_from_day: date | None = Field(
        default=None, description="First day of validity as printed (China calendar day)")
    valid_until_day: date | None = Field(
        default=None, description="Last day of validity as printed (China calendar day)")
    pdf_sha256: str | None
    application_id: str

    @model_validator(mode="after")
    def _printed_days(self) -> CertificateRead:
        self.valid_from_day, self.valid_until_day = printed_days(self.valid_from, self.valid_until)
        return self


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
    valid_from_day: date | None = Field(
        default=None, description="First day of validity as printed (China calendar day)")
    valid_until_day: date | None = Field(
        default=None, description="Last day of validity as printed (China calendar day)")
    status_reason: str | None = None
    pdf_sha256: str | None = None

    @model_validator(mode="after")
    def _printed_days(self) -> PublicVerification:
        if self.valid_from is not None and self.valid_until is not None:
            self.valid_from_day, self.valid_until_day = printed_days(self.valid_from,
                                                                     self.valid_until)
        return self


# --- application records ------------------------------------------------------------------


class StatusEventPage(StatusEventRead):
    id: str
    application_id: str


class DossierVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    version: int
    sha256: str
    submitted_by: str | None
    created_at: datetime


class DossierVersionDetail(DossierVersionRead):
    content: dict[str, Any]


class FindingDetail(FindingRead):
    id: str
    application_id: str
    raised_by: str | None
    created_at: datetime
    closed_at: datetime | None


class FootprintDetail(BaseModel):
    """The full calculation of one dossier version: per stage, per gas, per line, the tree,
    data quality and (when asked for) uncertainty. ``result`` fields are also at the top level
    for the portal's convenience."""

    model_config = ConfigDict(extra="allow")
    application_id: str
    dossier_version: int
    total: float
    unit: str
    factor_set_id: str
    factor_set_version: str
    created_at: datetime
    per_stage: dict[str, float] = {}
    per_gas: dict[str, float] = {}
    lines: list[dict[str, Any]] = []
    tree: dict[str, Any] | None = None
    dqr: float | None = None


class EvidenceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    application_id: str
    blob_sha256: str
    filename: str
    media_type: str
    size: int
    kind: str
    uploaded_by: str | None
    created_at: datetime


class ExtractionSummary(BaseModel):
    document_type: str
    pages: int
    scanned_pages: int
    fields: dict[str, str] = Field(default_factory=dict,
                                   description="Extracted field -> value as text")
    missing: list[str] = []


class EvidenceUploaded(EvidenceRead):
    extraction: ExtractionSummary | None = None


class CertificateEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    at: datetime
    status: str
    reason: str | None
    actor_id: str | None
