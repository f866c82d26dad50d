"""Engine and sessions for SQLite (embedded default) or PostgreSQL (scale-out)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from remiss.errors import StoreError
from remiss.store import migrate


class Database:
    """One engine per process; sessions are short and commit as a unit."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def ensure_schema(self) -> None:
        """Newest schema in an empty database; a StoreError if the schema is behind."""
        try:
            migrate.ensure_current(self.engine, self.safe_url)
        except OperationalError as exc:
            raise StoreError(f"Databasen {self.safe_url} kan inte nås: {exc.orig}") from None

    def upgrade_schema(self) -> tuple[str | None, str | None]:
        """Apply pending migrations; returns (before, after) revisions."""
        try:
            before = migrate.current_revision(self.engine)
            migrate.upgrade(self.engine)
            return before, migrate.current_revision(self.engine)
        except OperationalError as exc:
            raise StoreError(f"Databasen {self.safe_url} kan inte nås: {exc.orig}") from None

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        except OperationalError as exc:  # a full disk, a read-only folder, a database gone away
            raise StoreError(
                f"Databasen {self.safe_url} kunde inte skrivas eller läsas: {exc.orig}. Inget av det som "
                "pågick sparades; åtgärda felet (till exempel frigör utrymme eller gör arbetsmappen "
                "skrivbar) och kör kommandot igen."
            ) from None

    def dispose(self) -> None:
        self.engine.dispose()


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)  # a fresh REMISS_HOME
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers (status) run while a collector writes; FKs are off by default."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


_OPEN: dict[str, Database] = {}
_OPENING = threading.Lock()


def open_database(url: str) -> Database:
    """The process's Database for `url`, with its schema created on first use (thread-safe:
    a flow's concurrent tasks share one engine and check the schema once)."""
    with _OPENING:
        if url not in _OPEN:
            database = Database(url)
            database.ensure_schema()
            _OPEN[url] = database
        return _OPEN[url]
