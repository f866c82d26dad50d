"""Issue 17, point 3: nesting no answer needs (tables in tables deeper than 5, lists deeper than 9
levels) is refused at collect with a Swedish reason, before it can hang LibreOffice in the annex;
and a LibreOffice conversion that overruns is stopped with its whole process group.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest
from lxml import etree
from tests.intake import corpus as c
from tests.intake.console import run_remiss, snapshot

from remiss.documents.annex.pdf import convert_to_pdf, pdf_available
from remiss.documents.ooxml import W
from remiss.errors import DocumentError
from remiss.services.intake.collect import collect_paths
from remiss.services.intake.pool import IntakeLimits, IntakePool
from remiss.services.work import open_work


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    home = tmp_path_factory.mktemp("nesting")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REMISS_HOME", str(home))
        yield c.launched(home)


def nested_tables(depth: int) -> str:
    inner = nested_tables(depth - 1) if depth > 1 else ""
    return (
        '<w:tbl><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid><w:tr><w:tc>'
        f"{inner}<w:p><w:r><w:t>nivå {depth}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )


def list_item(level: int) -> str:
    return (
        f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="1"/></w:numPr></w:pPr>'
        f"<w:r><w:t>punkt på nivå {level}</w:t></w:r></w:p>"
    )


def with_body_xml(data: bytes, xml: str) -> bytes:
    def edit(root: etree._Element) -> None:
        body = root.find(f"{{{W}}}body")
        for element in reversed(etree.fromstring(f'<x xmlns:w="{W}">{xml}</x>')):
            body.insert(0, element)

    return c.edit_xml(data, "word/document.xml", edit)


def test_nesting_no_answer_needs_is_refused_and_the_rest_is_taken(ws, tmp_path):
    files = {
        "tabeller 6.docx": with_body_xml(c.fill_word(ws, "bromma"), nested_tables(6)),
        "tabeller 5.docx": with_body_xml(c.fill_word(ws, "kultur"), nested_tables(5)),
        "listor 10.docx": with_body_xml(c.fill_word(ws, "farsta"), "".join(list_item(n) for n in range(10))),
        "listor 9.docx": with_body_xml(c.fill_word(ws, "idrott"), "".join(list_item(n) for n in range(9))),
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    pool = IntakePool(IntakeLimits(workers=0))
    try:
        results = collect_paths(open_work(ws, c.ROUND), paths, pool=pool)
    finally:
        pool.close()
    by_name = {Path(r.file).name: r for r in results}
    assert (by_name["tabeller 6.docx"].outcome, by_name["tabeller 6.docx"].code) == ("rejected", "too-deep")
    assert "tabeller inbäddade i varandra i fler än 5 nivåer" in by_name["tabeller 6.docx"].reason
    assert (by_name["listor 10.docx"].outcome, by_name["listor 10.docx"].code) == ("rejected", "too-deep")
    assert "punktlistor i fler än 9 nivåer" in by_name["listor 10.docx"].reason
    assert by_name["tabeller 5.docx"].outcome == "accepted" and by_name["listor 9.docx"].outcome == "accepted"


def test_the_console_script_refuses_deep_nesting_and_takes_the_rest(ws, tmp_path):
    """The same refusal as a person meets it: `remiss collect` exits 3, names the file, takes the rest."""
    inbox, cwd = tmp_path / "inkommet", tmp_path / "cwd"
    inbox.mkdir()
    cwd.mkdir()
    (inbox / "djupa tabeller.docx").write_bytes(with_body_xml(c.fill_word(ws, "alvsjo"), nested_tables(7)))
    (inbox / "vanligt svar.docx").write_bytes(c.fill_word(ws, "skarholmen"))
    outside = snapshot(inbox, cwd)
    run = run_remiss(ws.home, "collect", c.ROUND, str(inbox), cwd=cwd)
    assert run.code == 3, run.err
    said = " ".join(run.out.split())
    assert "djupa tabeller.docx" in said and "avvisad" in said and "fler än 5 nivåer" in said
    assert "vanligt svar.docx" in said and "Traceback" not in run.out + run.err
    assert snapshot(inbox, cwd) == outside  # nothing written outside REMISS_HOME


def _processes_under(folder: Path) -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(folder) in cmdline:
            found.append(f"{pid}: {cmdline[:200]}")
    return found


@pytest.mark.slow
def test_a_conversion_that_overruns_is_stopped_with_its_whole_process_group(ws, tmp_path, monkeypatch):
    if not pdf_available():
        pytest.skip("LibreOffice with the UNO bridge is not installed")
    source = tmp_path / "bilaga.docx"  # tables 80 deep: LibreOffice lays them out for far too long
    source.write_bytes(with_body_xml(c.fill_word(ws, "bromma"), nested_tables(80)))
    private = tmp_path / "lo"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))  # the conversion's profile lives here
    monkeypatch.setenv("REMISS_PDF_TIMEOUT_S", "6")
    started = time.monotonic()
    with pytest.raises(DocumentError, match="LibreOffice svarade inte på 6 s och stoppades"):
        convert_to_pdf(source, tmp_path / "bilaga.pdf")
    assert time.monotonic() - started < 30
    time.sleep(1)
    assert _processes_under(private) == []  # no soffice left running
    assert not (tmp_path / "bilaga.pdf").exists()
