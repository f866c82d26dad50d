"""Creating a round: validate the YAML against the catalog and store it, all or nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from remiss import resources
from remiss.domain import Catalog, RoundDefinition
from remiss.domain.loading import load_round_and_catalog
from remiss.errors import StateError
from remiss.identity import make_token, new_secret
from remiss.store import audit
from remiss.store.schema import AssignmentRow, OrganisationRow, RecipientRow, RoundRow


def read_round_file(path: Path) -> tuple[RoundDefinition, Catalog]:
    """Parse a round file and the catalog it names (relative to it), or the bundled one."""
    return load_round_and_catalog(path, resources.default_catalog())


def create_round(session: Session, path: Path) -> tuple[RoundDefinition, bool]:
    """Store the round; returns (definition, created). Re-creating an identical round is a no-op."""
    definition, catalog = read_round_file(path)
    text = path.read_text(encoding="utf-8")
    existing = session.get(RoundRow, definition.id)
    if existing is not None:
        if existing.definition_yaml == text:
            return definition, False
        if existing.launched_at is not None:
            raise StateError(
                f"Omgången '{definition.id}' är redan utskickad och kan inte ändras. "
                "Ge den ändrade omgången ett nytt id."
            )
        _delete_round(session, definition.id)
    _upsert_organisations(session, catalog)
    _insert_round(session, definition, catalog, text)
    audit.record(session, "round.created", definition.id, file=str(path))
    return definition, True


def _upsert_organisations(session: Session, catalog: Catalog) -> None:
    for org in catalog.organisations:
        session.merge(
            OrganisationRow(
                id=org.id,
                group=org.group.value,
                namnd=org.namnd,
                forvaltning=org.forvaltning,
                email=list(org.email),
                registrator=org.registrator,
                chef=org.chef,
            )
        )
    session.flush()


def _insert_round(session: Session, definition: RoundDefinition, catalog: Catalog, text: str) -> None:
    secret = new_secret()
    session.add(
        RoundRow(
            id=definition.id,
            title=definition.title,
            diarienummer=definition.diarienummer,
            budget_year=definition.budget_year,
            deadline=definition.deadline,
            definition_yaml=text,
            secret=secret,
        )
    )
    session.flush()
    for org_id in definition.recipient_ids(catalog):
        add_recipient_rows(session, definition, catalog, secret, org_id)


def add_recipient_rows(
    session: Session, definition: RoundDefinition, catalog: Catalog, secret: str, org_id: str
) -> RecipientRow:
    """One recipient with its token and the åtgärder it answers, worked out now and kept.

    The stored assignments are what every later step reads, so a catalog changed by a
    later round never changes who answers what in this one.
    """
    recipient = RecipientRow(
        round_id=definition.id, organisation_id=org_id, token=make_token(secret, definition.id, org_id)
    )
    session.add(recipient)
    for assignment in definition.assignments_for(org_id, catalog):
        session.add(
            AssignmentRow(
                round_id=definition.id,
                measure_key=assignment.key,
                organisation_id=org_id,
                role=assignment.role,
            )
        )
    return recipient


def _delete_round(session: Session, round_id: str) -> None:
    for model in (AssignmentRow, RecipientRow):
        session.query(model).filter(model.round_id == round_id).delete()
    session.query(RoundRow).filter(RoundRow.id == round_id).delete()
    session.flush()
