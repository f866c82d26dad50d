"""A round definition: what is asked, of whom, by when, and what an answer looks like."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from remiss.domain.catalog import SLUG, Catalog, Group
from remiss.domain.validation import join_or
from remiss.swedish import join_and, parse_date

FIELD_ID = r"^[a-z][a-z0-9_]*$"
MEASURE_NUMBER = r"^\d+(\.\d+)*$"


class Role(StrEnum):
    """An organisation's part in an åtgärd: it answers for it, or shares in it."""

    ANSVARIG = "ansvarig"
    DELANSVAR = "delansvar"

    @property
    def label(self) -> str:
        """'Ansvarig', 'Delansvar', as column headings and the annex print it."""
        return self.value.capitalize()


GROUP_PREFIX = "group:"


def _day(value: object) -> object:
    """Dates arrive as text (see loading.py), so a wrong one is reported with its line."""
    if isinstance(value, str):
        return parse_date(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ValueError(f"'{value}' ska vara ett datum (ÅÅÅÅ-MM-DD)")


def _selector(value: str) -> str:
    """An organisation id, or group:<group>; an unknown group would silently match no one."""
    if value.startswith(GROUP_PREFIX) and value[len(GROUP_PREFIX) :] not in {g.value for g in Group}:
        allowed = join_or([f"{GROUP_PREFIX}{g.value}" for g in Group])
        raise ValueError(f"'{value}' är ingen känd grupp; tillåtna grupper: {allowed}")
    return value


Day = Annotated[dt.date, BeforeValidator(_day)]
Selector = Annotated[str, AfterValidator(_selector)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WordField(_Strict):
    """A rich-text answer field in the Word template (one content control per åtgärd)."""

    id: str = Field(pattern=FIELD_ID, max_length=24)
    label: str = Field(min_length=1)
    placeholder: str = Field(min_length=1)
    required: bool = True


class ExcelColumn(_Strict):
    """A structured, validated column in the Excel sheet (one row per åtgärd)."""

    id: str = Field(pattern=FIELD_ID, max_length=24)
    label: str = Field(min_length=1)
    type: Literal["choice", "text", "number"]
    choices: list[str] = Field(default_factory=list)
    min: float | None = None
    max: float | None = None
    required: bool = False
    help: str | None = None

    @model_validator(mode="after")
    def _choices_for_choice(self) -> ExcelColumn:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"kolumnen '{self.id}' är av typen choice men saknar choices")
        if self.type != "choice" and self.choices:
            raise ValueError(f"kolumnen '{self.id}' har choices men är inte av typen choice")
        return self


class ResponseFields(_Strict):
    general: WordField
    word: list[WordField] = Field(min_length=1)
    excel: list[ExcelColumn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> ResponseFields:
        ids = [f.id for f in self.word] + [c.id for c in self.excel]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"fält-id används mer än en gång: {', '.join(sorted(dupes))}")
        return self

    @property
    def excel_names(self) -> str:
        """'”Tidshorisont”, ”Motivering” och ”Kostnad”': the Excel columns as the nämnd's page and
        its receipts name them (a value typed on the page is no file)."""
        return join_and([f"”{c.label}”" for c in self.excel])


class Noun(_Strict):
    """A word the round uses for its items or their groups, as texts need it.

    Written in YAML as `[Fråga, frågor]` (singular as a heading prints it, plural as a
    sentence uses it) or as a mapping with `singular` and `plural`. Texts only ever need
    these two forms: "Fråga 2", "varje fråga", "3 frågor", "Frågor" at a sentence's start.
    """

    singular: str = Field(min_length=1, max_length=40)
    plural: str = Field(min_length=1, max_length=40)

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: object) -> object:
        if isinstance(value, str):
            raise ValueError(f"'{value}' ska vara två ord, singular och plural, t.ex. [Fråga, frågor]")
        if isinstance(value, list | tuple):
            if len(value) != 2 or not all(isinstance(v, str) for v in value):
                raise ValueError("ska vara två ord, singular och plural, t.ex. [Fråga, frågor]")
            return {"singular": value[0], "plural": value[1]}
        return value

    @field_validator("singular", "plural")
    @classmethod
    def _one_word_or_phrase(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value or any(c in value for c in ":{}<>"):
            raise ValueError(f"'{value}' kan inte användas som ord (inga kolon eller klammer)")
        return value

    @property
    def title(self) -> str:
        """The singular with a capital: 'Fråga' in '2 Fråga: …' and 'Fråga 2'."""
        return capitalised(self.singular)

    @property
    def one(self) -> str:
        """The singular inside a sentence: 'varje fråga'."""
        return lowered(self.singular)

    @property
    def many(self) -> str:
        """The plural inside a sentence: '3 frågor'."""
        return lowered(self.plural)

    @property
    def many_title(self) -> str:
        """The plural at a sentence's or a column's start: 'Frågor'."""
        return capitalised(self.plural)

    def count(self, n: int) -> str:
        """'1 fråga', '3 frågor'."""
        return f"{n} {self.one if n == 1 else self.many}"


def capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def lowered(word: str) -> str:
    """The first letter in lower case, unless the word is an abbreviation ('KPI', 'EU-mål')."""
    if len(word) > 1 and word[1].isupper():
        return word
    return word[:1].lower() + word[1:]


class Roles(_Strict):
    """What the two roles are called in texts: 'Ansvarig' / 'Delansvar', or e.g. 'Huvudansvarig'."""

    ansvarig: str = Field(default="Ansvarig", min_length=1, max_length=40)
    delansvar: str = Field(default="Delansvar", min_length=1, max_length=40)

    def of(self, role: str) -> str:
        """'Ansvarig' (a column's value, a lead-in)."""
        return self.ansvarig if role == "ansvarig" else self.delansvar

    def in_text(self, role: str) -> str:
        """'ansvarig' (inside a sentence or in parentheses)."""
        return lowered(self.of(role))


class Vocabulary(_Strict):
    """The round's own words for what is asked (item) and how it is grouped (group)."""

    item: Noun = Field(default_factory=lambda: Noun(singular="Åtgärd", plural="åtgärder"))
    group: Noun = Field(default_factory=lambda: Noun(singular="Delrapport", plural="delrapporter"))
    roles: Roles = Field(default_factory=Roles)


DEFAULT_WORDS = Vocabulary()  # the bundled round's words: Åtgärd / åtgärder, Delrapport / delrapporter


class AnnexOptions(_Strict):
    """How the compiled annex prints the round."""

    descriptions: bool = True  # each item's description under its heading, as seed 001 does


class Measure(_Strict):
    """An åtgärd: numbered within its delrapport (numbers repeat across delrapporter)."""

    number: str = Field(pattern=MEASURE_NUMBER)
    title: str = Field(min_length=1)
    description: str = ""
    ansvarig: list[Selector] = Field(default_factory=list)
    delansvar: list[Selector] = Field(default_factory=list)
    responsibility: str | None = Field(
        default=None, description="Free text shown in the template, e.g. naming kommunstyrelsen."
    )

    @field_validator("number", mode="before")
    @classmethod
    def _quoted(cls, value: object) -> object:
        """YAML reads 4.10 as the number 4.1: a number written bare is refused, never guessed."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, float):
            raise ValueError(f'{value} ska stå inom citattecken, "{value}", så att YAML inte läser ett tal')
        return value


class Report(_Strict):
    """A delrapport and its åtgärder."""

    id: str = Field(pattern=SLUG, max_length=24)
    title: str = Field(min_length=1)
    measures: list[Measure] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_numbers(self) -> Report:
        numbers = [m.number for m in self.measures]
        dupes = {n for n in numbers if numbers.count(n) > 1}
        if dupes:
            raise ValueError(f"åtgärd {', '.join(sorted(dupes))} finns två gånger i '{self.id}'")
        return self


class ReminderPolicy(_Strict):
    """When chase reminds, in Swedish working days relative to each organisation's deadline."""

    before: list[Annotated[int, Field(ge=1, le=60)]] = Field(default_factory=lambda: [7, 2])
    on_deadline: bool = True
    after_every: int | None = Field(default=3, ge=1, le=60)  # None: no reminders after the deadline
    escalate_to: list[Literal["registrator", "chef"]] = Field(default_factory=list)  # Cc after the deadline
    at: dt.time = dt.time(8, 0)  # when `remiss serve` runs chase, Europe/Stockholm

    @field_validator("at", mode="before")
    @classmethod
    def _clock(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return dt.time.fromisoformat(value)
            except ValueError:
                raise ValueError(f"'{value}' ska vara ett klockslag som \"08:00\"") from None
        return value


@dataclass(frozen=True)
class Assignment:
    """One organisation's responsibility for one åtgärd."""

    report: Report
    measure: Measure
    role: Role

    @property
    def key(self) -> str:
        return measure_key(self.report.id, self.measure.number)


def measure_key(report_id: str, number: str) -> str:
    """Stable id of an åtgärd within a round, e.g. 'samverkan/4.1.1'."""
    return f"{report_id}/{number}"


class RoundDefinition(_Strict):
    """Everything `remiss round create` reads from a round's YAML file."""

    id: str = Field(pattern=SLUG, max_length=40)
    title: str = Field(min_length=3)
    diarienummer: str = Field(min_length=1)
    budget_year: int | None = Field(
        default=None, ge=2000, le=2100, description="The budget the round prepares; none for a plain remiss."
    )
    deadline: Day
    sender: str = "Stadsledningskontoret"
    missing_text: str = "Skrivning saknas."
    catalog: str | None = Field(
        default=None, description="Catalog file, relative to the round file; default bundled."
    )
    instructions: str | None = None
    recipients: Literal["all"] | list[str] = "all"
    fields: ResponseFields
    reports: list[Report] = Field(min_length=1)
    reminders: ReminderPolicy = Field(default_factory=ReminderPolicy)
    vocabulary: Vocabulary = Field(default_factory=Vocabulary)
    annex: AnnexOptions = Field(default_factory=AnnexOptions)

    @field_validator("recipients", mode="before")
    @classmethod
    def _all_or_list(cls, value: object) -> object:
        if isinstance(value, str) and value != "all":
            raise ValueError(f"'{value}' är inte tillåtet; skriv all eller en lista med organisationernas id")
        return value

    @field_validator("reports")
    @classmethod
    def _unique_reports(cls, reports: list[Report]) -> list[Report]:
        ids = [r.id for r in reports]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"delrapport-id används mer än en gång: {', '.join(sorted(dupes))}")
        return reports

    @cached_property
    def shares_responsibility(self) -> bool:
        """Whether any item has delansvar: if none has, every recipient is simply ansvarig and the
        template does not print a role line under each item (a plain remiss of questions)."""
        return any(m.delansvar for r in self.reports for m in r.measures)

    @cached_property
    def measures_by_key(self) -> dict[str, tuple[Report, Measure]]:
        return {measure_key(r.id, m.number): (r, m) for r in self.reports for m in r.measures}

    def recipient_ids(self, catalog: Catalog) -> list[str]:
        """Recipients in annex order: 'all' means the whole catalog."""
        ids = [o.id for o in catalog.organisations] if self.recipients == "all" else self.recipients
        return [o.id for o in catalog.in_annex_order(list(ids))]

    def assignments_for(self, org_id: str, catalog: Catalog) -> list[Assignment]:
        """The åtgärder one organisation answers, in report order."""
        group = catalog.by_id[org_id].group
        found: list[Assignment] = []
        for report in self.reports:
            for measure in report.measures:
                role = _role_of(measure, org_id, group)
                if role:
                    found.append(Assignment(report, measure, role))
        return found

    def unknown_references(self, catalog: Catalog) -> list[str]:
        """Organisation ids named in the round that the catalog does not know."""
        return sorted({org_id for _, org_id in self.references() if catalog.get(org_id) is None})

    def references(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        """Every organisation id the round names, with where (as a validation error's `loc`)."""
        if self.recipients != "all":
            for index, org_id in enumerate(self.recipients):
                yield ("recipients", index), org_id
        for r, report in enumerate(self.reports):
            for m, measure in enumerate(report.measures):
                for role in ("ansvarig", "delansvar"):
                    for index, org_id in enumerate(getattr(measure, role)):
                        if not org_id.startswith(GROUP_PREFIX):
                            yield ("reports", r, "measures", m, role, index), org_id


def _role_of(measure: Measure, org_id: str, group: Group) -> Role | None:
    selectors = {org_id, f"{GROUP_PREFIX}{group.value}"}
    if selectors & set(measure.ansvarig):
        return Role.ANSVARIG
    if selectors & set(measure.delansvar):
        return Role.DELANSVAR
    return None
