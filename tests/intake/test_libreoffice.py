"""Files filled and saved in LibreOffice, through the whole intake; and legacy .doc/.xls refused.

LibreOffice turns block content controls into inline ones around the first paragraph (the
rest of the answer is left outside) and 7.4 drops the tag; it keeps the custom properties.
The committed fixtures tests/fixtures/libreoffice/intake-bromma-lo74.* come from the small
round in intake-round.yaml (created with a fixed secret, so their tokens stay valid) and
are rebuilt by running `python -m tests.intake.test_libreoffice` (needs soffice).
The slow test makes the same files with the installed LibreOffice and checks them the same way.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.helpers import SOFFICE, libreoffice_resave
from tests.intake import corpus as c

from remiss.documents.model import GENERAL
from remiss.documents.word.fill import fill_response_docx
from remiss.documents.word.wordml import field_tag
from remiss.services.intake.collect import collect_paths
from remiss.services.intake.pool import IntakeLimits, IntakePool
from remiss.services.work import open_work
from remiss.settings import Workspace
from remiss.store.database import open_database
from remiss.store.schema import AnswerRow, ValueRow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "libreoffice"
ROUND_FILE = FIXTURES / "intake-round.yaml"
ROUND, ORG, SECRET = "lo-intake", "bromma", "intake-fixture-secret"
COMMENT = ["Inledning med *kursiv*.", "- första punkten", "- andra punkten", "Avslutning."]
NAMES = {
    "docx": "Bromma svar (LibreOffice).docx",
    "xlsx": "bromma prio.xlsx",
    "doc": "bromma.doc",
    "xls": "bromma.xls",
}


def filled(ws: Workspace) -> tuple[bytes, bytes]:
    """The issued Word and Excel files filled as the nämnd would, before LibreOffice saves them."""
    word = fill_response_docx(
        c.issued(ws, ORG, ".docx", ROUND),
        {
            field_tag(GENERAL, "overgripande"): ["Nämnden tillstyrker **i huvudsak**.", "Ett andra stycke."],
            field_tag("alfa/1.1", "kommentar"): COMMENT,
        },
    )
    excel = c.fill_excel(ws, ORG, {"tidshorisont": "inför budget 2017", "kostnad_tkr": "12,5"}, ROUND)
    return word, excel


def saved_by_libreoffice(ws: Workspace, work: Path) -> dict[str, bytes]:
    word, excel = filled(ws)
    return {
        "docx": libreoffice_resave(word, work, "docx"),
        "xlsx": libreoffice_resave(excel, work, "xlsx"),
        "doc": libreoffice_resave(word, work, "docx", target="doc"),
        "xls": libreoffice_resave(excel, work, "xlsx", target="xls"),
    }


def fixture_workspace(home: Path) -> Workspace:
    return c.launched(home, ROUND_FILE, secret=SECRET)


def check_intake(ws: Workspace, files: dict[str, bytes], inbox: Path, routes: tuple[str, ...]) -> None:
    paths = []
    for kind, data in files.items():
        (inbox / NAMES[kind]).write_bytes(data)
        paths.append(inbox / NAMES[kind])
    pool = IntakePool(IntakeLimits(workers=1))
    try:
        results = collect_paths(open_work(ws, ROUND), paths, pool=pool)
    finally:
        pool.close()
    word, excel, doc, xls = results
    assert (word.outcome, word.organisation, word.identified_by) == ("accepted", ORG, "egenskaper"), (
        word.reason
    )
    assert (excel.outcome, excel.organisation, excel.identified_by) == ("accepted", ORG, "egenskaper"), (
        excel.reason
    )
    assert (doc.outcome, doc.code) == ("rejected", "legacy-format") and "spara den som .docx" in doc.reason
    assert (xls.outcome, xls.code) == ("rejected", "legacy-format") and "spara den som .xlsx" in xls.reason
    with open_database(ws.database_url).session() as session:
        answers = {(a.measure_key, a.field_id): a for a in session.scalars(select(AnswerRow))}
        values = {(v.measure_key, v.column_id): v for v in session.scalars(select(ValueRow))}
    comment = answers[("alfa/1.1", "kommentar")]
    assert comment.text == "Inledning med kursiv.\nförsta punkten\nandra punkten\nAvslutning."
    assert comment.found_by in routes
    assert answers[(GENERAL, "overgripande")].text == "Nämnden tillstyrker i huvudsak.\nEtt andra stycke."
    assert answers[("alfa/1.2", "kommentar")].empty and answers[("alfa/1.1", "pagaende")].empty
    assert values[("alfa/1.1", "tidshorisont")].value_text == "Inför budget 2017"
    assert (values[("alfa/1.2", "kostnad_tkr")].raw, values[("alfa/1.2", "kostnad_tkr")].value_number) == (
        "12,5",
        12.5,
    )


def test_committed_libreoffice_files_go_through_the_intake(tmp_path):
    ws = fixture_workspace(tmp_path / "home")
    files = {kind: (FIXTURES / f"intake-bromma-lo74.{kind}").read_bytes() for kind in NAMES}
    check_intake(ws, files, tmp_path, routes=("alias",))  # 7.4 dropped every tag


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_files_saved_now_by_libreoffice_go_through_the_intake(tmp_path):
    ws = fixture_workspace(tmp_path / "home")
    work = tmp_path / "lo"
    work.mkdir()
    check_intake(ws, saved_by_libreoffice(ws, work), tmp_path, routes=("tag", "alias"))  # 25.2 keeps tags


def regenerate() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        ws = fixture_workspace(Path(scratch) / "home")
        for kind, data in saved_by_libreoffice(ws, Path(scratch)).items():
            (FIXTURES / f"intake-bromma-lo74.{kind}").write_bytes(data)
            print(f"wrote {FIXTURES / f'intake-bromma-lo74.{kind}'}")


if __name__ == "__main__":
    if SOFFICE is None:
        sys.exit("soffice is not installed")
    regenerate()
