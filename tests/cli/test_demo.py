"""`remiss demo` as a new user runs it: the real console script, in a fresh folder."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from remiss import resources
from remiss.demo.answers import ANSWERING, SILENT, word_answers
from remiss.domain.loading import load_round_and_catalog

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("ny-anvandare")
    script = Path(sys.executable).with_name("remiss")
    result = subprocess.run(
        [str(script), "demo", "--json"], cwd=folder, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _sections(path: str) -> dict[str, dict[tuple[str, str], list[str]]]:
    """Paragraph texts per förvaltning (Heading 2), per (delrapport, åtgärd) heading beneath."""
    sections: dict[str, dict[tuple[str, str], list[str]]] = {}
    forvaltning, report, measure = None, "", ""
    for paragraph in docx.Document(path).paragraphs:
        style = paragraph.style.name
        if style == "Heading 1":  # a group heading, or the appendix (a status table, no answers)
            forvaltning = None
            if paragraph.text == "Sammanställning av svaren":
                break
        elif style == "Heading 2":
            forvaltning, report, measure = paragraph.text, "", ""
            sections[forvaltning] = {}
        elif style == "Heading 3":
            report, measure = paragraph.text, ""
        elif style == "Heading 4":
            measure = paragraph.text
        elif forvaltning is not None:
            sections[forvaltning].setdefault((report, measure), []).append(paragraph.text)
    return sections


def _plain(markup: str) -> str:
    text = re.sub(r"^(- |\d+\. )", "", markup)
    return text.replace("**", "").replace("__", "").replace("*", "")


def test_demo_reports_31_organisations_with_10_missing(demo):
    statuses = {row["organisation"]: row["status"] for row in demo["status"]}
    assert len(statuses) == 31
    assert {org for org, status in statuses.items() if status == "missing"} == set(SILENT)
    assert statuses["farsta"] == "incomplete"
    assert Path(demo["annex"]).is_file()


def test_demo_annex_prints_every_simulated_answer_under_its_forvaltning(demo):
    definition, catalog = load_round_and_catalog(resources.bundled_round(), resources.default_catalog())
    sections = _sections(demo["annex"])
    names = list(sections)
    assert names[0] == "Arbetsmarknadsförvaltningen" and names[16] == "Överförmyndarförvaltningen"
    assert names[17] == "Bromma" and names[-1] == "Östermalm"
    missing = [name for name, parts in sections.items() if parts.get(("", "")) == ["Skrivning saknas."]]
    assert sorted(missing) == sorted(catalog.by_id[org].forvaltning for org in SILENT)
    for org_id in ANSWERING:
        org = catalog.by_id[org_id]
        answers = word_answers(definition, org, definition.assignments_for(org_id, catalog))
        for tag, paragraphs in answers.items():
            place = _heading_of(definition, tag.split(":")[1])
            text = "\n".join(sections[org.forvaltning][place])
            for paragraph in paragraphs:
                assert _plain(paragraph) in text, (org_id, place, paragraph)


def _heading_of(definition, key: str) -> tuple[str, str]:
    """The annex's (delrapport, åtgärd) headings for a measure key; ('', '') for the general comment."""
    if key == "general":
        return ("", "")
    report, measure = definition.measures_by_key[key]
    return (f"Delrapport: {report.title}", f"{measure.number} Åtgärd: {measure.title}")
