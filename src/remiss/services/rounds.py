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
from remiss.store.schema import AssignmentRow, MeasureRow, OrganisationRow, RecipientRow, RoundRow


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
    for position, (key, (report, measure)) in enumerate(definition.measures_by_key.items()):
        session.add(
            MeasureRow(
                round_id=definition.id,
                key=key,
                report_id=report.id,
                number=measure.number,
                title=measure.title,
                position=position,
            )
        )
    for org_id in definition.recipient_ids(catalog):
        token = make_token(secret, definition.id, org_id)
        session.add(RecipientRow(round_id=definition.id, organisation_id=org_id, token=token))
        for assignment in definition.assignments_for(org_id, catalog):
            session.add(
                AssignmentRow(
                    round_id=definition.id,
                    measure_key=assignment.key,
                    organisation_id=org_id,
                    role=assignment.role,
                )
            )


def _delete_round(session: Session, round_id: str) -> None:
    for model in (AssignmentRow, RecipientRow, MeasureRow):
        session.query(model).filter(model.round_id == round_id).delete()
    session.query(RoundRow).filter(RoundRow.id == round_id).delete()
    session.flush()
