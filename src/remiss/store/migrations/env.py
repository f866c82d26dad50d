"""Alembic environment: runs against the connection remiss hands it (see store/migrate.py)."""

from __future__ import annotations

from alembic import context

from remiss.store import desk_schema as _desk  # noqa: F401 - its tables belong to the metadata
from remiss.store import link_schema as _links  # noqa: F401 - the nämnd page's tables
from remiss.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch mode for ALTERs
)
with context.begin_transaction():
    context.run_migrations()
