"""received files: when each was sent (orders versions); pending files need no new column

Revision ID: 0005
Revises: 0006
Create Date: 2026-12-07

`submitted_at` is nullable: rows written before it fall back to `received_at`, which is
how their versions were ordered then. A pending file (identified without a token while a
token-verified version exists) is a row with status 'pending', no version and not current.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("received_files") as batch:
        batch.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("received_files") as batch:
        batch.drop_column("submitted_at")
