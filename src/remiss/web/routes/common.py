"""What the routers share: the desk's state, a round's context, a transaction."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import BackgroundTasks, Request
from sqlalchemy.orm import Session

from remiss.mail.settings import smtp_configured
from remiss.services.context import RoundContext, load_context

if TYPE_CHECKING:
    from remiss.web.app import Desk
    from remiss.web.runner import Runner


def desk(request: Request) -> Desk:
    return request.app.state.desk


@contextmanager
def transaction(request: Request) -> Iterator[Session]:
    with desk(request).db.session() as session:
        yield session


def round_context(request: Request, round_id: str) -> RoundContext:
    with transaction(request) as session:
        return load_context(session, round_id)


def deliver_later(request: Request, background: BackgroundTasks, round_id: str) -> None:
    """Send what a step just wrote to the outbox (a receipt, a completion request, templates)
    once the page is answered, when SMTP is configured; without it the .eml files are the record.
    Otherwise it would wait for the next reminder run or `remiss send`."""
    if smtp_configured():
        found = desk(request)
        background.add_task(_send, found.work, round_id, found.workspace.home / "remiss-web.log")


def _send(runner: Runner, round_id: str, log_file: Path) -> None:
    try:
        runner.send(round_id)  # a message that fails stays in the outbox and is tried again later
    except Exception as exc:
        try:
            with log_file.open("a", encoding="utf-8") as out:
                out.write("".join(traceback.format_exception(exc)))
        except OSError:
            pass
