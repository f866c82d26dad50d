"""Returned files as they arrive in the wild, made from the real templates a workspace issued.

Every builder works on real bytes the way an editor, a user or an attacker would change
them: parts rewritten or dropped, controls deleted, macros added, the zip cut short, a
DOCTYPE injected, a zip bomb streamed out, a genuinely encrypted package, a compound
(OLE) file as legacy Office writes it.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from openpyxl import load_workbook

from remiss import resources
from remiss.documents.excel.fill import fill_response_xlsx
from remiss.documents.excel.reader import locate_layout
from remiss.documents.model import GENERAL
from remiss.documents.ooxml import W, w
from remiss.documents.word.fill import fill_response_docx
from remiss.documents.word.wordml import field_tag
from remiss.identity import make_token
from remiss.services import operations
from remiss.services.work import open_work
from remiss.settings import Workspace
from remiss.store.database import open_database
from remiss.store.schema import RecipientRow, RoundRow

ROUND = "sh-2016"
NS = {"w": W}
MAIN_FIELD = "kommentar"  # the bundled round's required Word field


def launched(home: Path, round_file: Path | None = None, secret: str | None = None) -> Workspace:
    """A workspace with the round created and launched; `secret` fixes the tokens (fixtures)."""
    workspace = Workspace.from_env(home)
    round_id, _ = operations.create_round(workspace, round_file or resources.bundled_round())
    if secret is not None:
        with open_database(workspace.database_url).session() as session:
            session.get(RoundRow, round_id).secret = secret
            for recipient in session.query(RecipientRow).filter_by(round_id=round_id):
                recipient.token = make_token(secret, round_id, recipient.organisation_id)
    operations.launch(open_work(workspace, round_id))
    return workspace


def issued(workspace: Workspace, org: str, suffix: str, round_id: str = ROUND) -> bytes:
    return (workspace.round_outbox(round_id, org) / f"remissvar-{round_id}-{org}{suffix}").read_bytes()


def fill_word(workspace: Workspace, org: str, extra: str = "", round_id: str = ROUND) -> bytes:
    """The Word template with the general comment and every åtgärd's main field answered."""
    ctx = open_work(workspace, round_id).round
    answers = {field_tag(GENERAL, ctx.definition.fields.general.id): [f"{org} tillstyrker.{extra}"]}
    for assignment in ctx.assignments(org):
        answers[field_tag(assignment.key, MAIN_FIELD)] = [f"{org} svarar på {assignment.key}.{extra}"]
    return fill_response_docx(issued(workspace, org, ".docx", round_id), answers)


def fill_excel(
    workspace: Workspace, org: str, values: dict[str, str | float] | None = None, round_id: str = ROUND
) -> bytes:
    """The Excel sheet with `values` (column id -> value) typed on every åtgärd's row."""
    ctx = open_work(workspace, round_id).round
    chosen = values or {"tidshorisont": "Budget 2016"}
    typed = {(a.key, column): value for a in ctx.assignments(org) for column, value in chosen.items()}
    return fill_response_xlsx(issued(workspace, org, ".xlsx", round_id), typed)


