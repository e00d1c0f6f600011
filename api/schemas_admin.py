"""Public models of the platform's own records: organisations, users, API keys, the audit
trail, factor sets and rule packs. Routes never return table models."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from compliance_rules.uscc import uscc_problem

RoleName = Literal["exporter", "consultant", "verifier", "certifier", "customs", "subsidy", "admin"]
OrgKindName = Literal["exporter", "consultant", "verification_body", "certification_body",
                      "customs", "subsidy_office", "platform"]


class UsccMixin(BaseModel):
    @field_validator("uscc", check_fields=False)
    @classmethod
    def _uscc(cls, value: str) -> str:
        code = value.strip().upper()
        problem = uscc_problem(code)
        if problem is not None:
            raise ValueError(f"{problem.message_en} / {problem.message_zh}")
        return code


class OrganisationCreate(UsccMixin):
    name: str = Field(min_length=1, max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    uscc: str = Field(min_length=18, max_length=18,
                      description="Unified Social Credit Code (GB 32100-2015), check character "
                      "verified", examples=["91350100M000100Y43"])
    kind: OrgKindName
    accredited: bool = False
    consultant_for_org_id: str | None = Field(default=None, max_length=32)


class OrganisationUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    accredited: bool | None = None


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    name_zh: str | None
    uscc: str
    kind: str
    accredited: bool
    consultant_for_org_id: str | None
    created_at: datetime


class UserCreate(BaseModel):
    org_id: str = Field(min_length=1, max_length=32)
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    display_name: str = Field(min_length=1, max_length=200)
    roles: list[RoleName] = Field(min_length=1, max_length=7)
    password: str = Field(min_length=12, max_length=256)


class UserUpdate(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    roles: list[RoleName] | None = Field(default=None, min_length=1, max_length=7)
    is_active: bool | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    org_id: str
    email: str
    display_name: str
    roles: list[str]
    is_active: bool
    created_at: datetime


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=12, max_length=256)


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, examples=["ERP export job"])
    roles: list[RoleName] | None = Field(
        default=None, description="Roles of the key: a subset of the owner's (default: all).")
    scopes: list[str] = Field(min_length=1, max_length=64, examples=[["products:read",
                                                                       "applications:read"]],
                              description="`<resource>:read` or `<resource>:write`; see "
                              "GET /api-keys for the ones the API knows.")
    expires_in_days: int | None = Field(default=365, ge=1, le=3650)


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str = Field(description="The client id")
    owner_id: str
    org_id: str
    name: str
    roles: list[str]
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    client_secret: str = Field(description="Shown once; only a hash is stored.")


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    seq: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


class FactorSetSummary(BaseModel):
    id: str
    version: str
    published: str
    description: str
    origin: Literal["release", "imported"]
    factors: int


class FactorSetImportBody(BaseModel):
    """A factor-set version in the file format of ``footprint/data/factor_sets``."""

    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z][0-9A-Za-z.-]*$")
    published: str = Field(min_length=4, max_length=40)
    description: str = Field(default="", max_length=4000)
    sources: dict[str, dict[str, Any]]
    gwp: dict[str, dict[str, Any]]
    factors: list[dict[str, Any]] = Field(min_length=1)


class RuleRead(BaseModel):
    id: str
    severity: str
    reference: str
    title_en: str
    title_zh: str


class PackVersionRead(BaseModel):
    version: str
    effective_from: str
    effective_to: str | None
    title_en: str
    title_zh: str
    rules: list[RuleRead]


class RulePackRead(BaseModel):
    name: str
    versions: list[PackVersionRead]
