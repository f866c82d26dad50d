"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no time zones: SQLAlchemy stores a datetime's wall-clock digits and drops its
offset, and hands back a naive value; PostgreSQL's `timestamptz` keeps the instant and hands
it back in the session's time zone. `UTCDateTime` stores every instant as UTC and always
returns an aware UTC datetime, so the same row reads the same on both back ends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """DateTime(timezone=True) in the DDL; aware UTC in Python. Naive input is read as local time."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
