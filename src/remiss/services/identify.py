"""Deciding which round and organisation a returned file belongs to, and refusing liars.

Properties are tried first (and checked against the HMAC token, so an edited
`remiss.organisation` is caught), then the visible footer/sheet reference.
"""

from __future__ import annotations

from dataclasses import dataclass

from remiss.documents.model import Evidence
from remiss.errors import RejectedFile
from remiss.identity import FileIdentity, token_matches
from remiss.services.context import RoundContext


@dataclass(frozen=True)
class Identified:
    organisation_id: str
    identified_by: str  # "egenskaper" | "referens"


def identify(evidence: Evidence, ctx: RoundContext, name: str) -> Identified:
    identity = FileIdentity.from_properties(evidence.properties)
    if identity is not None:
        _check_round(identity.round_id, ctx, name)
        _check_recipient(identity.organisation_id, ctx, name)
        if not token_matches(ctx.secret, ctx.round_id, identity.organisation_id, identity.token):
            raise RejectedFile(
                f"{name}: uppgiften om organisation ({identity.organisation_id}) stämmer inte med filens "
                "kontrollkod. Filen har ändrats eller märkts om och tas inte emot; använd den mall "
                "som skickades till er nämnd.",
                code="token-mismatch",
            )
        return Identified(identity.organisation_id, "egenskaper")
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
        return Identified(org_id, "referens")
    raise RejectedFile(
        f"{name} kunde inte identifieras: filen saknar remissens dokumentegenskaper och referens. "
        "Använd den Word- eller Excelmall som skickades med remissen.",
        code="unidentified",
    )


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
            f"{name}: organisationen '{org_id}' är inte mottagare av omgången '{ctx.round_id}'.",
            code="unknown-organisation",
        )
