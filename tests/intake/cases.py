"""The intake corpus: every case of issue 3, built from the real templates a workspace issued.

Honest files (filled in Word, controls deleted, track changes, comments, placeholders left,
properties stripped, odd file names, Excel numbers typed as text or formulas) and bad ones
(legacy and encrypted Office, macros, not a zip, corrupt or truncated zips, zip bombs,
DOCTYPEs, oversize, wrong round, relabelled, unknown or unidentifiable), each with the
outcome and the words its Swedish message must contain. LibreOffice-saved files are in
test_libreoffice.py (real soffice) and the committed fixtures.
"""

from __future__ import annotations

import ast
import inspect
import io
import unicodedata
import zipfile
from dataclasses import dataclass

from tests.intake import corpus as c

from remiss.documents.word.fill import fill_response_docx
from remiss.documents.word.wordml import field_tag
from remiss.services.work import open_work


@dataclass
class Case:
    name: str
    file: str
    data: bytes
    outcome: str
    code: str | None = None
    says: tuple[str, ...] = ()  # each must be in the reason or a warning
    org: str | None = None
    identified_by: str | None = None


def ok(name: str, file: str, data: bytes, org: str, by: str | None = None, *says: str) -> Case:
    return Case(name, file, data, "accepted", None, says, org, by)


def bad(name: str, file: str, data: bytes, code: str, *says: str) -> Case:
    return Case(name, file, data, "rejected", code, says)


