"""Schema versions through Alembic: upgrade on demand, refuse to run on a schema that is behind.

An empty database is brought to the newest schema on first use (nothing to install for the
embedded default); a database with an older schema is never changed behind the user's back.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from remiss.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*(None|\"[^\"]*\")\s*$", re.M)


def _config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@cache
def _head_from_files() -> str | None:
    """The head revision read from the migration files' `revision`/`down_revision` lines.

    Every command opens the store, and asking Alembic costs importing it and loading every
    migration script (most of a second); None when the files do not give one clear head.
    """
    revisions, parents = set(), set()
    for script in MIGRATIONS.glob("versions/*.py"):
        found = dict(_REVISION.findall(script.read_text(encoding="utf-8")))
        if "revision" not in found or "down_revision" not in found:
            return None
        revisions.add(found["revision"].strip('"'))
        parents.add(found["down_revision"].strip('"'))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _current_quickly(engine: Engine) -> str | None:
    """The stored revision by plain SQL; None when there is none (or no version table)."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:
        return None
    return rows[0] if len(rows) == 1 else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def ensure_current(engine: Engine, safe_url: str) -> None:
    """Create the schema in an empty database; refuse one that is behind."""
    head = _head_from_files()
    if head is not None and _current_quickly(engine) == head:
        return  # the usual case, without importing Alembic
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