def rewrite(
    data: bytes,
    change: dict[str, Callable[[bytes], bytes] | None] | None = None,
    add: dict[str, bytes] | None = None,
    method: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A copy of a zip with members changed (a function) or dropped (None), and members added."""
    change = change or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", method) as target:
        for info in source.infolist():
            if info.filename in change and change[info.filename] is None:
                continue
            content = source.read(info)
            edit = change.get(info.filename)
            target.writestr(info.filename, edit(content) if edit else content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def edit_xml(data: bytes, member: str, edit: Callable[[etree._Element], None]) -> bytes:
    def change(content: bytes) -> bytes:
        root = etree.fromstring(content)
        edit(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return rewrite(data, {member: change})


def replace_bytes(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(content: bytes) -> bytes:
        assert old in content, old
        return content.replace(old, new)

    return change


def strip_properties(data: bytes) -> bytes:
    """What an editor that drops custom document properties (e.g. Google Docs) leaves."""
    return rewrite(
        data,
        {
            "docProps/custom.xml": None,
            "_rels/.rels": lambda xml: re.sub(rb"<Relationship [^>]*docProps/custom\.xml\"/>", b"", xml),
            "[Content_Types].xml": lambda xml: re.sub(
                rb"<Override [^>]*/docProps/custom\.xml\"[^>]*/>", b"", xml
            ),
        },
    )


def strip_reference(data: bytes) -> bytes:
    """The visible `remiss-ref …` deleted from footer (Word) or sheet (Excel)."""
    reference = re.compile(rb"remiss-ref [a-z0-9-]+/[a-z0-9-]+/[0-9a-f]{8}")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        members = [m for m in package.namelist() if reference.search(package.read(m))]
    assert members, "no reference found"
    return rewrite(data, {m: lambda xml: reference.sub(b"", xml) for m in members})


def strip_heading_block(data: bytes) -> bytes:
    """The Diarienummer/Nämnd/Förvaltning lines of the Word template deleted."""

    def edit(root: etree._Element) -> None:
        for p in list(root.iter(w("p"))):
            text = "".join(p.itertext())
            if text.startswith(("Diarienummer:", "Nämnd:", "Förvaltning:")):
                p.getparent().remove(p)

    return edit_xml(data, "word/document.xml", edit)


def controls(root: etree._Element, tag: str) -> etree._Element:
    return root.xpath(f"//w:sdt[w:sdtPr/w:tag/@w:val='{tag}']", namespaces=NS)[0]


def without_controls(data: bytes) -> bytes:
    """Every content control deleted by the user, its text left in place under the headings."""

    def edit(root: etree._Element) -> None:
        for sdt in list(root.iter(w("sdt"))):
            parent, index = sdt.getparent(), sdt.getparent().index(sdt)
            parent[index : index + 1] = list(sdt.find(w("sdtContent")))

    return edit_xml(data, "word/document.xml", edit)


def snippet(xml: str) -> etree._Element:
    return etree.fromstring(f'<root xmlns:w="{W}">{xml}</root>')[0]


def with_tracked_changes(data: bytes, tag: str) -> bytes:
    """Track changes left on: a deleted and an inserted run inside the answer."""

    def edit(root: etree._Element) -> None:
        p = controls(root, tag).find("w:sdtContent/w:p", NS)
        p.append(
            snippet(
                '<w:del w:id="91" w:author="Handläggare"><w:r><w:delText>STRUKEN</w:delText></w:r></w:del>'
            )
        )
        p.append(
            snippet(
                '<w:ins w:id="92" w:author="Handläggare"><w:r>'
                '<w:t xml:space="preserve"> Tillagt i granskningen.</w:t>'
                "</w:r></w:ins>"
            )
        )

    return edit_xml(data, "word/document.xml", edit)


COMMENTS_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{W}">'
    '<w:comment w:id="7" w:author="Chef"><w:p><w:r><w:t>KOMMENTARTEXT ska inte med</w:t></w:r></w:p>'
    "</w:comment></w:comments>"
).encode()


def with_comment(data: bytes, tag: str) -> bytes:
    """A reviewer's comment anchored in the answer, with its comments part."""

    def edit(root: etree._Element) -> None:
        p = controls(root, tag).find("w:sdtContent/w:p", NS)
        p.insert(0, snippet('<w:commentRangeStart w:id="7"/>'))
        p.append(snippet('<w:commentRangeEnd w:id="7"/>'))
        p.append(snippet('<w:r><w:commentReference w:id="7"/></w:r>'))

    commented = edit_xml(data, "word/document.xml", edit)
    relationship = (
        b'<Relationship Id="rIdC7" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/comments" Target="comments.xml"/></Relationships>'
    )
    override = (
        b'<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.wordprocessingml.comments+xml"/></Types>'
    )
    return rewrite(
        commented,
        {
            "word/_rels/document.xml.rels": replace_bytes(b"</Relationships>", relationship),
            "[Content_Types].xml": replace_bytes(b"</Types>", override),
        },
        add={"word/comments.xml": COMMENTS_XML},
    )


def placeholder_flag_dropped(data: bytes) -> bytes:
    """As LibreOffice leaves an untouched field: placeholder text kept, showingPlcHdr gone."""

    def edit(root: etree._Element) -> None:
        for flag in list(root.iter(w("showingPlcHdr"))):
            flag.getparent().remove(flag)

    return edit_xml(data, "word/document.xml", edit)


def with_macros(data: bytes) -> bytes:
    """A macro-enabled package (.docm/.xlsm): VBA project part and macro content type."""
    word = "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    main, macro = (
        (
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            b"application/vnd.ms-word.document.macroEnabled.main+xml",
        )
        if word
        else (
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
    )
    folder = "word" if word else "xl"
    return rewrite(
        data,
        {"[Content_Types].xml": replace_bytes(main, macro)},
        add={f"{folder}/vbaProject.bin": compound_file({"VBA": b'Attribute VB_Name = "Module1"\n' * 200})},
    )


def type_formula(data: bytes, key: str, column_id: str, formula: str) -> bytes:
    """A formula typed into an input cell (openpyxl writes '=…' as a real <f> formula)."""
    wb = load_workbook(io.BytesIO(data))
    layout = locate_layout(wb.worksheets)
    row, _cells = layout.rows[key]
    wb[layout.title].cell(row=row, column=layout.columns[column_id] + 1).value = formula
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal but valid OLE2 compound file (what .doc/.xls and encrypted Office files are).

    Streams are padded to at least 4096 bytes so they live in regular sectors (no mini stream).
    """
    sector, free, end_of_chain, fat_marker = 512, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    bodies = [c.ljust(max(4096, -(-len(c) // sector) * sector), b"\0") for c in streams.values()]
    fat = [fat_marker, end_of_chain]  # sector 0: the FAT itself; sector 1: the directory
    starts = []
    for body in bodies:
        starts.append(len(fat))
        count = len(body) // sector
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [end_of_chain]
    assert len(fat) <= sector // 4 and len(streams) <= 3
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int = free, right: int = free) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(encoded), kind, 1, free, right, child)
            + b"\0" * 36  # CLSID, state bits, creation and modification times
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, end_of_chain, 0, child=1)]
    for i, (name, body) in enumerate(zip(streams, bodies, strict=True)):
        entries.append(entry(name, 2, starts[i], len(body), right=i + 2 if i + 1 < len(bodies) else free))
    directory = b"".join(entries).ljust(sector, b"\0")
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<9I", 0, 1, 1, 0, 0x1000, end_of_chain, 0, end_of_chain, 0)
        + struct.pack("<I", 0)  # DIFAT[0]: the FAT is sector 0
        + struct.pack("<I", free) * 108
    )
    assert len(header) == sector and len(directory) == sector
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(bodies)


def legacy_word() -> bytes:
    return compound_file({"WordDocument": b"\xec\xa5" + b"Word 97-2003" * 100, "1Table": b"\0" * 100})


def legacy_excel() -> bytes:
    return compound_file({"Workbook": b"\x09\x08" + b"BIFF8" * 100})


def encrypted(data: bytes, password: str = "hemligt") -> bytes:
    """The package encrypted with a password the way Office does it (ECMA-376 agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def zip_bomb(megabytes: int = 320) -> bytes:
    """A docx-looking zip whose document part inflates to `megabytes` of zeros, written streaming."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        with package.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


def many_small_parts(count: int = 300, size: int = 1_000_000) -> bytes:
    """Members each too small for the ratio check, adding up past the total limit."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        for i in range(count):
            package.writestr(f"word/media/part{i}.bin", b"\0" * size)
    return out.getvalue()


XXE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
)


def with_doctype(data: bytes, member: str, declaration: str, reference: str) -> bytes:
    """A DOCTYPE injected after the XML declaration, and its entity used in the first text."""

    def change(xml: bytes) -> bytes:
        head = re.match(rb"<\?xml[^>]*\?>\s*", xml)
        at = head.end() if head else 0
        declared = xml[:at] + declaration.encode() + xml[at:]
        return re.sub(
            rb"(<(?:\w+:)?t(?: [^>]*)?>)", lambda m: m.group(1) + reference.encode(), declared, count=1
        )

    return rewrite(data, {member: change})


def padded(data: bytes, total: int) -> bytes:
    """The package with an incompressible picture, so the file is about `total` bytes."""
    return rewrite(data, add={"word/media/foto.jpeg": os.urandom(total)}, method=zipfile.ZIP_STORED)


def opendocument() -> bytes:
    out = io.BytesIO()  # an .odt: zip with a mimetype member first
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def heavy_docx(data: bytes, paragraphs: int, *, in_answer: bool = False) -> bytes:
    """A structurally valid response whose body holds `paragraphs` short random paragraphs.

    At the top of the body they cost the XML parser; `in_answer` puts them at the end, under
    the last åtgärd's heading, where the reader also takes each one as part of an answer.
    """
    text = os.urandom(paragraphs * 3).hex().encode()

    def change(xml: bytes) -> bytes:
        filler = b"".join(
            b"<w:p><w:r><w:t>" + text[i * 6 : i * 6 + 6] + b"</w:t></w:r></w:p>" for i in range(paragraphs)
        )
        if in_answer:
            head, tail = xml.rsplit(b"<w:sectPr", 1)
            return head + filler + b"<w:sectPr" + tail
        head, tail = xml.split(b"<w:body>", 1)
        return head + b"<w:body>" + filler + tail

    return rewrite(data, {"word/document.xml": change})
