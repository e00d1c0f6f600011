"""API depth (issue 7): API keys, login throttling

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

Reserved slot, so the engineers of issues 5 and 7 extend one linear history. Empty until filled.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
