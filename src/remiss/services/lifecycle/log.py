"""The audit log of a round, as sentences a coordinator reads: when, who, what, for whom."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from remiss.domain.outcomes import refusal_label
from remiss.errors import NotFoundError
from remiss.services.work import Work
from remiss.store.schema import AuditRow, OrganisationRow

Detail = dict[str, Any]


@dataclass(frozen=True)
class LogEntry:
    at: dt.datetime
    actor: str | None  # None for steps recorded before actors were (schema 0003)
    action: str  # e.g. file.withdrawn
    organisation: str | None
    text: str  # Swedish
    detail: Detail = field(default_factory=dict)


def read_log(work: Work, *, organisation: str | None = None, limit: int | None = None) -> list[LogEntry]:
    """The round's audit log, oldest first (the latest `limit` entries when given)."""
    round_id = work.round_id
    with work.db.session() as session:
        if organisation is not None and session.get(OrganisationRow, organisation) is None:
            raise NotFoundError(f"Organisationen '{organisation}' finns inte i katalogen.")
        query = select(AuditRow).where(AuditRow.round_id == round_id)
        if organisation is not None:
            query = query.where(AuditRow.organisation_id == organisation)
        rows = list(session.scalars(query.order_by(AuditRow.id.desc()).limit(limit)))
    return [
        LogEntry(r.at, r.actor, r.action, r.organisation_id, describe(r.action, r.detail), dict(r.detail))
        for r in reversed(rows)
    ]


def describe(action: str, detail: Detail) -> str:
    """One Swedish sentence for an audit entry; an unknown action is shown as it was recorded."""
    words = _TEXTS.get(action)
    if words is None:
        return f"{action}: {detail}" if detail else action
    return words(detail)


# What an outbox key's first part means to a reader of the log (the key itself is for the machine).
_MAIL_KINDS = {
    "request": "förfrågan med mallarna",
    "resend": "mallarna igen",
    "receipt": "kvittens",
    "reminder": "påminnelse",
    "completion": "begäran om komplettering",
    "refusal": "besked om avvisad fil",
    "unhandled": "besked om meddelande som inte kunde hanteras",
}


def _mail(detail: Detail) -> str:
    kind = str(detail.get("key") or "").split(":", 1)[0]
    return _MAIL_KINDS.get(kind, "meddelande")


def _name(detail: Detail, key: str = "file") -> str:
    return Path(str(detail.get(key) or "")).name or "–"


def _yes(flag: object, text: str) -> str:
    return text if flag else ""


_TEXTS: dict[str, Callable[[Detail], str]] = {
    "round.created": lambda d: f"Omgången skapades från {_name(d)}.",
    "round.launched": lambda d: "Omgången skickades ut.",
    "round.issued": lambda d: f"Mallar och begäran skrevs: {', '.join(d.get('files', []))}.",
    "round.deadline": lambda d: (
        f"Sista svarsdag flyttades från {d.get('previous')} till {d.get('deadline')}."
    ),
    "round.closed": lambda d: "Omgången stängdes: inga fler svar tas emot.",
    "round.reopened": lambda d: "Omgången öppnades igen.",
    "recipient.added": lambda d: "Lades till som mottagare.",
    "recipient.reinstated": lambda d: "Blev mottagare igen.",
    "recipient.withdrawn": lambda d: "Togs bort som mottagare (filerna finns kvar).",
    "request.resent": lambda d: f"Mallar och begäran skickades igen ({d.get('eml')}).",
    "extension.granted": lambda d: (
        f"Fick anstånd till {d.get('until')}"
        + (f" (tidigare {d['previous']})." if d.get("previous") else ".")
    ),
    "file.accepted": lambda d: (
        f"Filen {_name(d)} togs emot som version {d.get('version')}" + _yes(d.get("late"), ", sent") + "."
    ),
    "file.rejected": lambda d: f"Filen {_name(d)} avvisades: {refusal_label(d.get('code'))}.",
    "file.withdrawn": lambda d: (
        f"Filen {_name(d)} (id {d.get('file_id')}, version {d.get('version')}) återkallades "
        f"och räknas inte"
        + (f"; version {d['current']} gäller nu" if d.get("current") else "")
        + "."
        + (f" Skäl: {d['reason']}" if d.get("reason") else "")
    ),
    "file.attributed": lambda d: (
        f"Filen {_name(d)} (id {d.get('file_id')}) knöts till organisationen "
        f"och togs emot som version {d.get('version')}" + _yes(d.get("late"), ", sen") + "."
    ),
    "file.pending": lambda d: (
        f"Filen {_name(d)} saknade kontrollkod och väntar på att samordnaren bekräftar den."
    ),
    "file.confirmed": lambda d: (
        f"Den väntande filen {_name(d)} bekräftades och gäller nu som version {d.get('version')}."
    ),
    "link.issued": lambda d: f"En personlig svarslänk skapades (länk {d.get('link')}).",
    "link.revoked": lambda d: "Svarslänken spärrades.",
    "web.submitted": lambda d: f"Svaret skickades in på nämndens sida ({d.get('files')} filer).",
    "mail.unhandled": lambda d: (
        f"Ett meddelande från {d.get('sender') or 'okänd avsändare'} kunde inte hanteras: {d.get('reason')}"
    ),
    "user.added": lambda d: f"Kontot {d.get('user')} lades till ({d.get('role')}).",
    "user.changed": lambda d: f"Kontot {d.get('user')} fick nytt lösenord och rollen {d.get('role')}.",
    "user.disabled": lambda d: f"Kontot {d.get('user')} spärrades.",
    "user.login": lambda d: f"{d.get('user')} loggade in.",
    "user.logout": lambda d: f"{d.get('user')} loggade ut.",
    "reminder.written": lambda d: f"Påminnelse skrevs ({d.get('slot')}, {_STATUS.get(d.get('status'), '')}).",
    "mail.taken": lambda d: (
        f"Meddelande från {d.get('sender') or 'okänd avsändare'} hämtades ({d.get('files')} bifogade filer)."
    ),
    "mail.sent": lambda d: (
        f"E-post skickades: {_mail(d)}."
        + (f" Togs inte emot av {', '.join(d['refused'])}." if d.get("refused") else "")
    ),
    "mail.failed": lambda d: f"E-post kunde inte skickas ({_mail(d)}): {d.get('error')}",
    "annex.final": lambda d: f"Slutlig bilaga skrevs: {_name(d, 'output')}.",
    "review.completion": lambda d: (
        f"Komplettering begärdes: {d.get('message')}"
        + (f" Ny sista svarsdag {d['new_deadline']}." if d.get("new_deadline") else "")
    ),
    "review.approved": lambda d: "Svaret godkändes.",
}
_STATUS = {"missing": "saknas", "incomplete": "ofullständig", "complete": "komplett"}
