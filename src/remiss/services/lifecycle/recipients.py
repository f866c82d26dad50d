"""Adding a recipient after launch (its templates and request are issued) and withdrawing one.

A withdrawn recipient keeps its row, token, assignments and files (nothing is deleted) but
is no longer asked: status, chase, the annex and collect leave it out (its files are
refused as from an organisation that is not a recipient). Adding it again reinstates it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from remiss.errors import NotFoundError, StateError
from remiss.services import launch
from remiss.services.context import RoundContext, load_context
from remiss.services.lifecycle.resend import reissue
from remiss.services.rounds import add_recipient_rows
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.schema import RecipientRow, utcnow


@dataclass(frozen=True)
class RecipientChange:
    round: str
    organisation: str
    name: str  # förvaltning
    change: str  # added | reinstated | withdrawn
    measures: int = 0  # the åtgärder it answers
    docx: str | None = None  # what was issued now (a launched round), else None
    xlsx: str | None = None
    eml: str | None = None
    notes: list[str] = field(default_factory=list)  # Swedish


def add_recipient(work: Work, org_id: str) -> RecipientChange:
    """Ask `org_id` too; in a launched round its templates and request go out at once."""
    round_id = work.round_id
    with work.db.session() as session:
        ctx = load_context(session, round_id)
        if org_id not in ctx.catalog.by_id:
            raise NotFoundError(
                f"'{org_id}' finns inte i katalogen. Organisationerna anges med sitt id i katalogen, t.ex. "
                f"{', '.join(sorted(ctx.catalog.by_id)[:3])}."
            )
        if ctx.closed:
            raise StateError(
                f"Omgången '{round_id}' är stängd; öppna den med `remiss round reopen {round_id}` först."
            )
        if org_id in ctx.recipients:
            raise StateError(f"{_name(ctx, org_id)} ({org_id}) är redan mottagare av omgången '{round_id}'.")
        change = _reinstate(session, round_id, org_id) or _insert(session, ctx, org_id)
        audit.record(session, f"recipient.{change}", round_id, org_id, actor=work.by)
    with work.db.session() as session:
        ctx = load_context(session, round_id)
        work = replace(work, round=ctx)
        measures = len(ctx.assignments(org_id))
        items = ctx.definition.vocabulary.item.many  # in the round's words
        none = f"{_name(ctx, org_id)} har inga {items} att svara för, bara övergripande."
        notes = [] if measures else [none]
        if not ctx.launched:
            notes.append("Omgången är inte utskickad än: mallarna skickas med `remiss round launch`.")
            return RecipientChange(round_id, org_id, _name(ctx, org_id), change, measures, notes=notes)
        if org_id in launch.pending_organisations(session, ctx):
            issued = launch.issue(session, work, org_id)
            docx, xlsx, eml = str(issued.docx), str(issued.xlsx), str(issued.eml)
        else:  # issued before it was withdrawn: a new request, like a resend
            resent = reissue(session, work, org_id, f"resend:{round_id}:{org_id}:{uuid.uuid4().hex[:12]}")
            docx, xlsx, eml = resent.docx, resent.xlsx, resent.eml
        return RecipientChange(round_id, org_id, _name(ctx, org_id), change, measures, docx, xlsx, eml, notes)


def withdraw_recipient(work: Work, org_id: str) -> RecipientChange:
    """Stop asking `org_id`: it is no longer listed, chased or printed in the annex."""
    round_id = work.round_id
    with work.db.session() as session:
        ctx = load_context(session, round_id)
        row = session.get(RecipientRow, (round_id, org_id))
        if row is None or row.withdrawn_at is not None:
            known = ", ".join(ctx.recipient_ids) or "inga"
            raise NotFoundError(f"'{org_id}' är inte mottagare av omgången '{round_id}'. Mottagare: {known}.")
        row.withdrawn_at = utcnow()
        audit.record(session, "recipient.withdrawn", round_id, org_id, actor=work.by)
        notes = ["Mottagna filer finns kvar i arkivet men räknas inte."]
        return RecipientChange(
            round_id, org_id, _name(ctx, org_id), "withdrawn", len(ctx.assignments(org_id)), notes=notes
        )


def _reinstate(session: Session, round_id: str, org_id: str) -> str | None:
    row = session.get(RecipientRow, (round_id, org_id))
    if row is None:
        return None
    row.withdrawn_at = None
    return "reinstated"


def _insert(session: Session, ctx: RoundContext, org_id: str) -> str:
    add_recipient_rows(session, ctx.definition, ctx.catalog, ctx.secret, org_id)
    return "added"


def _name(ctx: RoundContext, org_id: str) -> str:
    return ctx.catalog.by_id[org_id].forvaltning
