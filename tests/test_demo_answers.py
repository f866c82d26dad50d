"""The demo's simulated answers and the bundled sh-2016 round they answer."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path

import pytest

from remiss.demo import answers
from remiss.demo.answers import (
    ANSWERING,
    INCOMPLETE,
    SILENT,
    excel_values,
    received_offsets,
    word_answers,
)
from remiss.domain import Catalog, RoundDefinition

SEED_ANNEX = "001_e3f287d953d70608.txt"
# What the tests need of the seeds, kept in the checkout (see the tests that check them against the seeds).
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "seeds"
ANSWERED_2016 = FIXTURES / "answered-2016.json"  # förvaltning heading -> answered in the 2016 annex
SEED_GRAMS = FIXTURES / "eight-word-fingerprints.bin"  # see seed_fingerprints
# Where seed 001 spells a förvaltning differently from the catalog.
SEED_HEADINGS = {"Idrottsförvaltningen": "Idrottförvaltningen"}


def _all(definition: RoundDefinition, catalog: Catalog):
    for org in catalog.organisations:
        assignments = definition.assignments_for(org.id, catalog)
        yield org, assignments


def _allowed_tags(definition: RoundDefinition, assignments) -> set[str]:
    tags = {f"remiss:general:{definition.fields.general.id}"}
    tags |= {f"remiss:{a.key}:{f.id}" for a in assignments for f in definition.fields.word}
    return tags


def _required_tags(definition: RoundDefinition, assignments) -> set[str]:
    tags = {f"remiss:{a.key}:{f.id}" for a in assignments for f in definition.fields.word if f.required}
    if definition.fields.general.required:
        tags.add(f"remiss:general:{definition.fields.general.id}")
    return tags


# --- the round -------------------------------------------------------------------------


def test_round_has_the_four_delrapporter(definition: RoundDefinition) -> None:
    counts = {r.id: len(r.measures) for r in definition.reports}
    assert counts == {"kunskap": 15, "samverkan": 11, "skola": 16, "delad": 6}
    for report in definition.reports:
        for measure in report.measures:
            assert measure.description and measure.responsibility, measure.number


def test_round_assigns_what_the_forvaltningar_answered_in_2016(
    definition: RoundDefinition, catalog: Catalog
) -> None:
    def keys(org_id: str) -> set[str]:
        return {a.key for a in definition.assignments_for(org_id, catalog)}

    kunskap = {f"kunskap/{m.number}" for r in definition.reports if r.id == "kunskap" for m in r.measures}
    skola = {f"skola/{m.number}" for r in definition.reports if r.id == "skola" for m in r.measures}
    delad = {f"delad/{m.number}" for r in definition.reports if r.id == "delad" for m in r.measures}
    assert kunskap <= keys("arbetsmarknad")
    assert {"skola/6.3.3", "skola/6.5.1", "skola/6.5.2", "skola/6.5.3"} <= keys("arbetsmarknad")
    assert {"delad/6.1.1", "delad/6.1.2", "delad/6.1.3", "delad/6.2.1", "delad/6.3.1"} <= keys("exploatering")
    assert "skola/6.2.1" in keys("exploatering")
    assert {"samverkan/4.2.1", "samverkan/4.2.2", "samverkan/4.4.3"} <= keys("idrott")
    assert {"samverkan/4.4.2", "delad/6.3.1"} <= keys("kultur")
    assert {"delad/6.1.1", "delad/6.1.2"} <= keys("miljo")
    assert delad | {"skola/6.2.1"} <= keys("stadsbyggnad")
    assert {"delad/6.1.1", "delad/6.1.2", "delad/6.3.1", "delad/6.3.2"} <= keys("trafik")
    assert skola <= keys("utbildning")
    for org_id in ("stadsarkivet", "kyrkogard", "revision", "valnamnden"):
        assert keys(org_id) == set()
    # Seed 000: stadsdelsnämnderna share 17 åtgärder and lead one (6.5.3).
    stadsdel = definition.assignments_for("farsta", catalog)
    assert len(stadsdel) == 18
    assert [a.key for a in stadsdel if a.role == "ansvarig"] == ["skola/6.5.3"]


# --- who answers -------------------------------------------------------------------------


def test_answering_and_silent_split_the_catalog(catalog: Catalog) -> None:
    assert len(ANSWERING) == 21 and len(SILENT) == 10
    assert not set(ANSWERING) & set(SILENT)
    assert set(ANSWERING) | set(SILENT) == set(catalog.by_id)


def _answered_in(annex_text: str, headings: list[str]) -> dict[str, bool]:
    """Per förvaltning heading of the 2016 annex: did it answer (its first line is not "saknas")?"""
    lines = [line.strip() for line in annex_text.splitlines()]
    answered = {}
    for heading in headings:
        assert heading in lines, heading
        first_text = next(line for line in lines[lines.index(heading) + 1 :] if line)
        answered[heading] = "saknas" not in first_text
    return answered


def _headings(catalog: Catalog) -> list[str]:
    return [SEED_HEADINGS.get(o.forvaltning, o.forvaltning) for o in catalog.organisations]


def test_split_matches_the_2016_annex(catalog: Catalog) -> None:
    """Who answered in 2016, as the annex (seed 001) shows it, kept in tests/fixtures/seeds/."""
    answered = json.loads(ANSWERED_2016.read_text(encoding="utf-8"))
    for org in catalog.organisations:
        heading = SEED_HEADINGS.get(org.forvaltning, org.forvaltning)
        assert answered[heading] == (org.id not in SILENT), org.id


def test_the_fixture_of_who_answered_is_the_seed_annex(catalog: Catalog, seeds_dir: Path) -> None:
    """Where the seeds are at hand: the fixture is what the annex says (regenerate it from there)."""
    annex = seeds_dir / SEED_ANNEX
    if not annex.is_file():
        pytest.skip("seed annex not available (the fixture is checked against it where it is)")
    from_seed = _answered_in(annex.read_text(encoding="utf-8"), _headings(catalog))
    assert json.loads(ANSWERED_2016.read_text(encoding="utf-8")) == from_seed


def test_silent_organisations_send_nothing(definition: RoundDefinition, catalog: Catalog) -> None:
    for org_id in SILENT:
        org = catalog.by_id[org_id]
        assignments = definition.assignments_for(org_id, catalog)
        assert word_answers(definition, org, assignments) == {}
        assert excel_values(definition, org, assignments) == {}


# --- Word answers --------------------------------------------------------------------------


def test_answers_are_deterministic(definition: RoundDefinition, catalog: Catalog) -> None:
    for org, assignments in _all(definition, catalog):
        assert word_answers(definition, org, assignments) == word_answers(definition, org, assignments)
        assert excel_values(definition, org, assignments) == excel_values(definition, org, assignments)
    assert received_offsets() == received_offsets()


def test_every_tag_is_one_the_round_defines_for_that_organisation(
    definition: RoundDefinition, catalog: Catalog
) -> None:
    for org, assignments in _all(definition, catalog):
        produced = word_answers(definition, org, assignments)
        assert set(produced) <= _allowed_tags(definition, assignments), org.id
        for tag, paragraphs in produced.items():
            assert paragraphs and all(p.strip() for p in paragraphs), tag


def test_only_farsta_leaves_a_required_field_empty(definition: RoundDefinition, catalog: Catalog) -> None:
    for org, assignments in _all(definition, catalog):
        if org.id not in ANSWERING:
            continue
        missing = _required_tags(definition, assignments) - set(word_answers(definition, org, assignments))
        if org.id == INCOMPLETE:
            assert len(missing) == 1
            assert next(iter(missing)).endswith(":kommentar")
        else:
            assert missing == set(), org.id


def test_some_optional_fields_are_left_empty(definition: RoundDefinition, catalog: Catalog) -> None:
    optional_total = optional_given = 0
    for org, assignments in _all(definition, catalog):
        if org.id not in ANSWERING:
            continue
        produced = word_answers(definition, org, assignments)
        optional = _allowed_tags(definition, assignments) - _required_tags(definition, assignments)
        optional_total += len(optional)
        optional_given += len(optional & set(produced))
    assert 0.6 * optional_total < optional_given < optional_total


def test_organisation_without_assignments_answers_the_general_comment_only(
    definition: RoundDefinition, catalog: Catalog
) -> None:
    org = catalog.by_id["stadsarkivet"]
    assert definition.assignments_for("stadsarkivet", catalog) == []
    produced = word_answers(definition, org, [])
    assert list(produced) == [f"remiss:general:{definition.fields.general.id}"]
    assert len(produced[f"remiss:general:{definition.fields.general.id}"]) >= 2


def test_some_answers_are_rich_and_markup_is_balanced(definition: RoundDefinition, catalog: Catalog) -> None:
    rich = 0
    for org, assignments in _all(definition, catalog):
        for paragraphs in word_answers(definition, org, assignments).values():
            for paragraph in paragraphs:
                assert paragraph.count("**") % 2 == 0 and paragraph.replace("**", "").count("*") % 2 == 0
            bullets = [p for p in paragraphs if p.startswith("- ")]
            if bullets and any("**" in p for p in paragraphs):
                assert len(paragraphs) >= 4 and sum("**" in p for p in paragraphs) == 1
                rich += 1
    assert 5 <= rich <= 60


def test_answers_vary_between_organisations(definition: RoundDefinition, catalog: Catalog) -> None:
    texts = []
    for org_id in ("bromma", "norrmalm", "sodermalm", "alvsjo"):
        org = catalog.by_id[org_id]
        produced = word_answers(definition, org, definition.assignments_for(org_id, catalog))
        text = "\n".join(produced["remiss:samverkan/4.1.1:kommentar"])
        texts.append(text.replace(org.namnd, "NN").replace(org.forvaltning, "OO"))
    assert len(set(texts)) >= 3


# --- Excel and arrival ---------------------------------------------------------------------


def test_excel_values_are_valid(definition: RoundDefinition, catalog: Catalog) -> None:
    columns = {c.id: c for c in definition.fields.excel}
    for org, assignments in _all(definition, catalog):
        if org.id not in ANSWERING:
            continue
        values = excel_values(definition, org, assignments)
        keys = {a.key for a in assignments}
        for (key, column_id), value in values.items():
            assert key in keys and column_id in columns
            column = columns[column_id]
            if column.type == "choice":
                assert value in column.choices
            elif column.type == "number":
                assert isinstance(value, float)
                assert column.min is None or value >= column.min
                assert column.max is None or value <= column.max
            else:
                assert isinstance(value, str) and value.strip()
        for key in keys:
            for column in columns.values():
                if column.required:
                    assert (key, column.id) in values, (org.id, key, column.id)


def test_two_organisations_arrive_late() -> None:
    offsets = received_offsets()
    assert set(offsets) == set(ANSWERING)
    late = {org_id for org_id, days in offsets.items() if days < 0}
    assert late == set(answers.LATE) and len(late) == 2


# --- no copied seed text -------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """Lower-cased words with diacritics folded (seed 000 is OCR'd without them)."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return re.findall(r"\w+", "".join(c for c in folded if not unicodedata.combining(c)))


def _eight_grams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}


