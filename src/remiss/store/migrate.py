"""Schema versions through Alembic: upgrade on demand, refuse to run on a schema that is behind.

An empty database is brought to the newest schema on first use (nothing to install for the
embedded default); a database with an older schema is never changed behind the user's back.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from remiss.errors import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def ensure_current(engine: Engine, safe_url: str) -> None:
    """Create the schema in an empty database; refuse one that is behind."""
    current, head = current_revision(engine), head_revision(engine)
    if current == head:
        return
    if current is None and not inspect(engine).get_table_names():
        upgrade(engine)
        return
    raise StoreError(
        f"Databasens schema ({current or 'okänt'}) är äldre än den här versionen av remiss ({head}). "
        f"Kör `remiss db upgrade` (databas: {safe_url})."
    )
