"""the nämnd's page: answer links (token hashes), browser drafts, the channel of a received file

Revision ID: 0006
Revises: 0004 (given 0002; relinked at merge)
Create Date: 2026-12-07

Two new tables and one nullable column (`received_files.channel`: NULL for a file that came
by mail or folder, "webb" for an answer sent in from the nämnd's page).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("round_id", sa.String(length=40), nullable=False),
        sa.Column("organisation_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=80), nullable=True),
        sa.Column("replaced", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_answer_links_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_answer_links_round_id_rounds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_answer_links_token_hash")),
    )
    op.create_index("ix_answer_links_round_org", "answer_links", ["round_id", "organisation_id"])
    op.create_table(
        "web_drafts",
        sa.Column("round_id", sa.String(length=40), nullable=False),
        sa.Column("organisation_id", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_web_drafts_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_web_drafts_round_id_rounds")),
        sa.PrimaryKeyConstraint("round_id", "organisation_id", name=op.f("pk_web_drafts")),
    )
    with op.batch_alter_table("received_files") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("received_files") as batch:
        batch.drop_column("channel")
    op.drop_table("web_drafts")
    op.drop_index("ix_answer_links_round_org", table_name="answer_links")
    op.drop_table("answer_links")
