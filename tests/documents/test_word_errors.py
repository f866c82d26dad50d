"""Refusing broken Word files, and the filler's and reader's guard rails."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from remiss.documents.word.fill import fill_response_docx
from remiss.documents.word.reader import read_response_docx
from remiss.documents.word.template import build_response_docx
from remiss.errors import DocumentError, RejectedFile

ORG = "kultur"


@pytest.fixture
def assignments(definition, catalog):
    return definition.assignments_for(ORG, catalog)


@pytest.fixture
def template(definition, catalog, assignments, identity_for) -> bytes:
    return build_response_docx(definition, catalog.by_id[ORG], assignments, identity_for(ORG))


def read(data: bytes, definition, assignments, name: str = "svar.docx"):
    return read_response_docx(data, name, definition, assignments)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"inte en zip", "är inte en Word- eller Excelfil"),
        (b"PK\x03\x04 trasig", "skadad"),
    ],
)
def test_broken_files_are_rejected_naming_the_file(data, reason, definition, assignments):
    with pytest.raises(RejectedFile, match=reason) as caught:
        read(data, definition, assignments, name="trasig.docx")
    assert "trasig.docx" in caught.value.reason


def test_missing_or_invalid_document_part_is_rejected(template, definition, assignments):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("word/styles.xml", "<x/>")
    with pytest.raises(RejectedFile, match=r"svar\.docx saknar delen word/document\.xml"):
        read(out.getvalue(), definition, assignments)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("word/document.xml", "<w:document><oavslutad")
    with pytest.raises(RejectedFile, match=r"svar\.docx: Delen word/document\.xml är inte giltig XML"):
        read(out.getvalue(), definition, assignments)


def test_fill_refuses_an_unknown_tag(template):
    with pytest.raises(DocumentError, match=r"remiss:okand/9\.9:kommentar"):
        fill_response_docx(template, {"remiss:okand/9.9:kommentar": ["x"]})


def test_reading_is_fast(definition, catalog, identity_for):
    most = max(catalog.organisations, key=lambda o: len(definition.assignments_for(o.id, catalog)))
    assignments = definition.assignments_for(most.id, catalog)
    data = build_response_docx(definition, most, assignments, identity_for(most.id))
    started = time.perf_counter()
    for _ in range(5):
        read(data, definition, assignments)
    per_read_ms = (time.perf_counter() - started) / 5 * 1000
    assert per_read_ms < 50, f"{per_read_ms:.1f} ms per read"


def test_a_doctype_in_the_document_part_is_refused(definition, assignments):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
        )
    with pytest.raises(RejectedFile, match="DOCTYPE") as caught:
        read(out.getvalue(), definition, assignments, name="farlig.docx")
    assert caught.value.reason.startswith("farlig.docx: ")
    assert caught.value.code == "xml-doctype"
