"""rule pack outputs kept with the footprint record (the label grade the assessment gave)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

Records assessed before this revision keep NULL: readers compute the outputs as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("footprint_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rule_outputs", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("footprint_record", schema=None) as batch_op:
        batch_op.drop_column("rule_outputs")