def seed_fingerprints(seeds: list[Path]) -> bytes:
    """Every 8-word sequence of the seeds as 8 bytes of its hash, sorted: comparable, not readable."""
    grams: set[tuple[str, ...]] = set()
    for seed in seeds:
        grams |= _eight_grams(_words(seed.read_text(encoding="utf-8", errors="replace")))
    return b"".join(sorted(_fingerprint(gram) for gram in grams))


def _fingerprint(gram: tuple[str, ...]) -> bytes:
    return hashlib.blake2b(" ".join(gram).encode(), digest_size=8).digest()


def test_no_text_copies_a_seed_sentence(definition: RoundDefinition, catalog: Catalog) -> None:
    data = SEED_GRAMS.read_bytes()
    seed_grams = {data[i : i + 8] for i in range(0, len(data), 8)}
    assert len(seed_grams) > 20_000  # the five seeds

    ours: list[tuple[str, str]] = []
    for report in definition.reports:
        for measure in report.measures:
            ours.append((f"{report.id}/{measure.number} description", measure.description))
            ours.append((f"{report.id}/{measure.number} responsibility", measure.responsibility or ""))
    for org, assignments in _all(definition, catalog):
        for tag, paragraphs in word_answers(definition, org, assignments).items():
            ours.append((f"{org.id} {tag}", "\n".join(paragraphs)))
        for (key, column_id), value in excel_values(definition, org, assignments).items():
            if isinstance(value, str):
                ours.append((f"{org.id} {key} {column_id}", value))

    copied = [
        (where, " ".join(gram))
        for where, text in ours
        for gram in _eight_grams(_words(text))
        if _fingerprint(gram) in seed_grams
    ]
    assert copied == []


