"""A round's own words (`vocabulary:`) and fields reach what a nämnd reads (issue 14, items 8 and 9).

Loading: defaults keep the bundled round's words; mistakes are reported in Swedish with file,
line and field. Launch: the request names the round's own Word fields and Excel columns, and
the templates head each item in the round's words.
"""

from __future__ import annotations

import email
import io
import zipfile
from email import policy
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from remiss import resources
from remiss.documents.word.reader import read_response_docx
from remiss.domain.loading import load_round_and_catalog
from remiss.errors import ConfigError
from remiss.services import operations
from remiss.services.work import open_work
from remiss.settings import Workspace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
VOCABULARY = """vocabulary:
  item: [Fråga, frågor]
  group: [Avsnitt, avsnitt]
  roles: {ansvarig: Huvudansvarig, delansvar: Medansvarig}
"""
EXCEL = """  excel:
    - id: installning
      label: Ställningstagande
      type: choice
      choices: [Instämmer, Instämmer inte]
      required: true
reports:"""


def _round(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "omgang.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _bundled(**replace: str) -> str:
    text = resources.bundled_round().read_text(encoding="utf-8").replace("catalog: ../catalog.yaml\n", "")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def _line_of(path: Path, start: str) -> int:
    return next(i for i, row in enumerate(path.read_text().splitlines(), 1) if row.lstrip().startswith(start))


def test_defaults_keep_the_bundled_rounds_words(definition) -> None:
    words = definition.vocabulary
    assert (words.item.title, words.item.one, words.item.many) == ("Åtgärd", "åtgärd", "åtgärder")
    assert (words.group.title, words.group.many) == ("Delrapport", "delrapporter")
    assert (words.roles.of("ansvarig"), words.roles.in_text("delansvar")) == ("Ansvarig", "delansvar")
    assert words.item.count(1) == "1 åtgärd" and words.item.count(3) == "3 åtgärder"
    assert definition.annex.descriptions


def test_words_as_a_pair_or_a_mapping(tmp_path) -> None:
    words = VOCABULARY.replace("[Fråga, frågor]", "{singular: Mål, plural: mål}")
    text = _bundled(**{"recipients: all": "recipients: all\n" + words})
    definition, _ = load_round_and_catalog(_round(tmp_path, text), resources.default_catalog())
    assert (definition.vocabulary.item.title, definition.vocabulary.item.count(2)) == ("Mål", "2 mål")
    assert definition.vocabulary.group.title == "Avsnitt"
    assert definition.vocabulary.roles.in_text("ansvarig") == "huvudansvarig"


@pytest.mark.parametrize(
    ("words", "field", "says"),
    [
        ("item: Fråga", "vocabulary.item", "singular och plural"),
        ("item: [Fråga]", "vocabulary.item", "singular och plural"),
        ("item: [Fråga, frågor, frågorna]", "vocabulary.item", "singular och plural"),
        ("item: [Fråga, '']", "vocabulary.item.plural", "tomt"),
        ("item: {singular: Fråga}", "vocabulary.item.plural", "saknas"),
        ("item: ['Fråga:', frågor]", "vocabulary.item.singular", "inga kolon"),
        ("items: [Fråga, frågor]", "vocabulary.items", "inte ett känt fält"),
    ],
)
def test_a_mistake_in_the_words_names_file_line_and_field(tmp_path, words, field, says) -> None:
    path = _round(tmp_path, _bundled(**{"recipients: all": f"recipients: all\nvocabulary:\n  {words}"}))
    with pytest.raises(ConfigError) as caught:
        load_round_and_catalog(path, resources.default_catalog())
    message = str(caught.value)
    line = _line_of(path, words.split(":")[0] + ":")
    assert f"omgang.yaml rad {line}: fältet '{field}'" in message and says in message, message


def test_annex_option_is_validated(tmp_path) -> None:
    path = _round(
        tmp_path, _bundled(**{"recipients: all": "recipients: all\nannex:\n  descriptions: kanske"})
    )
    says = r"omgang.yaml rad \d+: fältet 'annex.descriptions': .*ska vara true eller false"
    with pytest.raises(ConfigError, match=says):
        load_round_and_catalog(path, resources.default_catalog())


@pytest.fixture(scope="module")
def round_file(tmp_path_factory) -> Path:
    """The bundled round with its own words and a single Excel column of its own."""
    folder = tmp_path_factory.mktemp("round")
    text = _bundled(**{"recipients: all": "recipients: [kultur, bromma]\n" + VOCABULARY})
    start, end = text.index("  excel:\n"), text.index("reports:")
    return _round(folder, text[:start] + EXCEL + text[end + len("reports:") :])


@pytest.fixture(scope="module")
def launched(round_file, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("home")
    workspace = Workspace.from_env(home)
    operations.create_round(workspace, round_file)
    operations.launch(open_work(workspace, "sh-2016"))
    return home / "outbox" / "sh-2016"


def test_request_names_the_rounds_own_fields_and_columns(launched) -> None:
    message = email.message_from_bytes(
        (launched / "kultur" / "begaran.eml").read_bytes(), policy=policy.default
    )
    body = message.get_body(("plain",)).get_content()
    assert "fyll i kolumnen ”Ställningstagande”, en rad per fråga." in body
    assert "i fälten ”Pågående arbete” och ”Kommentar” under varje fråga" in body
    assert "Nämnden berörs av" in body and "frågor:" in body and "(huvudansvarig)" in body
    assert "tidshorisont" not in body.lower() and "åtgärd" not in body.lower()


def test_templates_head_items_in_the_rounds_words(launched) -> None:
    with zipfile.ZipFile(launched / "bromma" / "remissvar-sh-2016-bromma.docx") as package:
        root = etree.fromstring(package.read("word/document.xml"))
    texts = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]
    assert "4.1.1 Fråga: Etablera lotsar för civilsamhället i stadsdelsområdena" in texts
    assert any(t.startswith("Avsnitt: Stad i samverkan") for t in texts)
    assert not [t for t in texts if "Åtgärd" in t or "Delrapport" in t]
    sheet = openpyxl.load_workbook(launched / "bromma" / "remissvar-sh-2016-bromma.xlsx").worksheets[0]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert {"Avsnitt", "Fråga", "Fråga (rubrik)", "Medansvarig", "Ställningstagande *"} <= set(cells)
    assert not [c for c in cells if "åtgärd" in c.lower() and not c.startswith("remiss:")]


def test_a_returned_template_is_read_by_its_headings_in_the_rounds_words(round_file, launched) -> None:
    """With the controls gone (an editor dropped them), answers are found under the item's heading."""
    definition, catalog = load_round_and_catalog(round_file, resources.default_catalog())
    data = (launched / "bromma" / "remissvar-sh-2016-bromma.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    first = definition.assignments_for("bromma", catalog)[0]
    for sdt in list(root.iter(f"{W}sdt")):  # unwrap every control, keeping its placeholder paragraphs
        parent = sdt.getparent()
        content = sdt.find(f"{W}sdtContent")
        index = parent.index(sdt)
        for child in reversed(list(content)):
            parent.insert(index, child)
        parent.remove(sdt)
    label = next(
        p for p in root.iter(f"{W}p") if "".join(t.text or "" for t in p.iter(f"{W}t")) == "Kommentar"
    )
    typed = etree.SubElement(label.getparent(), f"{W}p")
    label.addnext(typed)
    etree.SubElement(etree.SubElement(typed, f"{W}r"), f"{W}t").text = "Bromma svarar under rubriken."
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, content in parts.items():
            package.writestr(name, content)
    extracted = read_response_docx(out.getvalue(), "svar.docx", definition, [first])
    answer = next(a for a in extracted.answers if a.measure_key == first.key and a.field_id == "kommentar")
    assert answer.found_by == "heading" and answer.text.startswith("Bromma svarar under rubriken.")


def test_excel_problems_name_the_item_in_the_rounds_words_and_its_group_when_the_number_repeats() -> None:
    from types import SimpleNamespace

    from remiss.documents.excel.reader import interpret

    path = resources.example_round("sammanhallen-stad-2016")
    definition, catalog = load_round_and_catalog(path, resources.default_catalog())
    own = definition.assignments_for("exploatering", catalog)  # 1.1 in two målområden, and 1.2
    column = next(c for c in definition.fields.excel if c.type == "number")
    cell = SimpleNamespace(value="många", data_type="s")
    repeated = {"1.1"}
    first = interpret(cell, column, own[0], definition.vocabulary, repeated)
    assert f"för mål 1.1 (målområde {own[0].report.title}) är inte ett tal" in (first.problem or "")
    plain = interpret(cell, column, own[1], definition.vocabulary, repeated)
    assert "för mål 1.2 är inte ett tal" in (plain.problem or "")
