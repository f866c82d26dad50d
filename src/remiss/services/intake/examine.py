"""What one returned file is: its kind, who sent it and what it answers — or why it is refused.

Pure work on bytes (no store, no files), so it can run in a worker process with bounded
time and memory (see intake_pool). Everything a person reads is a Swedish RejectedFile
reason or warning naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from remiss.documents.evidence import read_evidence, read_headings
from remiss.documents.excel.reader import read_response_xlsx
from remiss.documents.model import Extracted
from remiss.documents.word.reader import read_response_docx
from remiss.domain.outcomes import FileKind
from remiss.services.context import RoundContext
from remiss.services.intake.identify import Identified, identify


@dataclass
class Examined:
    """A file that may be accepted: `unchanged` when it holds no answer at all."""

    kind: str  # docx | xlsx
    identified: Identified
    extracted: Extracted
    unchanged: bool


def examine(data: bytes, name: str, ctx: RoundContext) -> Examined:
    """Safety checks, identification and extraction; RejectedFile with the reason otherwise."""
    evidence, package = read_evidence(data, name)
    with package:
        who = identify(evidence, ctx, name, lambda: read_headings(package, evidence.kind, name))
    reader = read_response_docx if evidence.kind is FileKind.DOCX else read_response_xlsx
    extracted = reader(data, name, ctx.definition, ctx.assignments(who.organisation_id))
    if who.note:
        extracted.warnings.insert(0, who.note)
    assignments = ctx.assignments(who.organisation_id)
    answered = [a for a in extracted.answers if not a.empty] + [v for v in extracted.values if v.raw.strip()]
    unchanged = not answered and (evidence.kind is FileKind.DOCX or bool(assignments))
    if unchanged:
        extracted.warnings.append(
            f"{name} är oförändrad: inga svar är ifyllda. Filen räknas som ofullständig och inte som "
            "ett svar."
        )
    return Examined(evidence.kind, who, extracted, unchanged)