def test_the_seed_fingerprints_are_the_seeds(seeds_dir: Path) -> None:
    """Where the seeds are at hand: the fixture is made from them (and a copied sentence is found)."""
    seeds = sorted(seeds_dir.glob("*.txt")) if seeds_dir.is_dir() else []
    if not seeds:
        pytest.skip("seeds not available (the fingerprints are checked against them where they are)")
    assert SEED_GRAMS.read_bytes() == seed_fingerprints(seeds)
    gram = _eight_grams(_words(seeds[0].read_text(encoding="utf-8", errors="replace")))
    assert _fingerprint(next(iter(gram))) in SEED_GRAMS.read_bytes()


def test_scope_names_a_single_delrapport_without_repeating_the_count(
    definition: RoundDefinition, catalog: Catalog
) -> None:
    """'berörs av 3 åtgärder i Stad i samverkan', never '3 åtgärder, 3 i Stad i samverkan'."""
    general = f"remiss:general:{definition.fields.general.id}"
    scopes = {}
    for org, assignments in _all(definition, catalog):
        found = [p for p in word_answers(definition, org, assignments).get(general, []) if "berörs av" in p]
        if found:
            scopes[org.id] = found[0]
    assert scopes["idrott"].startswith("Nämnden berörs av 3 åtgärder i *Stad i samverkan*. ")
    assert scopes["bromma"].startswith("Nämnden berörs av 18 åtgärder, 9 i *Stad i samverkan*, 5 i ")
    assert not [s for s in scopes.values() if re.search(r"berörs av (\d+) åtgärder, \1 i ", s)]
