"""Tables of the nämnd's own page: its answer links (hashes only) and its browser drafts.

Kept beside schema.py (same metadata) so the page's tables read as one unit; migration 0006
creates them and adds `received_files.channel`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from remiss.store.schema import Base, utcnow


class AnswerLinkRow(Base):
    """One personal link of a nämnd in a round: only the sha256 of its token is kept.

    The newest row not revoked is the live link; an older one answers with a page that
    says it was replaced (`replaced_at`) or revoked (`revoked_at`).
    """

    __tablename__ = "answer_links"
    __table_args__ = (Index("ix_answer_links_round_org", "round_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))
    revoked_at: Mapped[dt.datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(80))
    replaced: Mapped[bool] = mapped_column(default=False)  # revoked because a new link was issued


class WebDraftRow(Base):
    """What a nämnd has typed on its page and not yet sent in (saved as it types)."""

    __tablename__ = "web_drafts"

    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    saved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
