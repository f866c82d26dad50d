"""Deterministic Swedish demo answers for the demo's simulated returns.

Which organisations answer follows the spring 2016 annex (seed 001): 21 förvaltningar sent
a text, 10 did not ("Skrivning saknas"). The answers themselves are generated from the
sentence bank in `remiss.demo.phrases`, picked by a hash of organisation id and measure key,
so every run produces the same files. Paragraphs use a tiny markup: **bold**, *italic*,
and a leading "- " for a bullet item.

A few deliberate imperfections make the demo's status views interesting:
- some optional fields are left empty (their key is omitted);
- exactly one organisation (`INCOMPLETE`) leaves one required field unanswered;
- two organisations (`LATE`) return their files after the deadline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from remiss.demo import phrases
from remiss.documents.model import GENERAL
from remiss.documents.word.wordml import field_tag
from remiss.domain import Assignment, ExcelColumn, Group, Organisation, Role, RoundDefinition, WordField

T = TypeVar("T")

# Catalog ids, in catalog order. SILENT are the förvaltningar seed 001 prints as
# "Skrivning saknas"/"Skrivelse saknas".
ANSWERING: tuple[str, ...] = (
    "arbetsmarknad",
    "exploatering",
    "idrott",
    "kultur",
    "miljo",
    "stadsarkivet",
    "stadsbyggnad",
    "trafik",
    "utbildning",
    "bromma",
    "enskede-arsta-vantor",
    "farsta",
    "hagersten-liljeholmen",
    "hasselby-vallingby",
    "norrmalm",
    "rinkeby-kista",
    "skarpnack",
    "skarholmen",
    "sodermalm",
    "alvsjo",
    "ostermalm",
)
SILENT: tuple[str, ...] = (
    "fastighet",
    "kyrkogard",
    "revision",
    "service",
    "social",
    "valnamnden",
    "aldre",
    "overformyndare",
    "kungsholmen",
    "spanga-tensta",
)

INCOMPLETE = "farsta"  # leaves one required field empty
LATE: dict[str, int] = {"skarholmen": -3, "trafik": -1}  # days after the deadline, negative

_SKIP_OPTIONAL = 6  # about one optional field in six is left empty
_RICH = 12  # about one main comment in twelve gets paragraphs, bold and a bullet list


def _hash(*parts: str) -> int:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def _pick(options: Sequence[T], *parts: str) -> T:
    return options[_hash(*parts) % len(options)]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class _Voice:
    """How one organisation names itself in its answers."""

    org: Organisation
    now: int
    year: int

    def fill(self, template: str, topic: str = "", **extra: str) -> str:
        stadsdel = self.org.group is Group.STADSDEL
        namnd = self.org.namnd
        forv = f"Stadsdelsförvaltningen i {self.org.forvaltning}" if stadsdel else self.org.forvaltning
        return template.format(
            Namnd=namnd,
            namnd=namnd if stadsdel else _lower_first(namnd),
            Forv=forv,
            forv=_lower_first(forv),
            where=f"i {self.org.forvaltning}" if stadsdel else "inom nämndens område",
            topic=topic,
            now=self.now,
            year=self.year,
            **extra,
        )


def _voice(definition: RoundDefinition, org: Organisation) -> _Voice:
    # A plain remiss prepares no budget: its answers look to the year after the deadline.
    year = definition.budget_year or definition.deadline.year + 1
    return _Voice(org, now=definition.deadline.year, year=year)


def _topic(assignment: Assignment) -> str:
    return phrases.TOPICS.get(assignment.key, f"åtgärd {assignment.measure.number}")


def _short_title(title: str) -> str:
    """'Stad i samverkan – Stockholms stad och civilsamhället' -> 'Stad i samverkan'."""
    return title.split(" – ")[0].strip()


# --- Word ------------------------------------------------------------------------------


def word_answers(
    definition: RoundDefinition, org: Organisation, assignments: list[Assignment]
) -> dict[str, list[str]]:
    """Content-control tag -> paragraphs; {} for an organisation that sends nothing."""
    if org.id not in ANSWERING:
        return {}
    voice = _voice(definition, org)
    answers: dict[str, list[str]] = {}
    general = definition.fields.general
    if general.required or not assignments or _hash(org.id, GENERAL, general.id) % 8:
        answers[field_tag(GENERAL, general.id)] = _general(voice, assignments)
    unanswered = _unanswered(definition, org, assignments)
    main = _main_field(definition)
    for assignment in assignments:
        for field in definition.fields.word:
            tag = field_tag(assignment.key, field.id)
            if tag == unanswered:
                continue
            if not field.required and _hash(org.id, assignment.key, field.id) % _SKIP_OPTIONAL == 0:
                continue
            answers[tag] = _field_text(voice, assignment, field, main)
    return answers


def _main_field(definition: RoundDefinition) -> WordField:
    """The field that gets the nämnd's actual stance: 'kommentar', else the first required one."""
    word = definition.fields.word
    by_id = {f.id: f for f in word}
    return by_id.get("kommentar") or next((f for f in word if f.required), word[-1])


