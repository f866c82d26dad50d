"""covering indexes for the board: filled answers and given Excel values counted per file

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

The board of a 1,000-organisation round counts, per current file, the filled required
answers and the given Excel values (`services/status.py`). With these indexes the counts are
read from the indexes alone, never from the answer rows with their XML; the partial index
finds the few Excel values that failed their check without reading the others.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_answers_filled", "answers", ["file_id", "field_id", "empty", "measure_key"])
    op.create_index("ix_excel_values_given", "excel_values", ["file_id", "column_id", "measure_key", "raw"])
    op.create_index(
        "ix_excel_values_problems",
        "excel_values",
        ["file_id"],
        sqlite_where=sa.text("problem IS NOT NULL"),
        postgresql_where=sa.text("problem IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_excel_values_problems", table_name="excel_values")
    op.drop_index("ix_excel_values_given", table_name="excel_values")
    op.drop_index("ix_answers_filled", table_name="answers")
