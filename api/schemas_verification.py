"""Public models of the verification routes (see docs/verification.md).

Every single-certificate check answers with :class:`Verification`: HTTP 200 with ``verdict``
``green`` or ``red``; a red answer lists each reason with a stable ``code`` and text in both
languages. Only a malformed request (no file, a file too large, a bad date) is a problem+json.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

Verdict = Literal["green", "red"]
Method = Literal["number", "seal", "qr", "pdf"]
RegistryStatus = Literal["valid", "suspended", "revoked", "expired", "not_yet_valid", "not_found"]


class Reason(BaseModel):
    """Why an answer is red."""

    code: str = Field(description="stable code, e.g. revoked, digest_mismatch, document_differs")
    message_en: str
    message_zh: str


class SignatureCheck(BaseModel):
    """The PAdES signature of an uploaded PDF (signing.verify_pdf)."""

    intact: bool = Field(description="the signed bytes and the signature value verify")
    trusted: bool = Field(description="signer and timestamp chain to the certification body's root")
    covers_whole_document: bool
    modified_after_signing: bool
    timestamp_ok: bool
    signer_subject: str | None = None
    signing_time: datetime | None = None


class DocumentCheck(BaseModel):
    """Is the uploaded file the very document the registry holds?"""

    sha256: str = Field(description="SHA-256 of the uploaded file")
    registry_sha256: str | None = Field(default=None,
                                        description="SHA-256 recorded at issuance")
    matches_registry: bool


class SealCheck(BaseModel):
    """The offline seal (QR content) checked against the trust list and the registry."""

    kid: str | None = Field(default=None, description="hex key id from the seal")
    authentic: bool = Field(description="signed by a key in the trust list")
    matches_registry: bool = Field(description="identical to the seal recorded at issuance")


class Verification(BaseModel):
    """The answer to "may I accept this certificate on this date?"."""

    verdict: Verdict
    method: Method
    checked_date: date = Field(description="the date checked (China calendar day)")
    number: str | None = None
    status: RegistryStatus | None = Field(
        default=None, description="registry status on checked_date; None when no certificate "
        "could be identified")
    status_since: datetime | None = None
    status_reason: str | None = None
    holder_name: str | None = None
    holder_uscc: str | None = None
    product_name: str | None = None
    product_model: str | None = None
    cn_code: str | None = None
    footprint: float | None = None
    unit: str | None = None
    valid_from: date | None = Field(default=None, description="first day printed")
    valid_until: date | None = Field(default=None, description="last day printed")
    signature: SignatureCheck | None = Field(default=None, description="PDF checks only")
    document: DocumentCheck | None = Field(default=None, description="PDF checks only")
    seal: SealCheck | None = Field(default=None, description="seal and QR checks only")
    reasons: list[Reason] = Field(default_factory=list)


class SealRequest(BaseModel):
    """The text of a QR code read by a hand scanner."""

    seal: str = Field(min_length=1, max_length=4000)


CodeMatch = Literal["exact", "covers", "coarser", "mismatch", "no_code"]


class CustomsCheckRequest(BaseModel):
    certificate_number: str = Field(min_length=1, max_length=32)
    declared_code: str = Field(min_length=4, max_length=16,
                               description="HS (6), CN (8) or TARIC/China tariff (10) digits; "
                               "spaces and dots are ignored")
    declaration_date: date


class CustomsCheck(BaseModel):
    """A customs declaration line checked against a certificate."""

    verdict: Verdict
    declared_code: str
    certified_code: str | None
    code_match: CodeMatch = Field(description="exact: same code; covers: the declared code lies "
                                  "inside the certified one; coarser: the declared code is less "
                                  "specific than the certified one; mismatch; no_code: the "
                                  "certified product has no code")
    declaration_date: date
    certificate: Verification
    reasons: list[Reason] = Field(default_factory=list)


class SubsidyRow(BaseModel):
    row: int
    uscc: str | None
    company: str | None
    certificate_number: str | None
    amount: float | None
    claim_date: date | None
    status: Literal["approved", "rejected"]
    approved_amount: float
    reasons: list[Reason]


class SubsidyBatch(BaseModel):
    """JSON form of the batch check (the xlsx form carries the same rows)."""

    claims: int
    approved: int
    rejected: int
    flags: dict[str, int] = Field(description="rows flagged per reason code")
    rows: list[SubsidyRow]
    batch_id: str | None = Field(default=None, description="set when the approved claims were "
                                 "recorded (POST /verification/subsidy/claims); None for a check")
