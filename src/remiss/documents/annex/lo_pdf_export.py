"""Run by a Python that has LibreOffice's UNO bridge (not by remiss's own interpreter):

    python3 lo_pdf_export.py SOFFICE IN.docx OUT.pdf PROFILE_DIR FILTER_JSON
    python3 lo_pdf_export.py connect:PIPE IN.docx OUT.pdf - FILTER_JSON

The second form uses a LibreOffice already running and listening on PIPE (the warm one the
desk keeps, see warm.py) and leaves it running.

Starts a private headless LibreOffice (its own user profile, its own pipe), opens the
.docx hidden, updates every index (the table of contents) and field, lays the document
out, updates the indexes again (their page numbers follow the layout), and stores it with
the writer_pdf_Export filter and the given filter data. `soffice --convert-to` cannot do
this: it never updates a TOC. Prints the page count on success.

Kept free of remiss imports: this file runs under the system's python3 (python3-uno) or
LibreOffice's bundled python, whichever has `uno`.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

CONNECT_SECONDS = float(os.environ.get("REMISS_LO_CONNECT_SECONDS") or 60)


def _props(**values: object) -> tuple:  # type: ignore[type-arg]
    found = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        found.append(prop)
    return tuple(found)


def _connect(pipe: str, process: subprocess.Popen | None) -> object:  # type: ignore[type-arg]
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            stopped = process is not None and process.poll() is not None
            if stopped or time.monotonic() > deadline:
                status = process.poll() if process is not None else "ingen kontakt"
                raise SystemExit(f"LibreOffice startade inte (status {status}).") from None
            time.sleep(0.2)


def convert(soffice: str, source: Path, target: Path, profile: Path, options: dict[str, object]) -> int:
    pipe = f"remiss-{uuid.uuid4().hex}"
    command = [
        soffice,
        "--headless",
        "--invisible",
        "--nologo",
        "--norestore",
        "--nodefault",
        "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desktop = None
    try:
        context = _connect(pipe, process)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        return export(desktop, source, target, options)
    finally:
        try:
            if desktop is not None:
                desktop.terminate()
        except Exception:  # the bridge closes as LibreOffice exits
            pass
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def export(desktop: object, source: Path, target: Path, options: dict[str, object]) -> int:
    """Open `source` hidden, update its indexes and fields twice, store it as PDF: its pages."""
    document = desktop.loadComponentFromURL(source.resolve().as_uri(), "_blank", 0, _props(Hidden=True))
    if document is None:
        raise SystemExit(f"LibreOffice kunde inte öppna {source.name}.")
    copy = target.with_name(f"{target.stem}-slutnoter.odt")
    try:
        document = _continuous_endnotes(desktop, document, copy)
        for _ in range(2):  # the second pass takes the page numbers of the final layout
            indexes = document.getDocumentIndexes()
            for i in range(indexes.getCount()):
                indexes.getByIndex(i).update()
            document.getTextFields().refresh()
            document.refresh()
        pages = document.getCurrentController().getPropertyValue("PageCount") or 0
        # FilterData must reach LibreOffice typed as a sequence of PropertyValue, which
        # the bridge only does for a uno.Any passed through uno.invoke.
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", _props(**options))
        store = _props(FilterName="writer_pdf_Export", FilterData=filter_data)
        uno.invoke(document, "storeToURL", (target.resolve().as_uri(), store))
    finally:
        with contextlib.suppress(Exception):  # already closed: its endnotes' copy failed to load
            document.close(True)
        copy.unlink(missing_ok=True)
    return int(pages)


def _continuous_endnotes(desktop: object, document: object, copy: Path) -> object:
    """The document laid out with its endnotes right after the last paragraph, as Word does.

    LibreOffice 7.4 reads a .docx with ContinuousEndnotes off and puts endnotes on pages of
    their own, away from the heading the annex gives them; the setting only takes effect
    when a document is loaded, so a document with endnotes is stored as ODT with it on and
    loaded again from there. Without endnotes nothing changes."""
    if document.getEndnotes().getCount() == 0:
        return document
    settings = document.createInstance("com.sun.star.text.DocumentSettings")
    if settings.getPropertyValue("ContinuousEndnotes"):
        return document  # a LibreOffice that already does it
    settings.setPropertyValue("ContinuousEndnotes", True)
    document.storeToURL(copy.resolve().as_uri(), _props(FilterName="writer8"))
    document.close(True)
    reopened = desktop.loadComponentFromURL(copy.resolve().as_uri(), "_blank", 0, _props(Hidden=True))
    if reopened is None:
        raise SystemExit(f"LibreOffice kunde inte öppna {copy.name} igen.")
    return reopened


def convert_running(pipe: str, source: Path, target: Path, options: dict[str, object]) -> int:
    """The same conversion on a LibreOffice already listening on `pipe`, left running."""
    context = _connect(pipe, None)
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    return export(desktop, source, target, options)


if __name__ == "__main__":
    soffice_path, source_path, target_path, profile_dir, filter_json = sys.argv[1:6]
    options = json.loads(filter_json)
    if soffice_path.startswith("connect:"):
        print(
            convert_running(
                soffice_path.removeprefix("connect:"), Path(source_path), Path(target_path), options
            )
        )
    else:
        print(convert(soffice_path, Path(source_path), Path(target_path), Path(profile_dir), options))
