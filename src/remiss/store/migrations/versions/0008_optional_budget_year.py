"""rounds: budget_year optional (a plain remiss prepares no budget)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

Rounds written before keep their year. Downgrading gives a round without one the year after its
deadline, the year the bundled rounds prepare.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.alter_column("budget_year", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    year = (
        "CAST(strftime('%Y', deadline) AS INTEGER) + 1"
        if op.get_bind().dialect.name == "sqlite"
        else "CAST(EXTRACT(YEAR FROM deadline) AS INTEGER) + 1"
    )
    op.execute(f"UPDATE rounds SET budget_year = {year} WHERE budget_year IS NULL")
    with op.batch_alter_table("rounds") as batch:
        batch.alter_column("budget_year", existing_type=sa.Integer(), nullable=False)
