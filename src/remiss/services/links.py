"""A nämnd's personal answer link: `REMISS_BASE_URL/svar/<token>`, one live link per nämnd and round.

The token is 192 random bits (`secrets.token_urlsafe(24)`) and only its sha256 is stored, so
the database alone never yields a working link. Issuing a new link (at launch, on a resend,
or from the desk) replaces the old one; revoking ends it. An old or revoked link is told
apart from an unknown one so the page can say in Swedish what happened. The token itself is
never written to the audit log or any other log: entries name the link by its row id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import os
import secrets
import urllib.parse
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from remiss.errors import ConfigError, NotFoundError
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.link_schema import AnswerLinkRow
from remiss.store.schema import utcnow

DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # `remiss serve`'s own address when REMISS_BASE_URL is unset
TOKEN_BYTES = 24  # 192 bits


class LinkState(StrEnum):
    LIVE = "live"
    REPLACED = "replaced"  # a newer link was issued
    REVOKED = "revoked"  # ended from the desk, no newer link yet
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Link:
    """What a token opens: its state and, unless unknown, whose round it belongs to."""

    state: LinkState
    round_id: str | None = None
    organisation_id: str | None = None
    link_id: int | None = None
    token_hash: str | None = None
    ended_at: dt.datetime | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def base_url() -> str:
    """REMISS_BASE_URL, checked (see `checked_base_url`), else serve's own loopback address —
    unless mail leaves this machine: then every nämnd would get a link only this machine can open
    (a worker or a CLI set up with the city's SMTP server and no REMISS_BASE_URL)."""
    raw = (os.environ.get("REMISS_BASE_URL") or "").strip()
    if raw:
        return checked_base_url(raw)
    outside = _mail_leaves_machine()
    if outside:
        raise ConfigError(
            f"REMISS_BASE_URL är inte satt, men breven går ut via {outside}: länkarna till nämndernas "
            f"sidor skulle gå till {DEFAULT_BASE_URL}, som bara fungerar på den här datorn. Sätt "
            "REMISS_BASE_URL till skrivbordets adress, t.ex. https://remiss.stad.example.se."
        )
    return DEFAULT_BASE_URL


def _mail_leaves_machine() -> str | None:
    """The setting through which mail goes to another machine, if any (a loopback SMTP server,
    as in a trial or the tests, keeps the links on this machine too)."""
    block = (os.environ.get("REMISS_SMTP_BLOCK") or "").strip()
    if block:
        return f"REMISS_SMTP_BLOCK={block}"
    host = (os.environ.get("REMISS_SMTP_HOST") or "").strip()
    if not host or host.lower() == "localhost":
        return None
    try:
        if ipaddress.ip_address(host.strip("[]")).is_loopback:
            return None
    except ValueError:
        pass  # a host name
    return f"REMISS_SMTP_HOST={host}"


def checked_base_url(raw: str) -> str:
    """The desk's public address as links use it: http(s), a host, nothing after it.

    Every mail carries it: without a scheme the link cannot be clicked, and the desk's pages
    use paths from the root, so it cannot live under a sub-path of another site.
    """
    parts = urllib.parse.urlsplit(raw.strip().rstrip("/"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"REMISS_BASE_URL='{raw}' ska vara skrivbordets adress med http:// eller https:// först, "
            "t.ex. https://remiss.stad.example.se."
        )
    if parts.path or parts.query or parts.fragment:
        raise ConfigError(
            f"REMISS_BASE_URL='{raw}': skrivbordet ligger i roten av sin adress och kan inte ha en sökväg "
            f"({parts.path or parts.query or parts.fragment}); ge det ett eget värdnamn, "
            "t.ex. https://remiss.stad.example.se."
        )
    return f"{parts.scheme}://{parts.netloc}"


def link_url(token: str, base: str | None = None) -> str:
    return f"{(base or base_url()).rstrip('/')}/svar/{token}"


def issue_link(session: Session, round_id: str, org_id: str, *, by: str) -> str:
    """A new live link for `org_id` in `round_id` (in the caller's transaction); the old one is replaced."""
    now = utcnow()
    session.execute(
        update(AnswerLinkRow)
        .where(
            AnswerLinkRow.round_id == round_id,
            AnswerLinkRow.organisation_id == org_id,
            AnswerLinkRow.revoked_at.is_(None),
        )
        .values(revoked_at=now, revoked_by=by, replaced=True)
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = AnswerLinkRow(
        token_hash=token_hash(token), round_id=round_id, organisation_id=org_id, created_by=by, created_at=now
    )
    session.add(row)
    session.flush()
    audit.record(session, "link.issued", round_id, org_id, actor=by, link=row.id)
    return token


def mail_link(session: Session, round_id: str, org_id: str, *, by: str) -> str:
    """The URL a request mail carries: a fresh link (the one in any earlier mail is replaced)."""
    return link_url(issue_link(session, round_id, org_id, by=by))


def follow_up_link(session: Session, round_id: str, org_id: str, *, by: str) -> str | None:
    """The URL a later mail to the nämnd carries (a request for completion): only the token's hash
    is stored, so the link is repeated by `mail_link` as a fresh one when the nämnd has a live
    link; a link ended from the desk stays ended (None)."""
    return mail_link(session, round_id, org_id, by=by) if has_live_link(session, round_id, org_id) else None


def reissue(work: Work, org_id: str) -> str:
    """A new link for `org_id` from the desk or the CLI; returns its URL (the old link is replaced)."""
    _check_recipient(work, org_id)
    with work.db.session() as session:
        return mail_link(session, work.round_id, org_id, by=work.by)


def revoke(work: Work, org_id: str) -> int:
    """End `org_id`'s live link; returns how many links were ended (0: it had none)."""
    _check_recipient(work, org_id)
    with work.db.session() as session:
        ended = session.execute(
            update(AnswerLinkRow)
            .where(
                AnswerLinkRow.round_id == work.round_id,
                AnswerLinkRow.organisation_id == org_id,
                AnswerLinkRow.revoked_at.is_(None),
            )
            .values(revoked_at=work.moment(), revoked_by=work.by, replaced=False)
        ).rowcount
        audit.record(session, "link.revoked", work.round_id, org_id, actor=work.by, ended=ended)
    return int(ended or 0)


def resolve(session: Session, token: str) -> Link:
    """What `token` opens; an unknown token and a malformed one look the same."""
    if not token or len(token) > 200:
        return Link(LinkState.UNKNOWN)
    digest = token_hash(token)
    row = session.scalar(select(AnswerLinkRow).where(AnswerLinkRow.token_hash == digest))
    if row is None:
        return Link(LinkState.UNKNOWN)
    if row.revoked_at is None:
        state = LinkState.LIVE
    else:
        state = LinkState.REPLACED if row.replaced else LinkState.REVOKED
    return Link(state, row.round_id, row.organisation_id, row.id, digest, row.revoked_at)


def has_live_link(session: Session, round_id: str, org_id: str) -> bool:
    return (
        session.scalar(
            select(AnswerLinkRow.id).where(
                AnswerLinkRow.round_id == round_id,
                AnswerLinkRow.organisation_id == org_id,
                AnswerLinkRow.revoked_at.is_(None),
            )
        )
        is not None
    )


def _check_recipient(work: Work, org_id: str) -> None:
    if org_id not in work.round.recipients:
        known = ", ".join(work.round.recipient_ids) or "inga"
        raise NotFoundError(
            f"'{org_id}' är inte mottagare av omgången '{work.round_id}'. Mottagare: {known}."
        )
