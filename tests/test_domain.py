"""Catalog and round definitions: loading, validation messages, assignments, Swedish order."""

from __future__ import annotations

from pathlib import Path

import pytest

from remiss import resources
from remiss.domain import Group
from remiss.domain.collation import swedish_sorted
from remiss.domain.loading import load_round, load_round_and_catalog
from remiss.errors import ConfigError


def test_catalog_holds_the_31_organisations_of_seed_001(catalog):
    groups = [org.group for org in catalog.organisations]
    assert groups.count(Group.FACK) == 17
    assert groups.count(Group.STADSDEL) == 14


def test_annex_order_is_group_then_swedish_alphabet(catalog):
    names = [org.forvaltning for org in catalog.in_annex_order()]
    assert names[0] == "Arbetsmarknadsförvaltningen"
    assert names[15:18] == ["Äldreförvaltningen", "Överförmyndarförvaltningen", "Bromma"]
    assert names[-2:] == ["Älvsjö", "Östermalm"]
    assert names.index("Skarpnäck") < names.index("Skärholmen") < names.index("Spånga-Tensta")


def test_swedish_collation_puts_a_ring_after_z():
    assert swedish_sorted(["Örebro", "Zürich", "Åre", "Ängelholm", "Arboga"]) == [
        "Arboga",
        "Zürich",
        "Åre",
        "Ängelholm",
        "Örebro",
    ]


def test_bundled_round_assigns_stadsdel_measures_to_every_stadsdel(definition, catalog):
    keys = {a.key for a in definition.assignments_for("bromma", catalog)}
    assert "samverkan/4.1.1" in keys
    assert keys == {a.key for a in definition.assignments_for("ostermalm", catalog)}
    roles = {a.key: a.role for a in definition.assignments_for("bromma", catalog)}
    assert roles["samverkan/4.1.1"] == "delansvar"


def test_measure_numbers_may_repeat_across_reports_but_keys_are_unique(definition):
    assert len(definition.measures_by_key) == sum(len(r.measures) for r in definition.reports)


def _round_text(**replace: str) -> str:
    text = resources.bundled_round().read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "omgang.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text(resources.default_catalog().read_text(encoding="utf-8"))
    return path


def test_bad_date_names_field_and_line(tmp_path):
    path = _write(tmp_path, _round_text(**{"deadline: 2016-04-29": "deadline: 29 april"}))
    with pytest.raises(ConfigError) as caught:
        load_round_and_catalog(path, resources.default_catalog())
    message = str(caught.value)
    line = next(i for i, row in enumerate(path.read_text().splitlines(), 1) if row.startswith("deadline:"))
    assert f"omgang.yaml rad {line}" in message
    assert "'deadline'" in message and "datum" in message


def test_unknown_organisation_is_named(tmp_path, catalog):
    path = _write(tmp_path, _round_text(**{"recipients: all": "recipients: [bromma, atlantis]"}))
    with pytest.raises(ConfigError, match="'atlantis'"):
        load_round(path, catalog)


def test_unknown_field_is_refused_with_its_line(tmp_path):
    path = _write(tmp_path, _round_text(**{"budget_year: 2017": "budget_year: 2017\nbudgetår: 2017"}))
    with pytest.raises(ConfigError, match=r"rad \d+: fältet 'budgetår': är inte ett känt fält"):
        load_round_and_catalog(path, resources.default_catalog())


def test_broken_yaml_names_the_line(tmp_path):
    path = _write(tmp_path, _round_text(**{"budget_year: 2017": "budget_year: [2017"}))
    with pytest.raises(ConfigError, match=r"omgang.yaml rad \d+: ogiltig YAML"):
        load_round_and_catalog(path, resources.default_catalog())
