"""The annex as a tagged PDF/A-2b, through LibreOffice, with contents and page numbers filled in.

LibreOffice is driven over UNO by lo_pdf_export.py, run by a Python that has the UNO bridge
(Debian's python3 with python3-uno, or the python bundled with LibreOffice): the document's
indexes are updated before export, which `soffice --convert-to` never does. Every
conversion gets a private LibreOffice profile and pipe, so conversions can run side by side.
Fonts: Calibri is rendered with the metric-compatible Carlito (fonts-crosextra-carlito), so
the page count matches Word's.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from remiss.documents.annex import warm
from remiss.errors import DocumentError

SCRIPT = Path(__file__).with_name("lo_pdf_export.py")
SOFFICE_ENV, PYTHON_ENV = "REMISS_SOFFICE", "REMISS_UNO_PYTHON"
TIMEOUT_SECONDS = 600
TIMEOUT_ENV = "REMISS_PDF_TIMEOUT_S"
# writer_pdf_Export filter data: PDF/A-2b (SelectPdfVersion 2) is tagged for accessibility
# (UseTaggedPDF, PDFUACompliance), with bookmarks from the headings and the document
# title, not the file name, in the reader's title bar.
PDF_OPTIONS: dict[str, object] = {
    "SelectPdfVersion": 2,
    "UseTaggedPDF": True,
    "PDFUACompliance": True,
    "ExportBookmarks": True,
    "OpenBookmarkLevels": 2,
    "DisplayPDFDocumentTitle": True,
    "ExportNotes": False,
    "ExportFormFields": False,
    "ReduceImageResolution": False,
    "Quality": 90,
}


def find_soffice() -> str | None:
    configured = os.environ.get(SOFFICE_ENV)
    if configured:
        return configured
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for candidate in (
        "/usr/bin/soffice",
        "/usr/lib/libreoffice/program/soffice",
        "/opt/libreoffice/program/soffice",
    ):
        if Path(candidate).exists():
            return candidate
    return None


def find_uno_python(soffice: str) -> str | None:
    """A Python that can `import uno`: configured, bundled with LibreOffice, or the system's."""
    candidates = [os.environ.get(PYTHON_ENV, "")]
    program = Path(os.path.realpath(soffice)).parent
    candidates += [str(program / "python"), str(program / "python.bin"), "/usr/bin/python3"]
    for candidate in filter(None, candidates):
        if Path(candidate).exists() and _has_uno(candidate):
            return candidate
    return None


def _has_uno(python: str) -> bool:
    try:
        check = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return check.returncode == 0


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        return float(raw) if raw else TIMEOUT_SECONDS
    except ValueError:
        return TIMEOUT_SECONDS


def _kill_group(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """SIGKILL the process group `process` leads (it was started in a session of its own)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def pdf_available() -> bool:
    soffice = find_soffice()
    return soffice is not None and find_uno_python(soffice) is not None


def convert_to_pdf(source: Path, target: Path) -> int:
    """Write `target` (PDF/A-2b, tagged) from the annex at `source`; the number of pages."""
    soffice = find_soffice()
    if soffice is None:
        raise DocumentError(
            f"PDF av {source.name} kan inte skapas: LibreOffice (soffice) saknas. Installera "
            "paketen libreoffice-writer-nogui och python3-uno, eller ange sökvägen i REMISS_SOFFICE."
        )
    python = find_uno_python(soffice)
    if python is None:
        raise DocumentError(
            f"PDF av {source.name} kan inte skapas: ingen Python med LibreOffice-bryggan (uno) hittades. "
            f"Installera paketet python3-uno, eller ange en sådan Python i {PYTHON_ENV}."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    timeout = _timeout()
    if _warm:
        with tempfile.TemporaryDirectory(prefix="remiss-lo-") as work:
            partial = Path(work) / "bilaga.pdf"
            office = warm.keep_warm(soffice, python, timeout=timeout)
            output = office.convert(SCRIPT, source, partial, PDF_OPTIONS)
            shutil.move(partial, target)
        return _pages(output)
    with tempfile.TemporaryDirectory(prefix="remiss-lo-") as work:
        partial = Path(work) / "bilaga.pdf"
        command = [python, str(SCRIPT), soffice, str(source), str(partial), str(Path(work) / "profile")]
        # Its own process group: on a timeout the whole group goes (the UNO script and the soffice it
        # started), so no LibreOffice is left running with the CPU after we give up.
        process = subprocess.Popen(
            [*command, json.dumps(PDF_OPTIONS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise DocumentError(
                f"PDF av {source.name} kunde inte skapas: LibreOffice svarade inte på {timeout:g} s och "
                "stoppades. Bilagan (.docx) är skriven; kontrollera svar med ovanligt djupt inbäddade "
                f"tabeller eller listor, eller höj gränsen med {TIMEOUT_ENV}."
            ) from None
        except BaseException:
            _kill_group(process)
            raise
        finally:
            _kill_group(process)  # whatever soffice left behind in the group, also after success
        if process.returncode != 0 or not partial.is_file():
            detail = (stderr or stdout).strip().splitlines()[-1:] or ["okänt fel"]
            raise DocumentError(f"PDF av {source.name} kunde inte skapas i LibreOffice: {detail[0]}")
        shutil.move(partial, target)  # a rename when on the same file system
    return _pages(stdout)


def _pages(output: str) -> int:
    lines = output.strip().splitlines()
    return int(lines[-1]) if lines and lines[-1].isdigit() else 0


_warm = False


def use_warm_office(on: bool = True) -> None:
    """Build every PDF of this process on one LibreOffice kept running (`remiss serve` does:
    a desk annex PDF then takes seconds, not a LibreOffice start). See warm.py."""
    global _warm
    _warm = on
