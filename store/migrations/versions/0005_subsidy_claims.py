"""subsidy claims recorded per office (a certificate is refunded once per subsidy office)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subsidy_claim",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("office_org_id", sa.String(length=32), nullable=False),
        sa.Column("certificate_number", sa.String(length=32), nullable=False),
        sa.Column("claimant_uscc", sa.String(length=18), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("claim_date", sa.Date(), nullable=False),
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_org_id"], ["organisation.id"],
            name=op.f("fk_subsidy_claim_office_org_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["app_user.id"], name=op.f("fk_subsidy_claim_recorded_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_claim")),
        sa.UniqueConstraint("office_org_id", "certificate_number",
                            name=op.f("uq_subsidy_claim_office_org_id_certificate_number")),
    )
    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_claim_batch_id"), ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_claim_batch_id"))
    op.drop_table("subsidy_claim")
