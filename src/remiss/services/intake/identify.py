"""Deciding which round and organisation a returned file belongs to, and refusing liars.

In order of trust: the custom properties (checked against the HMAC token, so an edited
`remiss.organisation` is caught), the visible `remiss-ref` (checked against the token's
prefix), then — only when an editor stripped both — the issued file name
(`remissvar-<round>-<organisation>.docx`) and the template's heading block (Diarienummer,
Nämnd, Förvaltning). Those last two carry no token, so a file identified by them is
accepted with a warning, and refused when they contradict each other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from remiss.documents.model import Evidence
from remiss.errors import RejectedFile
from remiss.identity import FileIdentity, token_matches
from remiss.services.context import RoundContext

BY_PROPERTIES, BY_REFERENCE, BY_FILE_NAME, BY_HEADINGS = "egenskaper", "referens", "filnamn", "rubriker"
VERIFIED = frozenset({BY_PROPERTIES, BY_REFERENCE})  # checked against the round's token
FILE_NAME_PREFIX = "remissvar"
_SEPARATORS = re.compile(r"[\s_]+")
_WEAK = {BY_FILE_NAME: "filnamnet", BY_HEADINGS: "rubrikerna (nämnd och förvaltning)"}


@dataclass(frozen=True)
class Identified:
    organisation_id: str
    identified_by: str  # egenskaper | referens | filnamn | rubriker
    note: str | None = None  # a warning for the coordinator when the identification is weak


def identify(
    evidence: Evidence,
    ctx: RoundContext,
    name: str,
    headings: Callable[[], dict[str, str]] | None = None,
) -> Identified:
    """Who sent `name`; `headings` is called only when properties and reference are both gone."""
    identity = FileIdentity.from_properties(evidence.properties)
    if identity is not None:
        _check_round(identity.round_id, ctx, name)
        _check_recipient(identity.organisation_id, ctx, name)
        if not token_matches(ctx.secret, ctx.round_id, identity.organisation_id, identity.token):
            raise RejectedFile(
                f"{name}: uppgiften om organisation ({identity.organisation_id}) stämmer inte med filens "
                "kontrollkod: filen har ändrats eller märkts om, eller kommer från en annan "
                "utskickad omgång (en mall från en annan installation eller ett tidigare utskick). "
                "Den tas inte emot; använd den mall som skickades till er nämnd i den här omgången.",
                code="token-mismatch",
            )
        return Identified(identity.organisation_id, BY_PROPERTIES)
    if evidence.reference is not None:
        round_id, org_id, token_prefix = evidence.reference
        _check_round(round_id, ctx, name)
        _check_recipient(org_id, ctx, name)
        if not ctx.identity(org_id).token.startswith(token_prefix):
            raise RejectedFile(
                f"{name}: referensen i filen ({org_id}) stämmer inte med kontrollkoden. "
                "Filen tas inte emot; använd den mall som skickades till er nämnd.",
                code="token-mismatch",
            )
        return Identified(org_id, BY_REFERENCE)
    return _by_name_and_headings(ctx, name, headings() if headings else {})


def _by_name_and_headings(ctx: RoundContext, name: str, headings: dict[str, str]) -> Identified:
    named = org_from_file_name(name, ctx)
    diarienummer = headings.get("Diarienummer")
    if diarienummer and _plain(diarienummer) != _plain(ctx.definition.diarienummer):
        raise RejectedFile(
            f"{name} har diarienummer {diarienummer} i rubriken, inte omgångens "
            f"{ctx.definition.diarienummer}. Filen hör till en annan remiss; kontrollera att rätt fil "
            "skickades.",
            code="other-round",
        )
    headed = _org_from_headings(headings, ctx, name)
    if named and headed and named != headed:
        raise RejectedFile(
            f"{name}: filnamnet anger {ctx.organisation(named).namnd} men rubriken anger "
            f"{ctx.organisation(headed).namnd}, och filen saknar remissens dokumentegenskaper och referens. "
            "Filen tas inte emot; skicka den mall som skickades till er nämnd.",
            code="identity-conflict",
        )
    org_id, route = (named, BY_FILE_NAME) if named else (headed, BY_HEADINGS)
    if org_id is None:
        raise RejectedFile(
            f"{name} kunde inte identifieras: filen saknar remissens dokumentegenskaper och referens, "
            "och varken filnamnet eller rubrikerna anger en mottagare. "
            "Använd den Word- eller Excelmall som skickades med remissen.",
            code="unidentified",
        )
    _check_recipient(org_id, ctx, name)
    note = (
        f"{name} saknar remissens dokumentegenskaper och referens (filen har sparats om i ett annat "
        f"program) och identifierades genom {_WEAK[route]} som {ctx.organisation(org_id).namnd}. "
        "Kontrollera att den kommer från rätt nämnd."
    )
    return Identified(org_id, route, note)


def org_from_file_name(name: str, ctx: RoundContext) -> str | None:
    """The organisation in an issued file name, however it was cased, spaced or suffixed.

    "remissvar-sh-2016-bromma.docx", "REMISSVAR SH-2016 BROMMA (2).DOCX" -> "bromma"; a
    name of another round is refused; any other name gives None.
    """
    stem = _SEPARATORS.sub("-", unicodedata.normalize("NFC", name).rsplit(".", 1)[0].strip()).casefold()
    if not stem.startswith(FILE_NAME_PREFIX + "-"):
        return None
    rest = stem[len(FILE_NAME_PREFIX) + 1 :]
    candidates = sorted(ctx.catalog.by_id, key=len, reverse=True)
    if rest.startswith(ctx.round_id + "-"):
        after = rest[len(ctx.round_id) + 1 :]
        return next((org for org in candidates if _starts_word(after, org)), None)
    for org_id in candidates:
        at = rest.find("-" + org_id)
        if at > 0 and _starts_word(rest[at + 1 :], org_id):
            raise RejectedFile(
                f"{name}: filnamnet anger omgången '{rest[:at]}', inte '{ctx.round_id}', och filen saknar "
                "remissens dokumentegenskaper och referens. Kontrollera att rätt fil skickades.",
                code="other-round",
            )
    return None


def _org_from_headings(headings: dict[str, str], ctx: RoundContext, name: str) -> str | None:
    namnd, forvaltning = headings.get("Nämnd"), headings.get("Förvaltning")
    by_namnd = {_plain(o.namnd): o.id for o in ctx.catalog.organisations}
    by_forvaltning = {_plain(o.forvaltning): o.id for o in ctx.catalog.organisations}
    found = [
        by.get(_plain(value)) for value, by in ((namnd, by_namnd), (forvaltning, by_forvaltning)) if value
    ]
    known = {org for org in found if org}
    if len(known) > 1:
        raise RejectedFile(
            f"{name}: rubrikens nämnd ({namnd}) och förvaltning ({forvaltning}) hör till olika "
            "organisationer. Filen tas inte emot; skicka den mall som skickades till er nämnd.",
            code="identity-conflict",
        )
    if not known and found:
        stated = namnd or forvaltning
        raise RejectedFile(
            f"{name}: rubriken anger '{stated}', som inte är mottagare av omgången '{ctx.round_id}'.",
            code="unknown-organisation",
        )
    return known.pop() if known else None


def _starts_word(text: str, word: str) -> bool:
    return text.startswith(word) and (len(text) == len(word) or not text[len(word)].isalnum())


def _plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _check_round(round_id: str, ctx: RoundContext, name: str) -> None:
    if round_id != ctx.round_id:
        raise RejectedFile(
            f"{name} hör till omgången '{round_id}', inte till '{ctx.round_id}'. "
            "Kontrollera att rätt fil skickades.",
            code="other-round",
        )


def _check_recipient(org_id: str, ctx: RoundContext, name: str) -> None:
    if org_id not in ctx.recipients:
        raise RejectedFile(
            f"{name}: organisationen '{org_id}' är inte mottagare av omgången '{ctx.round_id}'. "
            "Filen tas inte emot; kontrollera att rätt mall användes.",
            code="unknown-organisation",
        )
