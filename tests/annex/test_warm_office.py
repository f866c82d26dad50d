"""The desk's warm LibreOffice: PDFs on one running process, which is started again when killed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from remiss.documents.annex.pdf import PDF_OPTIONS, SCRIPT, find_soffice, find_uno_python, pdf_available
from remiss.documents.annex.warm import WarmOffice
from remiss.errors import DocumentError

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not pdf_available(), reason="LibreOffice with UNO is not installed"),
]


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_a_killed_libreoffice_is_started_again_and_the_next_pdf_builds(published, tmp_path):
    soffice = find_soffice()
    office = WarmOffice(soffice, find_uno_python(soffice), timeout=300)
    annex = Path(published["annex"])
    try:
        first = tmp_path / "1.pdf"
        pages = int(office.convert(SCRIPT, annex, first, PDF_OPTIONS).split()[-1])
        assert pages == _pages(first) > 0
        running = office.pid
        second = tmp_path / "2.pdf"
        office.convert(SCRIPT, annex, second, PDF_OPTIONS)
        assert office.pid == running and office.starts == 1  # reused, not started again
        os.killpg(running, signal.SIGKILL)  # LibreOffice dies between two PDFs
        while office.pid == running:  # until the kill has landed
            time.sleep(0.05)
        third = tmp_path / "3.pdf"
        office.convert(SCRIPT, annex, third, PDF_OPTIONS)
        assert office.starts == 2 and office.pid not in (None, running)
        assert _pages(third) == pages
    finally:
        office.close()
    assert office.pid is None


def test_a_hung_conversion_is_killed_with_its_process_group(published, tmp_path):
    soffice = find_soffice()
    office = WarmOffice(soffice, find_uno_python(soffice), timeout=0.5)
    try:
        with pytest.raises(DocumentError, match="svarade inte"):
            office.convert(SCRIPT, Path(published["annex"]), tmp_path / "x.pdf", PDF_OPTIONS)
        assert office.pid is None  # killed: the next PDF gets a fresh LibreOffice
    finally:
        office.close()
