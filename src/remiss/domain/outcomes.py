"""The words remiss reports with, typed: what happened to a file, where an organisation stands.

Each value is the English string that JSON output and the database have always held (a
`StrEnum` compares and serialises as that string); `label` is what a person reads, in Swedish.
One place for both, so a table, a mail and a workbook never disagree on a word.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """What one collection did with one file (a line of `remiss collect`)."""

    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"  # accepted, and a newer version of an earlier answer
    INCOMPLETE = "incomplete"  # accepted, but required answers are empty
    DUPLICATE = "duplicate"  # the same bytes were already collected
    REJECTED = "rejected"  # not taken; the original is quarantined
    PENDING = "pending"  # kept with its answers, no token: waits for a coordinator's confirmation

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]

    @property
    def stored(self) -> bool:
        """The file counts as the organisation's answer (in any state)."""
        return self in (Outcome.ACCEPTED, Outcome.SUPERSEDED, Outcome.INCOMPLETE)


_OUTCOME_LABELS = {
    Outcome.ACCEPTED: "mottagen",
    Outcome.SUPERSEDED: "ny version",
    Outcome.INCOMPLETE: "ofullständig",
    Outcome.DUPLICATE: "dubblett",
    Outcome.REJECTED: "avvisad",
    Outcome.PENDING: "väntar på bekräftelse",
}


class FileState(StrEnum):
    """A stored file's row: kept as an answer, kept in quarantine, taken back by a coordinator, or
    waiting for a coordinator's confirmation."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # accepted once, then withdrawn: kept, but it no longer counts
    PENDING = "pending"  # identified without a token after a verified version (services/intake/pending.py)

    @property
    def label(self) -> str:
        return "tillbakadragen" if self is FileState.WITHDRAWN else _OUTCOME_LABELS[Outcome(self.value)]


class AnswerStatus(StrEnum):
    """Where one organisation stands in a round (a row of `remiss status`)."""

    MISSING = "missing"
    INCOMPLETE = "incomplete"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    AnswerStatus.MISSING: "saknas",
    AnswerStatus.INCOMPLETE: "ofullständig",
    AnswerStatus.COMPLETE: "komplett",
}


class FileKind(StrEnum):
    """The two files an organisation answers with."""

    DOCX = "docx"
    XLSX = "xlsx"

    @property
    def label(self) -> str:
        """As a receipt names it: 'Word-svaret', 'Excelfilen'."""
        return "Word-svaret" if self is FileKind.DOCX else "Excelfilen"

    @property
    def other(self) -> FileKind:
        return FileKind.XLSX if self is FileKind.DOCX else FileKind.DOCX


class MessageKind(StrEnum):
    """The mails remiss writes (the outbox's `kind`, and the template's name)."""

    REQUEST = "request"
    REMINDER = "reminder"
    RECEIPT = "receipt"
    REFUSAL = "refusal"

    @property
    def label(self) -> str:
        return _MESSAGE_LABELS[self]


_MESSAGE_LABELS = {
    MessageKind.REQUEST: "utskick",
    MessageKind.REMINDER: "påminnelse",
    MessageKind.RECEIPT: "kvittens",
    MessageKind.REFUSAL: "avvisning",
}


# Why a file was refused, as a person reads it: the code (RejectedFile.code, `reason_code` in
# the store and in JSON) stays the machine's; the whole reason is the file's own sentence.
REFUSAL_LABELS = {
    "corrupt": "skadad fil",
    "encrypted": "lösenordsskyddad",
    "identity-conflict": "motstridiga uppgifter om avsändaren",
    "io": "kunde inte läsas från disken",
    "legacy-format": "äldre format (.doc/.xls)",
    "macro": "innehåller makron",
    "not-docx": "inte ett Worddokument",
    "not-template": "inte remissens mall",
    "not-xlsx": "inte en Excelfil",
    "not-zip": "inte ett Officedokument",
    "opendocument": "OpenDocument (.odt/.ods)",
    "other-organisation": "en annan nämnds fil",
    "other-round": "hör till en annan remiss",
    "parse-crash": "läsningen avbröts",
    "parse-memory": "kräver för mycket minne",
    "parse-timeout": "tog för lång tid att läsa",
    "pending": "väntar på bekräftelse",
    "token-mismatch": "fel kontrollkod",
    "too-deep": "för djupt inbäddade tabeller",
    "too-large": "för stor",
    "unidentified": "okänd avsändare",
    "unknown-kind": "okänd filtyp",
    "unknown-organisation": "inte mottagare av omgången",
    "unreadable": "oläslig",
    "xml-doctype": "otillåten XML",
    "xml-invalid": "trasig XML",
    "zip-bomb": "orimligt stor när den packas upp",
}


def refusal_label(code: str | None) -> str:
    """'okänd avsändare' for 'unidentified'; a code without a label is shown as it is."""
    return REFUSAL_LABELS.get(code or "", code or "–")
