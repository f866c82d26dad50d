"""What the routers share: the desk's state, a round's context, a transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from fastapi import Request
from sqlalchemy.orm import Session

from remiss.services.context import RoundContext, load_context

if TYPE_CHECKING:
    from remiss.web.app import Desk


def desk(request: Request) -> Desk:
    return request.app.state.desk


@contextmanager
def transaction(request: Request) -> Iterator[Session]:
    with desk(request).db.session() as session:
        yield session


def round_context(request: Request, round_id: str) -> RoundContext:
    with transaction(request) as session:
        return load_context(session, round_id)
