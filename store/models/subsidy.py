"""Subsidy refunds recorded by a subsidy office (``api.verification_batch.record_claims``).

One row per approved claim. The unique key (office, certificate number) is the guard against a
double refund: the database itself refuses a second claim of a certificate by the same office,
even from two recordings racing. Other offices run separate programmes and are not compared.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from store.models._base import UTCDateTime, new_id, utcnow


class SubsidyClaim(SQLModel, table=True):
    """An approved, recorded claim. Never edited."""

    __tablename__ = "subsidy_claim"
    __table_args__ = (sa.UniqueConstraint("office_org_id", "certificate_number"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    office_org_id: str = Field(foreign_key="organisation.id", max_length=32)
    """The subsidy office (the recording officer's organisation)."""
    certificate_number: str = Field(max_length=32)
    claimant_uscc: str = Field(max_length=18)
    amount: Decimal = Field(sa_type=sa.Numeric(14, 2))
    claim_date: date
    batch_id: str = Field(index=True, max_length=32)
    """Shared by the claims recorded from one workbook."""
    recorded_by: str = Field(foreign_key="app_user.id", max_length=32)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
