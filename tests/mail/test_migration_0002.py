"""Migration 0002 on a database written by 0001: refused until upgraded, then old rows stay valid."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text

from remiss.errors import StoreError
from remiss.mail.settings import smtp_from_mapping
from remiss.services import outbox
from remiss.store import migrate
from remiss.store.database import Database


def test_0001_database_is_refused_then_upgraded_with_old_messages_left_unsent(store_url, smtp):
    engine = create_engine(store_url)
    migrate.upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO outbox (key, kind, recipients, subject, message_id, eml_path, created_at,"
                " attempts) VALUES ('request:x:y', 'request', :recipients, 'Remiss', '<m@x>', '/x.eml',"
                " :now, 0)"
            ),
            {"recipients": '["a@example.org"]', "now": dt.datetime(2016, 4, 1, tzinfo=dt.UTC)},
        )
    engine.dispose()
    database = Database(store_url)
    with pytest.raises(StoreError, match="Kör `remiss db upgrade`"):
        database.ensure_schema()
    assert database.upgrade_schema() == ("0001", migrate.head_revision(database.engine))
    database.ensure_schema()
    with database.session() as session:
        row = session.execute(text("SELECT deliver, cc, claimed_until FROM outbox")).one()
    assert (bool(row.deliver), row.claimed_until) == (False, None) and row.cc in ([], "[]")
    # Written before SMTP existed: an .eml only, never sent now that a server is configured.
    settings = smtp_from_mapping({"host": "127.0.0.1", "port": smtp.port, "security": "none"}, "test")
    assert outbox.dispatch(database, settings).sent == []
    database.dispose()
