"""E-mails from Jinja2 templates, written as .eml files that are the record of what was sent."""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import unicodedata
from collections.abc import Mapping
from email import policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import formatdate
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

from remiss import resources
from remiss.errors import MailError, disk_error
from remiss.mail.settings import sender_address
from remiss.swedish import join_and


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, making each header class once rather than per header set.

    The stdlib builds a new class for every header assigned; a collection writes a receipt
    per file, and that was a quarter of the cost of each message.
    """

    @cache  # noqa: B019 - one registry for the process
    def __getitem__(self, name: str) -> type:
        return super().__getitem__(name)


POLICY = policy.default.clone(header_factory=_HeaderClasses())


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(resources.templates_dir() / "mail"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # plain-text mail, never HTML
    )
    environment.filters["join_and"] = join_and  # 'a, b och c'
    return environment


def render(template: str, **context: Any) -> tuple[str, str]:
    """(subject, body) from `templates/mail/<template>.txt.j2`; the subject is a `set` block."""
    try:
        tmpl = _environment().get_template(f"{template}.txt.j2")
        body = tmpl.render(**context)
        subject = str(tmpl.make_module(context).subject).strip()
    except TemplateError as exc:
        raise MailError(f"E-postmallen {template} kunde inte fyllas i: {exc}") from None
    return subject, body.strip() + "\n"


def one_line(text: str) -> str:
    """Header text with no line breaks or control characters: a stranger's file name in a subject
    can never start a header of its own (the e-mail library encodes the rest, RFC 2047)."""
    return " ".join(
        "".join(" " if unicodedata.category(c)[0] == "C" or c in "\u2028\u2029" else c for c in text).split()
    )


def message_id_for(key: str) -> str:
    """Deterministic Message-ID, so a resent message is recognisably the same one."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@remiss.invalid>"


def build_message(
    *,
    to: list[str],
    subject: str,
    body: str,
    key: str,
    cc: list[str] | None = None,
    attachments: list[Path] = (),  # type: ignore[assignment]
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """A message whose Message-ID follows from `key`: the same message keeps its id when resent."""
    message = EmailMessage(policy=POLICY)
    message["From"] = sender_address()
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = one_line(subject)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id_for(key)
    message["X-Remiss-Key"] = key
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body, charset="utf-8")
    for path in attachments:
        ctype, _ = mimetypes.guess_type(path.name)
        maintype, subtype = (ctype or "application/octet-stream").split("/", 1)
        message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return message


def write_eml(message: EmailMessage, path: Path) -> None:
    """Atomic write: a crash never leaves half an .eml behind."""
    tmp = path.with_suffix(".eml.tmp")
    data = bytes(message)
    try:
        try:
            tmp.write_bytes(data)
        except FileNotFoundError:  # the organisation's first message
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        fault = disk_error(exc, path)
        if fault is not None:
            raise fault from None
        raise
