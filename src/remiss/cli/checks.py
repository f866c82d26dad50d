"""What a command checks before it starts work: the mistakes that need no Prefect to find.

A flow-running command pays for Prefect's import and API start before its first task runs;
an unknown round, a missing file or an output folder that cannot be written are found here
with plain services first, and reported in about a second.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import tempfile
from pathlib import Path

from remiss.errors import InputError, NotFoundError, StateError, os_reason
from remiss.services import operations
from remiss.services.context import RoundContext
from remiss.services.work import Work, open_work
from remiss.settings import Workspace


def workspace() -> Workspace:
    """The workspace, which must exist: only `round create`, `demo` (and `user add`) make one.

    Reading from a folder with no database would otherwise create an empty workspace there.
    """
    found = Workspace.from_env()
    if not found.exists and not found.home.is_file():  # a file: the store says so
        where = (
            f"i {found.home} än (ingen remiss.db där). Ange rätt mapp med REMISS_HOME"
            if not os.environ.get("REMISS_DATABASE_URL")
            else f"med databasen {found.database_url} än. Ange rätt databas med REMISS_DATABASE_URL"
        )
        raise NotFoundError(
            f"Det finns ingen arbetsmapp {where}, eller skapa en arbetsmapp med remiss round create "
            "FIL.yaml (eller remiss demo)."
        )
    return found


def round_work(round_id: str) -> Work:
    """Work on the round as stored; a NotFoundError naming the known rounds when there is none."""
    return open_work(workspace(), round_id)


def round_context(round_id: str) -> RoundContext:
    return round_work(round_id).round


def launched_round(round_id: str, action: str) -> RoundContext:
    """The round, which must have been launched for `action` (e.g. "samla in svar") to mean anything."""
    return launched(round_work(round_id), action).round


def launched(work: Work, action: str) -> Work:
    """`work`, whose round must have been launched for `action` to mean anything."""
    round_id, ctx = work.round_id, work.round
    if not ctx.launched:
        raise StateError(
            f"Omgången '{round_id}' är inte utskickad än, så det finns inga svar att {action}. "
            f"Skicka ut den först: remiss round launch {round_id}"
        )
    return work


def existing_paths(paths: list[Path]) -> list[Path]:
    """`paths` as given, after checking that each exists."""
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        which = "Filen eller mappen" if len(missing) == 1 else "Filerna eller mapparna"
        raise NotFoundError(f"{which} {', '.join(missing)} finns inte.")
    return paths


def output_file(path: Path, option: str, suffix: str) -> Path:
    """`path` made absolute, after checking that a `suffix` file can be written there.

    The folder is probed with a real temporary file: permission bits say nothing for root,
    a read-only mount or a network share.
    """
    target = path.expanduser().absolute()
    named = f"{option} {path}"
    if target.suffix.lower() != suffix:
        raise InputError(f"{named}: filen ska sluta på {suffix}, t.ex. {target.with_suffix(suffix).name}.")
    if target.is_dir():
        raise InputError(f"{named} är en mapp; ange ett filnamn i den, t.ex. {target / ('fil' + suffix)}.")
    folder = target.parent
    if not folder.exists():
        raise NotFoundError(f"{named}: mappen {folder} finns inte.")
    if not folder.is_dir():
        raise InputError(f"{named}: {folder} är ingen mapp.")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".remiss-", suffix=".tmp"):
            pass
    except OSError as exc:
        # The folder exists: "no such file" here means it takes no new files (/proc, /sys).
        missing = exc.errno == errno.ENOENT and folder.is_dir()
        reason = "mappen tar inte emot nya filer" if missing else os_reason(exc)
        raise InputError(f"{named}: remiss kan inte skriva i mappen {folder} ({reason}).") from None
    if target.exists() and not os.access(target, os.W_OK):
        raise InputError(f"{named}: filen finns och är skrivskyddad.")
    return target


def smtp_settings() -> None:
    """REMISS_SMTP_* as far as they can be checked without Prefect (a block is read by the flow)."""
    from remiss.mail.settings import smtp_from_env

    smtp_from_env()


def imap_settings() -> None:
    from remiss.mail.settings import imap_from_env

    imap_from_env()


def link_base() -> None:
    """REMISS_BASE_URL, which every answer link in a mail starts with."""
    from remiss.services.links import base_url

    base_url()


def desk_settings() -> None:
    """REMISS_BASE_URL and REMISS_MAX_UPLOAD_MB, read by serve's desk."""
    from remiss.settings import max_upload_bytes

    link_base()
    max_upload_bytes()