def build_cases(ws) -> list[Case]:
    """The corpus, in collection order (later cases may depend on earlier ones)."""
    ctx = open_work(ws, c.ROUND).round
    main = {
        org: field_tag(ctx.assignments(org)[0].key, c.MAIN_FIELD) for org in ("kultur", "idrott", "trafik")
    }
    bromma = c.fill_word(ws, "bromma")
    stripped = lambda org: c.strip_reference(c.strip_properties(c.fill_word(ws, org)))  # noqa: E731
    relabel = lambda data, old, new: c.rewrite(data, {"docProps/custom.xml": c.replace_bytes(old, new)})  # noqa: E731
    one_answer = fill_response_docx(c.issued(ws, "trafik", ".docx"), {main["trafik"]: ["Bara ett svar."]})
    formula = c.type_formula(
        c.fill_excel(ws, "farsta"), ctx.assignments("farsta")[0].key, "kostnad_tkr", "=SUM(1,2)"
    )
    as_text = c.fill_excel(ws, "kungsholmen", {"tidshorisont": "Budget 2016", "kostnad_tkr": "12,5"})
    excel = c.fill_excel(ws, "bromma", {"tidshorisont": "Inför budget 2017", "motivering": "Viktigt."})
    heading_text = ("innehållskontrollerna för", "lästes från texten under respektive rubrik")
    honest = [
        ok("word-filled", "Brommas svar (slutlig).docx", bromma, "bromma", "egenskaper"),
        ok(
            "word-controls-deleted",
            "kungsholmen.docx",
            c.without_controls(c.fill_word(ws, "kungsholmen")),
            "kungsholmen",
            None,
            *heading_text,
        ),
        ok(
            "word-tracked-changes",
            "kultur.docx",
            c.with_tracked_changes(c.fill_word(ws, "kultur"), main["kultur"]),
            "kultur",
        ),
        ok(
            "word-comments",
            "idrott.docx",
            c.with_comment(c.fill_word(ws, "idrott"), main["idrott"]),
            "idrott",
        ),
        ok("word-placeholders-left", "trafik.docx", c.placeholder_flag_dropped(one_answer), "trafik"),
        ok(
            "word-properties-stripped",
            "farsta.docx",
            c.strip_properties(c.fill_word(ws, "farsta")),
            "farsta",
            "referens",
        ),
        ok(
            "word-identified-by-file-name",
            "remissvar-sh-2016-norrmalm.docx",
            stripped("norrmalm"),
            "norrmalm",
            "filnamn",
            "identifierades genom filnamnet",
            "Norrmalm stadsdelsnämnd",
        ),
        ok(
            "word-identified-by-headings",
            "Södermalms svar.docx",
            stripped("sodermalm"),
            "sodermalm",
            "rubriker",
            "identifierades genom rubrikerna",
        ),
        ok(
            "word-upper-case-name-identifies",
            "REMISSVAR-SH-2016-SKARHOLMEN.DOCX",
            stripped("skarholmen"),
            "skarholmen",
            "filnamn",
        ),
        ok(
            "word-nfd-name",
            unicodedata.normalize("NFD", "Svar från Älvsjö stadsdelsförvaltning.docx"),
            c.fill_word(ws, "alvsjo"),
            "alvsjo",
            "egenskaper",
        ),
        ok(
            "word-spaces-in-name",
            "Svar Hägersten-Liljeholmen SDN (slutlig version).docx",
            c.fill_word(ws, "hagersten-liljeholmen"),
            "hagersten-liljeholmen",
        ),
        Case(
            "same-bytes-second-name",
            "Kopia av svaret.docx",
            bromma,
            "duplicate",
            None,
            ("Brommas svar (slutlig).docx",),
            "bromma",
        ),
        Case(
            "word-unchanged-template",
            "exploatering.docx",
            c.issued(ws, "exploatering", ".docx"),
            "incomplete",
            None,
            ("oförändrad",),
            "exploatering",
        ),
        ok("word-answer-before-template", "miljo svar.docx", c.fill_word(ws, "miljo"), "miljo"),
        Case(
            "word-unchanged-after-answer",
            "miljo mall.docx",
            c.issued(ws, "miljo", ".docx"),
            "incomplete",
            None,
            ("oförändrad", "tidigare versionen med svar gäller fortfarande"),
            "miljo",
        ),
        ok("excel-filled", "bromma prio.xlsx", excel, "bromma", "egenskaper"),
        ok("excel-number-typed-as-text", "kungsholmen.xlsx", as_text, "kungsholmen"),
        ok("excel-formula-typed", "farsta.xlsx", formula, "farsta"),
        ok(
            "excel-properties-stripped",
            "norrmalm.xlsx",
            c.strip_properties(c.fill_excel(ws, "norrmalm")),
            "norrmalm",
            "referens",
        ),
        ok("excel-upper-case-name", "SVAR SÖDERMALM.XLSX", c.fill_excel(ws, "sodermalm"), "sodermalm"),
        ok(
            "excel-identified-by-headings",
            "prioriteringar.xlsx",
            c.strip_reference(c.strip_properties(c.fill_excel(ws, "skarholmen"))),
            "skarholmen",
            "rubriker",
            "identifierades genom rubrikerna",
        ),
    ]
    truncated = c.fill_word(ws, "enskede-arsta-vantor")[:9000]
    xxe = c.with_doctype(c.fill_word(ws, "hasselby-vallingby"), "word/document.xml", c.XXE, "&xxe;")
    laughs = c.with_doctype(c.fill_word(ws, "aldre"), "word/document.xml", c.LAUGHS, "&lol4;")
    xxe_excel = c.with_doctype(c.fill_excel(ws, "utbildning"), "xl/worksheets/sheet1.xml", c.XXE, "&xxe;")
    bad_files = [
        bad(
            "legacy-doc",
            "svar.doc",
            c.legacy_word(),
            "legacy-format",
            "äldre Office-formatet (.doc)",
            ".docx",
        ),
        bad("legacy-xls", "prioritering.xls", c.legacy_excel(), "legacy-format", "(.xls)", ".xlsx"),
        bad(
            "legacy-doc-renamed-docx",
            "svar gammal.docx",
            c.compound_file({"WordDocument": b"\xec\xa5" * 3000}),
            "legacy-format",
            ".docx",
        ),
        bad(
            "encrypted",
            "Östermalm svar.docx",
            c.encrypted(c.fill_word(ws, "ostermalm")),
            "encrypted",
            "lösenordsskyddad",
            "Ta bort lösenordet",
        ),
        bad("macro-docm", "svar.docm", c.with_macros(c.fill_word(ws, "rinkeby-kista")), "macro", "makron"),
        bad(
            "macro-docm-renamed-docx",
            "skarpnack.docx",
            c.with_macros(c.fill_word(ws, "skarpnack")),
            "macro",
            "makron",
        ),
        bad(
            "macro-xlsm-renamed-xlsx",
            "spanga.xlsx",
            c.with_macros(c.fill_excel(ws, "spanga-tensta")),
            "macro",
            "makron",
        ),
        bad(
            "not-a-zip",
            "svar från oss.docx",
            "Hej! Här kommer vårt svar.\n".encode(),
            "not-zip",
            "inte en Word- eller Excelfil",
        ),
        bad("pdf", "svar.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not-zip", "PDF-fil"),
        bad("truncated-zip", "avbruten.docx", truncated, "corrupt", "skadad eller avkortad"),
        bad(
            "corrupt-member",
            "trasig.docx",
            corrupt_member(c.fill_word(ws, "enskede-arsta-vantor", " B")),
            "corrupt",
            "skadad",
            "word/document.xml",
        ),
        bad("zip-bomb", "bomb.docx", c.zip_bomb(320), "zip-bomb", "zip-bomb", "word/document.xml"),
        bad("zip-bomb-many-parts", "delar.docx", c.many_small_parts(), "zip-bomb", "zip-bomb"),
        bad("xxe-word", "xxe.docx", xxe, "xml-doctype", "DOCTYPE", "word/document.xml"),
        bad("billion-laughs", "skratt.docx", laughs, "xml-doctype", "DOCTYPE"),
        bad("xxe-excel", "xxe.xlsx", xxe_excel, "xml-doctype", "xl/worksheets/sheet1.xml"),
        bad(
            "over-size-limit",
            "stor.docx",
            c.padded(c.fill_word(ws, "stadsbyggnad"), 3 * 1024 * 1024),
            "too-large",
            "större än gränsen 2 MB",
        ),
        bad(
            "other-round",
            "arbetsmarknad.docx",
            relabel(c.fill_word(ws, "arbetsmarknad"), b">sh-2016<", b">sh-2015<"),
            "other-round",
            "sh-2015",
        ),
        bad(
            "organisation-relabelled",
            "utbildning.docx",
            relabel(c.issued(ws, "utbildning", ".docx"), b">utbildning<", b">bromma<"),
            "token-mismatch",
            "kontrollkod",
        ),
        bad(
            "unknown-organisation",
            "okand.docx",
            relabel(c.fill_word(ws, "trafik", " X"), b">trafik<", b">okand<"),
            "unknown-organisation",
            "'okand'",
        ),
        bad(
            "unidentifiable",
            "svar.docx",
            c.strip_heading_block(stripped("stadsbyggnad")),
            "unidentified",
            "kunde inte identifieras",
        ),
        bad(
            "file-name-of-other-round",
            "remissvar-sh-2015-rinkeby-kista.docx",
            stripped("rinkeby-kista"),
            "other-round",
            "filnamnet",
            "sh-2015",
        ),
        bad(
            "file-name-contradicts-headings",
            "remissvar-sh-2016-bromma.docx",
            stripped("enskede-arsta-vantor"),
            "identity-conflict",
            "Bromma",
            "Enskede",
        ),
        bad("opendocument", "svar.odt", c.opendocument(), "opendocument", "OpenDocument"),
    ]
    return honest + bad_files


def corrupt_member(data: bytes) -> bytes:
    """Flip bytes in the middle of word/document.xml's compressed stream (bad CRC / inflate error)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    broken = bytearray(data)
    broken[middle : middle + 64] = bytes(b ^ 0x5A for b in broken[middle : middle + 64])
    return bytes(broken)


def case_names() -> list[str]:
    """The case names, read from build_cases' source: pytest needs the ids before any file exists."""
    tree = ast.parse(inspect.getsource(build_cases))
    makers = ("ok", "bad", "Case")
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") in makers]
    return [n.args[0].value for n in sorted(calls, key=lambda n: (n.lineno, n.col_offset))]