def _unanswered(definition: RoundDefinition, org: Organisation, assignments: list[Assignment]) -> str | None:
    """The one required tag `INCOMPLETE` leaves empty; None for everyone else."""
    required = [f for f in definition.fields.word if f.required]
    if org.id != INCOMPLETE or not assignments or not required:
        return None
    field = _main_field(definition) if _main_field(definition).required else required[0]
    assignment = _pick(assignments, org.id, "unanswered")
    return field_tag(assignment.key, field.id)


def _field_text(voice: _Voice, assignment: Assignment, field: WordField, main: WordField) -> list[str]:
    org_id, key, topic = voice.org.id, assignment.key, _topic(assignment)
    if field.id == main.id:
        return _comment(voice, assignment)
    if field.id == "pagaende":
        bank = phrases.PAGAENDE
        if voice.org.group is Group.STADSDEL:
            bank += phrases.PAGAENDE_STADSDEL
        return [voice.fill(_pick(bank, org_id, key, field.id), topic)]
    return [voice.fill(phrases.OTHER_FIELD, topic)]


def _comment(voice: _Voice, assignment: Assignment) -> list[str]:
    org_id, key, topic = voice.org.id, assignment.key, _topic(assignment)
    openers = phrases.OPENERS_ANSVARIG if assignment.role is Role.ANSVARIG else phrases.OPENERS_DELANSVAR
    sentences = [
        voice.fill(_pick(openers, org_id, key, "opener"), topic),
        _pick(phrases.STANCES, org_id, key, "stance"),
        voice.fill(_pick(phrases.CLOSINGS, org_id, key, "closing")),
    ]
    first = " ".join(s for s in sentences if s)
    if _hash(org_id, key, "rich") % _RICH:
        return [first]
    start = _hash(org_id, key, "steps") % len(phrases.STEPS)
    steps = [phrases.STEPS[(start + i) % len(phrases.STEPS)] for i in range(3)]
    second = _pick(phrases.STANCES, org_id, key, "stance", "second")
    paragraphs = [first]
    if second not in first:
        paragraphs.append(second)
    paragraphs.append(phrases.BOLD_FRAME.format(bold=_pick(phrases.BOLD, org_id, key, "bold")))
    paragraphs.append(phrases.STEPS_INTRO)
    paragraphs += [f"- {step}" for step in steps]
    return paragraphs


def _general(voice: _Voice, assignments: list[Assignment]) -> list[str]:
    org_id = voice.org.id
    paragraphs = [voice.fill(_pick(phrases.GENERAL_OPENERS, org_id, "opener"))]
    if not assignments:
        focus = voice.fill(phrases.ORG_FOCUS.get(org_id, phrases.DEFAULT_FOCUS))
        paragraphs.append(voice.fill(phrases.GENERAL_NONE, focus=focus))
        paragraphs.append(phrases.GENERAL_NONE_MORE)
        return paragraphs
    paragraphs.append(_scope(assignments))
    if voice.org.group is Group.STADSDEL and _hash(org_id, "lup") % 2:
        paragraphs.append(voice.fill(phrases.GENERAL_STADSDEL))
    closing = _hash(org_id, "closing") % (len(phrases.GENERAL_CLOSINGS) + 1)
    if closing < len(phrases.GENERAL_CLOSINGS):
        paragraphs.append(phrases.GENERAL_CLOSINGS[closing])
    return paragraphs