def intake_limits() -> None:
    """REMISS_MAX_FILE_MB and REMISS_PARSE_*: a wrong value is found before any file is read."""
    from remiss.documents.package import Limits
    from remiss.services.intake.pool import IntakeLimits

    Limits.from_env()
    IntakeLimits.from_env()


def nothing_to_launch(work: Work, *, quiet: bool = False) -> bool:
    """Whether `round launch` would do nothing: every recipient issued, and no mail to send.

    Says so (on stderr, unless `quiet`) and saves the Prefect start; with SMTP settings the
    flow still runs, since it also sends requests a killed run recorded but never sent.
    """
    from remiss.cli.render import errors
    from remiss.mail.settings import smtp_configured

    round_id, ctx = work.round_id, work.round
    smtp_settings()
    if not ctx.launched or smtp_configured():
        return False
    if operations.pending_launch(work):
        return False
    if quiet:
        return True
    count = len(ctx.recipients)
    who = f"alla {count} mottagare har" if count > 1 else "mottagaren har"
    errors.print(
        f"[yellow]Obs:[/] omgången '{round_id}' är redan utskickad: {who} fått sina mallar, "
        "så inget nytt skickades.",
        highlight=False,
        soft_wrap=True,
    )
    return True


def requested_after(round_id: str, today: dt.date) -> dict[str, dt.date]:
    """The organisations whose request went out after `today`, with that day (Stockholm).

    `--today` replays the calendar; a reminder on a day before the request would be a real
    message about a request its reader has not had yet.
    """
    from sqlalchemy import func, select

    from remiss.domain.calendar import stockholm_today
    from remiss.store.database import open_database
    from remiss.store.schema import IssuedDocumentRow

    first = func.min(IssuedDocumentRow.issued_at)
    query = (
        select(IssuedDocumentRow.organisation_id, first)
        .where(IssuedDocumentRow.round_id == round_id)
        .group_by(IssuedDocumentRow.organisation_id)
    )
    with open_database(workspace().database_url).session() as session:
        issued = {org: stockholm_today(at) for org, at in session.execute(query)}
    return {org: day for org, day in sorted(issued.items()) if day > today}


_CRON_FIELD = re.compile(r"[0-9A-Za-z*/,?#-]+")


def cron_expression(expression: str) -> str:
    """A cron schedule's shape (five fields), checked before Prefect is asked to parse it."""
    fields = expression.split()
    if len(fields) != 5 or not all(_CRON_FIELD.fullmatch(part) for part in fields):
        raise InputError(
            f"--cron '{expression}' är inget cron-schema: det har fem fält (minut timme dag månad "
            "veckodag), t.ex. '0 8 * * 1-5' för vardagar klockan 8."
        )
    return expression


def free_port(host: str, port: int, option: str) -> None:
    """That `remiss serve` can listen on host:port, found before Prefect starts (seconds) and in Swedish.

    uvicorn would otherwise log its own English error after the Prefect server was up, and a
    Prefect port held by another server would be taken for serve's own (its health answers).
    """
    import socket

    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if not 0 < port < 65536:
        raise InputError(f"{option} {port}: en port är ett tal mellan 1 och 65535.")
    try:
        family, kind, proto, _name, where = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror:
        raise InputError(f"--host {host}: ingen adress som den här datorn känner till.") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(where)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                reason = "ett annat program lyssnar redan där; välj en annan port"
            elif exc.errno == errno.EADDRNOTAVAIL:
                reason = f"adressen {host} finns inte på den här datorn; kontrollera --host"
            elif exc.errno == errno.EACCES:
                reason = "portar under 1024 kräver administratörsrättigheter; välj en högre port"
            else:
                reason = os_reason(exc)
            message = f"{option} {port}: remiss serve kan inte lyssna på {address} ({reason})."
            raise InputError(message) from None
