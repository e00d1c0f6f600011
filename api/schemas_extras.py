"""Public models of the portal's reads: verifier directory, evidence extraction with
provenance, CBAM estimate, the public footprint drill-down."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field


class VerifierRead(BaseModel):
    """A verifier a certification officer may assign (accredited verification body)."""

    id: str = Field(description="User id, the `verifier_id` of an assignment")
    display_name: str
    email: str
    org_id: str
    verification_body: str = Field(description="Name of the verifier's verification body")
    verification_body_zh: str | None = None
    accredited: bool = Field(description="The verification body is accredited")


# --- evidence extraction ------------------------------------------------------------------

class ValueProvenance(BaseModel):
    page: int = Field(ge=1, description="1-based page number")
    bbox: list[float] = Field(min_length=4, max_length=4,
                              description="x0, top, x1, bottom in PDF points, origin top-left")
    page_width: float = Field(description="Page width in PDF points")
    page_height: float = Field(description="Page height in PDF points")
    text: str = Field(description="The text the value was read from")
    sha256: str


class ExtractedValueRead(BaseModel):
    field: str
    value: str = Field(description="Value as text (decimals exact, dates ISO)")
    raw: str
    unit: str | None = None
    label: str | None = None
    confidence: float
    provenance: ValueProvenance


class PageRead(BaseModel):
    page: int
    kind: Literal["text", "scanned", "blank"]
    width: float = Field(description="PDF points")
    height: float = Field(description="PDF points")
    message_en: str = ""
    message_zh: str = ""


class ExtractionRead(BaseModel):
    """What `evidence.extract_pdf` reads from the stored file, with where each value is."""

    evidence_id: str
    sha256: str
    document_type: str
    type_confidence: float
    pages: list[PageRead]
    scanned_pages: list[int]
    values: list[ExtractedValueRead]
    missing: list[str]


# --- CBAM ---------------------------------------------------------------------------------

class CbamFinding(BaseModel):
    rule_id: str
    severity: str
    message_en: str
    message_zh: str


class CbamRead(BaseModel):
    """The cbam pack's outputs for the latest dossier version, as of today (China day)."""

    application_id: str
    dossier_version: int
    as_of: date
    pack_version: str
    covered: bool | None = None
    cn_code: str | None = None
    sector: str | None = None
    see: dict[str, Any] | None = Field(
        default=None, description="Specific embedded emissions, t CO2e per t (direct, indirect, "
        "in_scope, parts, markup, defaults_used)")
    estimate: dict[str, Any] | None = Field(
        default=None, description="Certificate cost per tonne and per shipment (EUR); null in "
        "the transitional period or without a price")
    de_minimis_exempt: bool | None = None
    blocking: bool
    findings: list[CbamFinding]


# --- public drill-down --------------------------------------------------------------------

class PublicFootprintLine(BaseModel):
    line_id: str
    description: str | None = None
    stage: str
    kg_co2e: float
    share: float = Field(description="Share of the product total")
    factor_id: str | None = None
    factor_source: str | None = None


class PublicFootprintNode(BaseModel):
    name: str
    path: str
    quantity: float | None = None
    total: float
    share: float
    per_stage: dict[str, float]
    lines: list[PublicFootprintLine]
    children: list[PublicFootprintNode]


class PublicFootprint(BaseModel):
    """The footprint behind a certificate, as a label's QR code opens it."""

    number: str
    status: Literal["valid", "suspended", "revoked", "expired"]
    status_reason: str | None = None
    valid_from_day: date
    valid_until_day: date
    product: str
    product_model: str
    holder_name: str
    functional_unit: dict[str, Any]
    boundary: str | None = None
    total: float
    unit: str
    per_stage: dict[str, float]
    factor_set: str
    tree: PublicFootprintNode
