"""The fidelity corpus pasted into real responses, collected into a store, compiled into an
annex through the CLI, and everything rendered by LibreOffice to text (pdftotext -layout).

- Kulturförvaltningen pastes one corpus document into each answer field: the Word-made
  ones into "Kommentar", LibreOffice-made copies of the lists and notes into "Pågående arbete".
- Bromma's whole answer is a text box; Farsta's whole answer is a chart. Both must count as
  answered.
- The same corpus documents composed by docxcompose, for the comparison.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.fidelity import corpus
from tests.helpers import SOFFICE, issued, libreoffice_resave, rewrite_member, run_cli

from remiss import resources
from remiss.documents.word.reader import read_response_docx
from remiss.documents.word.template import build_response_docx
from remiss.domain.loading import load_catalog, load_round
from remiss.services import operations
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work
from remiss.settings import Workspace

ROUND = "sh-2016"
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None, reason="needs LibreOffice and pdftotext"
)


def tag(key: str, field: str) -> str:
    return f"remiss:{key}:{field}"


def keys(org_id: str) -> list[str]:
    catalog = load_catalog(resources.default_catalog())
    return [a.key for a in load_round(resources.bundled_round(), catalog).assignments_for(org_id, catalog)]


@dataclass
class Placed:
    """A corpus document and the answer field it was pasted into."""

    source: corpus.Source
    data: bytes  # the document as pasted (Word-made, or LibreOffice's copy)
    key: str
    field: str
    made_by: str  # "Word" or "LibreOffice"

    @property
    def name(self) -> str:
        return f"{self.source.name}-{self.made_by}"


def render(documents: dict[str, bytes], work: Path) -> dict[str, str | None]:
    """Each .docx rendered by LibreOffice and read back with `pdftotext -layout`; None for a
    document LibreOffice could not load."""
    work.mkdir(parents=True, exist_ok=True)
    for name, data in documents.items():
        (work / f"{name}.docx").write_bytes(data)
    profile = Path(tempfile.gettempdir()) / f"remiss-lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(
            [
                str(SOFFICE),
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                *[str(work / f"{name}.docx") for name in documents],
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    texts: dict[str, str | None] = {}
    for name in documents:
        pdf = work / f"{name}.pdf"
        if not pdf.exists():
            texts[name] = None
            continue
        result = subprocess.run([str(PDFTOTEXT), "-layout", str(pdf), "-"], check=True, capture_output=True)
        texts[name] = result.stdout.decode("utf-8")
    return texts


@pytest.fixture(scope="package")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("fidelity-workspace")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REMISS_HOME", str(home))
        patch.delenv("REMISS_DATABASE_URL", raising=False)
        yield home


@pytest.fixture(scope="package")
def placed(tmp_path_factory) -> list[Placed]:
    work = tmp_path_factory.mktemp("libreoffice-made")
    first, second, third, fourth, fifth = keys("kultur")
    found = [
        Placed(corpus.LISTS, corpus.LISTS.docx(), first, "kommentar", "Word"),
        Placed(corpus.NOTES, corpus.NOTES.docx(), second, "kommentar", "Word"),
        Placed(corpus.TEXT_BOX, corpus.TEXT_BOX.docx(), third, "kommentar", "Word"),
        Placed(corpus.OBJECTS, corpus.OBJECTS.docx(), fourth, "kommentar", "Word"),
        Placed(corpus.STYLED, corpus.STYLED.docx(), fifth, "kommentar", "Word"),
    ]
    for source, key in ((corpus.LISTS, first), (corpus.NOTES, second)):
        made = libreoffice_resave(source.docx(), work, "docx", stem=source.name)
        found.append(Placed(source, made, key, "pagaende", "LibreOffice"))
    return found


@pytest.fixture
def answer(definition, catalog, identity_for):
    """The answer to Kulturförvaltningen's first Kommentar after a document (a corpus source,
    or a .docx's bytes) was pasted into it, and the warnings of reading it."""
    assignments = definition.assignments_for("kultur", catalog)
    template = build_response_docx(definition, catalog.by_id["kultur"], assignments, identity_for("kultur"))
    key = assignments[0].key

    def read(source: corpus.Source | bytes, tamper=None):
        pasted = source.docx() if isinstance(source, corpus.Source) else source
        data = corpus.paste(template, f"remiss:{key}:kommentar", pasted)
        if tamper is not None:
            data = rewrite_member(data, "word/document.xml", tamper)
        extracted = read_response_docx(data, "kultur.docx", definition, assignments)
        found = next(a for a in extracted.answers if (a.measure_key, a.field_id) == (key, "kommentar"))
        return found, extracted.warnings

    return read


@dataclass
class Collected:
    home: Path
    results: dict[str, str]  # organisation -> outcome
    annex: bytes
    rendered: dict[str, str | None]  # "annex", each placed document's name, and "docxcompose-" + name


@pytest.fixture(scope="package")
def collected(env: Path, placed: list[Placed], tmp_path_factory) -> Collected:
    ws = Workspace.from_env(env)
    operations.create_round(ws, resources.bundled_round())
    operations.launch(open_work(ws, ROUND))
    inbox = tmp_path_factory.mktemp("inkommet")
    kultur = issued(env, ROUND, "kultur", ".docx").read_bytes()
    for item in placed:
        kultur = corpus.paste(kultur, tag(item.key, item.field), item.data)
    bromma = issued(env, ROUND, "bromma", ".docx").read_bytes()
    bromma = corpus.paste(bromma, tag(keys("bromma")[0], "kommentar"), corpus.TEXT_BOX.docx())
    farsta = issued(env, ROUND, "farsta", ".docx").read_bytes()
    farsta = corpus.paste(farsta, tag(keys("farsta")[0], "kommentar"), corpus.ONLY_CHART.docx())
    paths = []
    for name, data in (("kultur.docx", kultur), ("bromma.docx", bromma), ("farsta.docx", farsta)):
        (inbox / name).write_bytes(data)
        paths.append(inbox / name)
    results = collect_paths(open_work(ws, ROUND), paths)
    outcomes = {Path(r.file).stem: r.outcome for r in results}
    out = tmp_path_factory.mktemp("bilaga") / "bilaga.docx"
    run_cli("annex", ROUND, "-o", str(out))
    annex = out.read_bytes()
    documents = {"annex": annex}
    for item in placed:
        documents[item.name] = item.data
        documents[f"docxcompose-{item.name}"] = composed([item.data])
    rendered = render(documents, tmp_path_factory.mktemp("rendered"))
    return Collected(env, outcomes, annex, rendered)


def composed(documents: list[bytes]) -> bytes:
    """The corpus appended one after another by docxcompose, as a docxcompose-built annex would."""
    import docx
    from docxcompose.composer import Composer

    master = docx.Document()
    composer = Composer(master)
    for data in documents:
        composer.append(docx.Document(io.BytesIO(data)))
    out = io.BytesIO()
    master.save(out)
    return out.getvalue()


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name) if name in package.namelist() else b""
