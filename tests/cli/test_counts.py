"""Counts in what the CLI prints agree with their number: "1 brist", "2 brister"."""

from __future__ import annotations

from pathlib import Path

from remiss.cli import render
from remiss.services.annex.publish import AnnexResult
from remiss.services.outbox import DispatchReport


def said(capsys, show) -> str:
    show()
    return " ".join(capsys.readouterr().out.split())


def test_one_and_many(capsys):
    one = DispatchReport(sent=["request:r:a"])
    assert said(capsys, lambda: render.outbox_report(one, Path("/ut"))) == "1 meddelande skickat."
    two = DispatchReport(sent=["request:r:a", "request:r:b"])
    assert said(capsys, lambda: render.outbox_report(two, Path("/ut"))) == "2 meddelanden skickade."
    checked = AnnexResult("bilaga.docx", False, checked=True, problems=["Bild utan alternativtext"])
    assert "Tillgänglighetsgranskning: 1 brist." in said(capsys, lambda: render.annex_report(checked))
    clean = AnnexResult("bilaga.docx", False, checked=True)
    assert "Tillgänglighetsgranskning: inga brister." in said(capsys, lambda: render.annex_report(clean))
