"""Engine and sessions for SQLite (embedded default) or PostgreSQL (scale-out)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from remiss.errors import StoreError, describe_database, os_reason
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
        except DBAPIError as exc:
            raise StoreError(f"Databasen {self.safe_url} kan inte nås: {describe_database(exc)}.") from None

    def upgrade_schema(self) -> tuple[str | None, str | None]:
        """Apply pending migrations; returns (before, after) revisions."""
        try:
            before = migrate.current_revision(self.engine)
            migrate.upgrade(self.engine)
            return before, migrate.current_revision(self.engine)
        except DBAPIError as exc:
            raise StoreError(f"Databasen {self.safe_url} kan inte nås: {describe_database(exc)}.") from None

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
                f"Databasen {self.safe_url} kunde inte skrivas eller läsas: {describe_database(exc)}. "
                "Inget av det som pågick sparades; åtgärda felet (till exempel frigör utrymme eller gör "
                "arbetsmappen skrivbar) och försök igen."
            ) from None

    def dispose(self) -> None:
        self.engine.dispose()


def _make_engine(url: str) -> Engine:
    """The engine for `url`; a StoreError naming REMISS_DATABASE_URL when it cannot be one."""
    try:
        if not url.startswith("sqlite"):
            return create_engine(url, pool_pre_ping=True)
        database = make_url(url).database
        if database and database != ":memory:":
            _make_folder(Path(database).parent)  # a fresh REMISS_HOME
        engine = create_engine(url, connect_args={"timeout": 30})
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StoreError(
            f"REMISS_DATABASE_URL='{_without_password(url)}' kan inte användas: {describe_database(exc)}."
        ) from None
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = "det är en fil, inte en mapp" if folder.is_file() else os_reason(exc)
        raise StoreError(
            f"Mappen {folder} för databasen kan inte skapas ({reason}); "
            "kontrollera REMISS_HOME eller REMISS_DATABASE_URL."
        ) from None


def _without_password(url: str) -> str:
    """The URL as given, but never its password (it goes to the screen and to logs)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


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
