"""The store and the round's rows as the lifecycle services open them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from remiss.errors import NotFoundError
from remiss.settings import Workspace
from remiss.store.database import Database, open_database
from remiss.store.schema import RoundRow


def database(workspace: Workspace) -> Database:
    return open_database(workspace.database_url)


def round_row(session: Session, round_id: str) -> RoundRow:
    """The round's row, or a Swedish NotFoundError naming the rounds there are."""
    row = session.get(RoundRow, round_id)
    if row is None:
        known = ", ".join(sorted(session.scalars(RoundRow.__table__.select().with_only_columns(RoundRow.id))))
        raise NotFoundError(f"Omgången '{round_id}' finns inte (kända omgångar: {known or 'inga'}).")
    return row
