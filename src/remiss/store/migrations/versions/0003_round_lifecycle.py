"""round lifecycle: who did it, closed rounds, withdrawn recipients and files; no measures table

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

The audit log gets an actor (rows before this have none). A round can be closed, a
recipient withdrawn and an accepted file withdrawn (its status becomes 'withdrawn'): each
keeps the time it happened. The `measures` table is dropped: it repeated the round's
stored definition and nothing read it. `assignments` stays, and is now what the services
read for who answers what.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor", sa.String(length=100), nullable=True))
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("received_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.drop_table("measures")


def downgrade() -> None:
    op.create_table(
        "measures",
        sa.Column("round_id", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("report_id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_measures_round_id_rounds")),
        sa.PrimaryKeyConstraint("round_id", "key", name=op.f("pk_measures")),
    )
    with op.batch_alter_table("received_files", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("actor")
