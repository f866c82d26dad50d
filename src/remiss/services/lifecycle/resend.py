"""Issuing one nämnd its templates and request again (the reminder text offers this).

Each resend request is one new outbox message, keyed `resend:<round>:<org>:<request id>`:
the same request id (a retried web form, a rerun after a crash) gives the message already
recorded, never a second one. The templates are built again, so a moved deadline shows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from remiss.errors import NotFoundError, StateError
from remiss.services import launch
from remiss.services.context import RoundContext, load_context
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.schema import OutboxRow


@dataclass(frozen=True)
class Resent:
    round: str
    organisation: str
    name: str  # förvaltning
    key: str  # the outbox key of the request
    eml: str
    docx: str
    xlsx: str
    new: bool  # False: this request id had already been resent; nothing new was written


def resend(work: Work, org_id: str, *, request_id: str | None = None) -> Resent:
    """Write `org_id`'s templates and a new request e-mail (sent if `work.deliver`).

    `request_id` names the request (a web form's id): the same id never makes a second message.
    """
    round_id = work.round_id
    key = f"resend:{round_id}:{org_id}:{request_id or uuid.uuid4().hex[:12]}"
    try:
        with work.db.session() as session:
            ctx = load_context(session, round_id)
            check_resendable(ctx, org_id)
            earlier = _recorded(session, ctx, org_id, key)
            if earlier is not None:
                return earlier
            return reissue(session, replace(work, round=ctx), org_id, key)
    except IntegrityError:  # the same request, recorded by another process meanwhile
        with work.db.session() as session:
            found = _recorded(session, load_context(session, round_id), org_id, key)
        if found is None:
            raise
        return found


def reissue(session: Session, work: Work, org_id: str, key: str) -> Resent:
    """The templates and a request under `key`, in the caller's transaction (`work.round` fresh)."""
    ctx = work.round
    eml_name = f"begaran-{key.rsplit(':', 1)[1]}.eml"
    issued = launch.issue(session, work, org_id, key=key, eml_name=eml_name)
    audit.record(session, "request.resent", ctx.round_id, org_id, actor=work.by, key=key, eml=eml_name)
    name = ctx.organisation(org_id).forvaltning
    return Resent(ctx.round_id, org_id, name, key, str(issued.eml), str(issued.docx), str(issued.xlsx), True)


def check_resendable(ctx: RoundContext, org_id: str) -> None:
    if org_id not in ctx.recipients:
        known = ", ".join(ctx.recipient_ids) or "inga"
        raise NotFoundError(f"'{org_id}' är inte mottagare av omgången '{ctx.round_id}'. Mottagare: {known}.")
    if not ctx.launched:
        raise StateError(
            f"Omgången '{ctx.round_id}' är inte utskickad än; `remiss round launch {ctx.round_id}` "
            "skickar mallarna till alla mottagare."
        )
    if ctx.closed:
        raise StateError(
            f"Omgången '{ctx.round_id}' är stängd och tar inte emot svar; mallarna skickas inte igen. "
            f"Öppna den med `remiss round reopen {ctx.round_id}` först."
        )


def _recorded(session: Session, ctx: RoundContext, org_id: str, key: str) -> Resent | None:
    row = session.scalar(select(OutboxRow).where(OutboxRow.key == key))
    if row is None:
        return None
    docx, xlsx = launch.file_names(ctx, org_id)
    folder = Path(row.eml_path).parent
    name = ctx.organisation(org_id).forvaltning
    return Resent(
        ctx.round_id, org_id, name, key, row.eml_path, str(folder / docx), str(folder / xlsx), False
    )
