"""A round as the services need it: definition, catalog and secret, loaded from the store."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from remiss.domain import Assignment, Catalog, Organisation, Role, RoundDefinition
from remiss.domain.loading import parse_round
from remiss.errors import NotFoundError
from remiss.identity import FileIdentity
from remiss.store.schema import AssignmentRow, OrganisationRow, RecipientRow, RoundRow

Assigned = dict[str, list[tuple[str, str]]]  # organisation -> [(measure key, role)], as stored


@dataclass(frozen=True)
class RoundContext:
    """Loaded once per flow run and passed by round id between tasks.

    `definition.deadline` is the round's deadline in force (moved with `remiss round
    deadline`, stored on the round row); `recipients` are those still asked (a withdrawn
    recipient is left out); `assigned` is who answers what, as the store holds it.
    """

    definition: RoundDefinition
    catalog: Catalog
    secret: str
    recipients: dict[str, RecipientRow]
    launched: bool
    closed: bool = False
    assigned: Assigned | None = None  # None: worked out from the definition (a round not stored)

    @property
    def round_id(self) -> str:
        return self.definition.id

    @cached_property
    def recipient_ids(self) -> list[str]:
        """Recipients in annex order (group, then Swedish alphabetical)."""
        return [org.id for org in self.catalog.in_annex_order(list(self.recipients))]

    def organisation(self, org_id: str) -> Organisation:
        return self.catalog.by_id[org_id]

    def assignments(self, org_id: str) -> list[Assignment]:
        """Worked out once per organisation: launch, collect and receipts ask many times."""
        cache = self._assignments
        if org_id not in cache:
            if self.assigned is None:
                cache[org_id] = self.definition.assignments_for(org_id, self.catalog)
            else:
                cache[org_id] = _from_store(self.definition, self.assigned.get(org_id, []))
        return list(cache[org_id])

    @cached_property
    def _assignments(self) -> dict[str, list[Assignment]]:
        return {}

    def __getstate__(self) -> dict[str, object]:
        """Pickled (for the parsing workers) without the memo: smaller, and the same every time."""
        return {k: v for k, v in self.__dict__.items() if k != "_assignments"}

    def identity(self, org_id: str) -> FileIdentity:
        return FileIdentity(self.round_id, org_id, self.recipients[org_id].token)

    def deadline_for(self, org_id: str) -> dt.date:
        """The round's deadline, or the organisation's extension (anstånd) if granted."""
        extended = self.recipients[org_id].extended_to
        deadline = self.definition.deadline
        return max(extended, deadline) if extended else deadline


def load_context(session: Session, round_id: str) -> RoundContext:
    row = session.get(RoundRow, round_id)
    if row is None:
        known = ", ".join(session.scalars(select(RoundRow.id))) or "inga"
        raise NotFoundError(f"Omgången '{round_id}' finns inte (kända omgångar: {known}).")
    catalog, definition, assigned, memo = _parsed(session, row)
    recipients = {
        r.organisation_id: r
        for r in session.scalars(
            select(RecipientRow).where(RecipientRow.round_id == round_id, RecipientRow.withdrawn_at.is_(None))
        )
    }
    for recipient in recipients.values():
        session.expunge(recipient)
    ctx = RoundContext(
        definition,
        catalog,
        row.secret,
        recipients,
        row.launched_at is not None,
        row.closed_at is not None,
        assigned,
    )
    ctx.__dict__["_assignments"] = memo  # shared: the same definition and assignments
    return ctx


_Parsed = tuple[Catalog, RoundDefinition, Assigned, dict[str, list[Assignment]]]
_parsed_cache: dict[str, tuple[object, _Parsed]] = {}  # round id -> (key, parsed)
_catalog_cache: dict[str, tuple[object, Catalog]] = {}
_cache_lock = threading.Lock()


def _parsed(session: Session, row: RoundRow) -> _Parsed:
    """The round's catalog, parsed definition and stored assignments, kept per process.

    Parsing the YAML and building a city's catalog and assignments is most of a desk
    request's work, and none of it changes between requests. The key is everything the
    parts are made of: the catalog's rows, the definition text and deadline, and the round's
    creation time with its number of assignment rows (assignments are only ever added, one
    recipient at a time, or deleted with the whole round).
    """
    organisations = tuple(
        session.execute(
            select(
                OrganisationRow.id,
                OrganisationRow.group,
                OrganisationRow.namnd,
                OrganisationRow.forvaltning,
                OrganisationRow.email,
                OrganisationRow.registrator,
                OrganisationRow.chef,
            ).order_by(OrganisationRow.id)
        ).tuples()
    )
    catalog_key = tuple((*o[:4], tuple(o[4] or ()), *o[5:]) for o in organisations)
    assignments = session.scalar(
        select(func.count()).select_from(AssignmentRow).where(AssignmentRow.round_id == row.id)
    )
    key = (catalog_key, row.definition_yaml, row.deadline, row.created_at, assignments)
    with _cache_lock:
        found = _parsed_cache.get(row.id)
        if found and found[0] == key:
            return found[1]
        cached_catalog = _catalog_cache.get("catalog")
    if cached_catalog and cached_catalog[0] == catalog_key:
        catalog = cached_catalog[1]
    else:
        catalog = Catalog(organisations=[_organisation(o) for o in session.scalars(select(OrganisationRow))])
    definition = parse_round(row.definition_yaml, catalog, name=f"omgången {row.id}")
    if row.deadline != definition.deadline:
        definition = definition.model_copy(update={"deadline": row.deadline})
    parsed = (catalog, definition, stored_assignments(session, row.id), {})
    with _cache_lock:
        _catalog_cache["catalog"] = (catalog_key, catalog)
        _parsed_cache[row.id] = (key, parsed)
    return parsed


def stored_assignments(session: Session, round_id: str) -> Assigned:
    """Who answers what in `round_id`: plain tuples, one query (a city round has tens of thousands)."""
    assigned: Assigned = {}
    rows = session.execute(
        select(AssignmentRow.organisation_id, AssignmentRow.measure_key, AssignmentRow.role).where(
            AssignmentRow.round_id == round_id
        )
    )
    for org_id, key, role in rows:
        assigned.setdefault(org_id, []).append((key, role))
    return assigned


def _from_store(definition: RoundDefinition, rows: list[tuple[str, str]]) -> list[Assignment]:
    """The stored assignments as domain objects, in the definition's report order."""
    measures = definition.measures_by_key
    order = {key: position for position, key in enumerate(measures)}
    found = sorted((order[key], key, role) for key, role in rows if key in measures)
    return [Assignment(*measures[key], Role(role)) for _, key, role in found]


def _organisation(row: OrganisationRow) -> Organisation:
    return Organisation(
        id=row.id,
        group=row.group,
        namnd=row.namnd,
        forvaltning=row.forvaltning,
        email=row.email,
        registrator=row.registrator,
        chef=row.chef,
    )
