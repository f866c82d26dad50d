"""Word responses saved by LibreOffice: tags dropped, block controls made inline.

The committed fixtures under tests/fixtures/libreoffice/ come from a small round defined
here (independent of the bundled round, which grows) and were made by running this file:
`python tests/documents/test_word_libreoffice.py` (needs soffice). The slow tests redo the
conversion with the installed LibreOffice.
"""

from __future__ import annotations

import io
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from tests.helpers import SOFFICE, libreoffice_resave

from remiss.documents.model import GENERAL
from remiss.documents.ooxml import W, w
from remiss.documents.properties import read_custom_properties
from remiss.documents.word.fill import fill_response_docx
from remiss.documents.word.reader import read_response_docx
from remiss.documents.word.template import build_response_docx
from remiss.documents.word.wordml import field_tag
from remiss.domain.catalog import Catalog, Group, Organisation
from remiss.domain.round import RoundDefinition
from remiss.identity import FileIdentity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "libreoffice"
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

ROUND = RoundDefinition.model_validate(
    {
        "id": "lo-test",
        "title": "Testremiss för LibreOffice",
        "diarienummer": "KS 2026/1",
        "budget_year": 2027,
        "deadline": "2026-12-01",
        "fields": {
            "general": {"id": "overgripande", "label": "Övergripande kommentar", "placeholder": "Skriv här."},
            "word": [
                {"id": "pagaende", "label": "Pågående arbete", "placeholder": "Beskriv pågående arbete."},
                {"id": "kommentar", "label": "Kommentar", "placeholder": "Skriv kommentaren här."},
            ],
        },
        "reports": [
            {
                "id": "alfa",
                "title": "Första delrapporten",
                "measures": [
                    {"number": "1.1", "title": "Gör något", "ansvarig": ["testnamnd"]},
                    {"number": "1.2", "title": "Gör mer", "delansvar": ["testnamnd"]},
                ],
            },
            {
                "id": "beta",
                "title": "Andra delrapporten",
                "measures": [{"number": "1.1", "title": "Samma nummer", "ansvarig": ["testnamnd"]}],
            },
        ],
    }
)
ORG = Organisation(
    id="testnamnd",
    group=Group.FACK,
    namnd="Testnämnden",
    forvaltning="Testförvaltningen",
    email=["t@example.org"],
)
IDENTITY = FileIdentity(ROUND.id, ORG.id, "0123456789abcdef0123")

GENERAL_ANSWER = ["Nämnden tillstyrker **i huvudsak**.", "Ett andra stycke."]
COMMENT_ANSWER = [
    "Inledning med *kursiv*.",
    "- första punkten",
    "- andra punkten",
    "1. numrerad",
    "Avslutning.",
]
REPEATED_ANSWER = ["Svar på beta 1.1."]


def assignments() -> list:
    """The test round's assignments for its only organisation, in report order."""
    return ROUND.assignments_for(ORG.id, Catalog(organisations=[ORG]))


def filled_template() -> bytes:
    a = {x.key: x for x in assignments()}
    template = build_response_docx(ROUND, ORG, list(a.values()), IDENTITY)
    return fill_response_docx(
        template,
        {
            field_tag(GENERAL, "overgripande"): GENERAL_ANSWER,
            field_tag("alfa/1.1", "kommentar"): COMMENT_ANSWER,
            field_tag("beta/1.1", "kommentar"): REPEATED_ANSWER,
        },
    )


