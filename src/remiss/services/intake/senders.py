"""Whom remiss may mail on its own: the city's mail server must never become a relay.

A refusal or a receipt goes to a sender only when the address is in the catalog or its domain
is one of the city's own (REMISS_MAIL_DOMAINS). Never to Reply-To, never to a stranger who
can make the city mail anyone by putting their address in a message.
"""

from __future__ import annotations

from remiss.mail.settings import answer_domains
from remiss.services.context import RoundContext


def may_answer(address: str | None, ctx: RoundContext) -> bool:
    """Whether `address` (lower case) is a catalog address or in one of the city's domains."""
    if not address or "@" not in address:
        return False
    known = {e.strip().lower() for o in ctx.catalog.organisations for e in o.email}
    return address in known or address.rsplit("@", 1)[1] in answer_domains()
