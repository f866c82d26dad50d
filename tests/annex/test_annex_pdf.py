"""The PDF `remiss annex --pdf` writes: text, contents with page numbers, tagged PDF/A-2b in Swedish.

Read back with poppler (pdftotext, pdfinfo, pdfimages, pdffonts), never with our own code.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.annex.conftest import LINK

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils are not installed"),
]


def poppler(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def pdf(published_pdf) -> Path:
    if published_pdf["pdf"] is None:
        pytest.skip("LibreOffice with its UNO bridge (python3-uno) is not installed")
    return Path(published_pdf["pdf"])


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    text = poppler("pdftotext", "-layout", str(pdf), "-")
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


def info(pdf: Path) -> dict[str, str]:
    lines = poppler("pdfinfo", str(pdf)).splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


def test_page_count_and_every_page_numbered_n_of_m(pdf, pages, published_pdf) -> None:
    count = int(info(pdf)["Pages"])
    assert count == len(pages) == published_pdf["pages"] > 5
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"\b{number} \({count}\)\s*$", page), f"page {number} lacks '{number} ({count})'"


def test_contents_give_the_page_each_forvaltning_starts_on(pages) -> None:
    contents = pages[1]
    assert "Innehåll" in [line.strip() for line in contents.splitlines()]
    for name in ("Kulturförvaltningen", "Bromma", "Farsta", "Sammanställning av svaren"):
        match = re.search(rf"^\s*{name}\s*\.{{3,}}\s*(\d+)\s*$", contents, re.MULTILINE)
        assert match, f"{name} missing from the contents:\n{contents}"
        page = pages[int(match.group(1)) - 1]
        assert re.search(rf"^{name}\s*$", page, re.MULTILINE), f"{name} is not on page {match.group(1)}"


def test_the_check_finds_nothing_wrong_in_the_pdf(pdf, published_pdf) -> None:
    """Only the two faults of the returned Word files, none of the PDF's own (tags, language, title)."""
    assert published_pdf["checked"] and published_pdf["problems"]
    assert all(p.startswith("bilaga.docx: ") for p in published_pdf["problems"]), published_pdf["problems"]


def test_answers_text_in_the_pdf(pages) -> None:
    text = "\n".join(pages)
    assert "Nämnden stöder åtgärden och vill pröva den i Kulturhuset." in text
    assert "Granskad text tillagd i granskningen" in text and "struken mening" not in text
    assert "Skrivning saknas." in text and "Pågående arbete: Skrivning saknas." not in text
    assert "Kolla siffrorna" not in text
    assert pages[0].count("UTKAST") == 1  # the header's line, not repeated on the title page


def test_tagged_pdf_a_2b_in_swedish_with_its_title(pdf) -> None:
    meta = info(pdf)
    assert meta["Tagged"] == "yes"
    assert meta["Title"].startswith("Kommissionen för ett socialt hållbart Stockholm")
    xmp = poppler("pdfinfo", "-meta", str(pdf))
    assert re.search(r"<pdfaid:part>2</pdfaid:part>", xmp) and re.search(r"<pdfaid:conformance>B<", xmp)
    data = pdf.read_bytes()
    assert re.search(rb"/Lang\s*\(sv-SE\)", data)  # the document catalog's language
    assert re.search(rb"/DisplayDocTitle\s+true", data)


def test_pictures_link_and_metric_compatible_fonts(pdf) -> None:
    images = poppler("pdfimages", "-list", str(pdf)).splitlines()[2:]
    sizes = {tuple(line.split()[3:5]) for line in images}
    assert {("120", "60"), ("80", "80"), ("50", "25")} <= sizes  # both of Kultur's and Bromma's picture
    assert f"/URI({LINK})".encode() in pdf.read_bytes()
    fonts = poppler("pdffonts", str(pdf))
    assert "Carlito" in fonts and "DejaVu" not in fonts  # Calibri's metrics, so Word's page breaks