def _scope(assignments: list[Assignment]) -> str:
    """'Nämnden berörs av 18 åtgärder: 9 i *Stad i samverkan*, ... Nämnden har delansvar ...'"""
    counts: dict[str, int] = {}
    for a in assignments:
        counts[_short_title(a.report.title)] = counts.get(_short_title(a.report.title), 0) + 1
    parts = [f"{n} i *{title}*" for title, n in counts.items()]
    total = len(assignments)
    lead = "Nämnden berörs av en åtgärd" if total == 1 else f"Nämnden berörs av {total} åtgärder"
    if len(parts) == 1:  # "3 åtgärder i *Stad i samverkan*", not "3 åtgärder, 3 i *…*"
        lead, listed = f"{lead} i *{next(iter(counts))}*", ""
    else:
        listed = ", " + ", ".join(parts[:-1]) + " och " + parts[-1]
    ansvarig = sum(a.role is Role.ANSVARIG for a in assignments)
    if ansvarig == total:
        role = "Nämnden är ansvarig för samtliga." if total > 1 else "Nämnden är ansvarig för den."
    elif ansvarig == 0:
        role = "Nämnden har delansvar i samtliga." if total > 1 else "Nämnden har delansvar i den."
    else:
        count = "en" if ansvarig == 1 else str(ansvarig)
        role = f"För {count} av dem är nämnden ansvarig, för övriga har nämnden delansvar."
    return f"{lead}{listed}. {role}"


# --- Excel -----------------------------------------------------------------------------


def excel_values(
    definition: RoundDefinition, org: Organisation, assignments: list[Assignment]
) -> dict[tuple[str, str], str | float]:
    """(measure key, column id) -> a valid value; {} for an organisation that sends nothing."""
    if org.id not in ANSWERING:
        return {}
    voice = _voice(definition, org)
    values: dict[tuple[str, str], str | float] = {}
    for assignment in assignments:
        key = assignment.key
        not_applicable = _hash(org.id, key, "na") % 12 == 0 and assignment.role is Role.DELANSVAR
        for column in definition.fields.excel:
            if not column.required and _hash(org.id, key, column.id) % 7 == 0:
                continue
            if column.type == "choice":
                values[(key, column.id)] = _choice(column, org.id, assignment, not_applicable)
            elif column.type == "number":
                values[(key, column.id)] = _cost(column, org.id, assignment, not_applicable)
            else:
                text = phrases.MOTIVATION_NOT_APPLICABLE if not_applicable else None
                values[(key, column.id)] = text or voice.fill(_pick(phrases.MOTIVATIONS, org.id, key))
    return values


def _choice(column: ExcelColumn, org_id: str, assignment: Assignment, not_applicable: bool) -> str:
    choices = column.choices
    if not_applicable and len(choices) > 1:
        return choices[-1]
    usable = choices[:-1] if len(choices) > 1 else choices
    if assignment.role is Role.ANSVARIG:
        usable = usable[:2]
    return _pick(usable, org_id, assignment.key, column.id)


def _cost(column: ExcelColumn, org_id: str, assignment: Assignment, not_applicable: bool) -> float:
    scale = phrases.COSTS_ANSVARIG if assignment.role is Role.ANSVARIG else phrases.COSTS_DELANSVAR
    cost = 0.0 if not_applicable else float(_pick(scale, org_id, assignment.key, column.id))
    if column.min is not None:
        cost = max(cost, column.min)
    if column.max is not None:
        cost = min(cost, column.max)
    return cost


# --- Arrival ---------------------------------------------------------------------------


def received_offsets() -> dict[str, int]:
    """Days before (+) or after (-) the deadline each answering organisation's files arrive."""
    return {org_id: LATE.get(org_id, 1 + _hash(org_id, "arrival") % 9) for org_id in ANSWERING}