def without_controls(data: bytes) -> bytes:
    """The filled file after someone deleted every control but kept the text."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                root = etree.fromstring(content)
                for sdt in list(root.iter(w("sdt"))):
                    parent, index = sdt.getparent(), sdt.getparent().index(sdt)
                    parent[index : index + 1] = list(sdt.find(w("sdtContent")))
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info.filename, content)
    return out.getvalue()


def texts_by_field(data: bytes, name: str) -> dict[tuple[str, str], tuple[str, str]]:
    extracted = read_response_docx(data, name, ROUND, assignments())
    return {(a.measure_key, a.field_id): (a.text, a.found_by) for a in extracted.answers}


def check_filled(data: bytes, name: str, route: str) -> None:
    """Every paragraph of every answer is back, in order, and untouched fields are empty."""
    found = texts_by_field(data, name)
    assert found[(GENERAL, "overgripande")] == ("Nämnden tillstyrker i huvudsak.\nEtt andra stycke.", route)
    comment = "Inledning med kursiv.\nförsta punkten\nandra punkten\nnumrerad\nAvslutning."
    assert found[("alfa/1.1", "kommentar")] == (comment, route)
    assert found[("beta/1.1", "kommentar")] == ("Svar på beta 1.1.", route)
    for key in (("alfa/1.1", "pagaende"), ("alfa/1.2", "kommentar"), ("beta/1.1", "pagaende")):
        assert found[key] == ("", route)


def check_list_kept(data: bytes, name: str) -> None:
    extracted = read_response_docx(data, name, ROUND, assignments())
    comment = next(a for a in extracted.answers if (a.measure_key, a.field_id) == ("alfa/1.1", "kommentar"))
    styles = etree.fromstring(comment.xml).xpath("w:p/w:pPr/w:pStyle/@w:val", namespaces={"w": W})
    assert styles.count("ListBullet") == 2 and "ListNumber" in styles


def test_committed_libreoffice_file_is_read_by_alias():
    data = (FIXTURES / "filled-lo74.docx").read_bytes()
    check_filled(data, "filled-lo74.docx", "alias")
    check_list_kept(data, "filled-lo74.docx")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert read_custom_properties(package) == IDENTITY.as_properties()


def test_committed_libreoffice_file_without_controls_is_read_by_heading():
    data = (FIXTURES / "no-controls-lo74.docx").read_bytes()
    check_filled(data, "no-controls-lo74.docx", "heading")


@pytest.mark.slow
@needs_soffice
def test_bundled_round_survives_libreoffice(definition, catalog, identity_for, tmp_path):
    org_id = "kultur"
    own = definition.assignments_for(org_id, catalog)
    template = build_response_docx(definition, catalog.by_id[org_id], own, identity_for(org_id))
    main = definition.fields.word[-1].id
    filled = fill_response_docx(
        template,
        {
            field_tag(GENERAL, definition.fields.general.id): GENERAL_ANSWER,
            field_tag(own[0].key, main): COMMENT_ANSWER,
            field_tag(own[-1].key, main): REPEATED_ANSWER,
        },
    )
    saved = libreoffice_resave(filled, tmp_path, "docx", stem="kultur")
    extracted = read_response_docx(saved, "kultur.docx", definition, own)
    by_key = {(a.measure_key, a.field_id): a for a in extracted.answers}
    assert (
        by_key[(own[0].key, main)].text
        == "Inledning med kursiv.\nförsta punkten\nandra punkten\nnumrerad\nAvslutning."
    )
    assert by_key[(own[-1].key, main)].text == "Svar på beta 1.1."
    assert by_key[(GENERAL, definition.fields.general.id)].text.endswith("\nEtt andra stycke.")
    assert sum(not a.empty for a in extracted.answers) == 3
    assert {a.found_by for a in extracted.answers} == {"alias"}
    assert extracted.warnings == []
    with zipfile.ZipFile(io.BytesIO(saved)) as package:
        assert read_custom_properties(package) == identity_for(org_id).as_properties()
        footer = next(n for n in package.namelist() if n.startswith("word/footer"))
        assert identity_for(org_id).reference in package.read(footer).decode()


@pytest.mark.slow
@needs_soffice
def test_fixture_recipe_still_gives_readable_files(tmp_path):
    check_filled(
        libreoffice_resave(filled_template(), tmp_path, "docx", stem="filled"), "filled.docx", "alias"
    )
    bare = libreoffice_resave(without_controls(filled_template()), tmp_path, "docx", stem="bare")
    check_filled(bare, "bare.docx", "heading")


def regenerate(target: Path = FIXTURES) -> None:
    """Rebuild the committed fixtures with the installed LibreOffice."""
    target.mkdir(parents=True, exist_ok=True)
    work = target / ".work"
    work.mkdir(exist_ok=True)
    try:
        (target / "filled-lo74.docx").write_bytes(
            libreoffice_resave(filled_template(), work, "docx", stem="filled")
        )
        bare = libreoffice_resave(without_controls(filled_template()), work, "docx", stem="bare")
        (target / "no-controls-lo74.docx").write_bytes(bare)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if SOFFICE is None:
        sys.exit("soffice saknas")
    regenerate()
