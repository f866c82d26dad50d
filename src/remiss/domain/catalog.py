"""Nämnder/förvaltningar that can receive a remiss, grouped as the annex prints them."""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, model_validator

from remiss.domain.collation import swedish_key

SLUG = r"^[a-z0-9][a-z0-9-]*$"


class Group(StrEnum):
    """The annex's top-level headings, in the order seed 001 prints them."""

    FACK = "fack"
    STADSDEL = "stadsdel"
    BOLAG = "bolag"

    @property
    def heading(self) -> str:
        return GROUP_HEADINGS[self]

    @property
    def label(self) -> str:
        """One organisation's kind, singular: 'Fackförvaltning'."""
        return GROUP_LABELS[self]

    @property
    def order(self) -> int:
        return list(Group).index(self)


GROUP_HEADINGS = {
    Group.FACK: "Fackförvaltningar",
    Group.STADSDEL: "Stadsdelsförvaltningar",
    Group.BOLAG: "Bolag",
}
GROUP_LABELS = {
    Group.FACK: "Fackförvaltning",
    Group.STADSDEL: "Stadsdelsförvaltning",
    Group.BOLAG: "Bolag",
}


class Organisation(BaseModel):
    """One recipient: the nämnd that decides and the förvaltning that writes the answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=SLUG, max_length=40)
    group: Group
    namnd: str = Field(min_length=2)
    forvaltning: str = Field(min_length=2, description="Name as the annex prints it.")
    email: list[str] = Field(min_length=1)
    registrator: str | None = None
    chef: str | None = None

    @property
    def sort_key(self) -> tuple[int, bytes]:
        return (self.group.order, swedish_key(self.forvaltning))


class Catalog(BaseModel):
    """All organisations; looked up by id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    organisations: list[Organisation]

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalog:
        seen: set[str] = set()
        for org in self.organisations:
            if org.id in seen:
                raise ValueError(f"organisationen '{org.id}' finns två gånger i katalogen")
            seen.add(org.id)
        return self

    @cached_property
    def by_id(self) -> dict[str, Organisation]:
        return {org.id: org for org in self.organisations}

    def get(self, org_id: str) -> Organisation | None:
        return self.by_id.get(org_id)

    def in_annex_order(self, ids: list[str] | None = None) -> list[Organisation]:
        """Group order, then Swedish alphabetical order of the förvaltning's name."""
        orgs = self.organisations if ids is None else [self.by_id[i] for i in ids]
        return sorted(orgs, key=lambda org: org.sort_key)
