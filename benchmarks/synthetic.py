"""A synthetic round at any scale, and its returned files filled as a nämnd fills them.

`write_round` writes a catalog of N organisations (`org-0001`…, groups mixed) and a round
of M åtgärder over four delrapporter, each organisation ansvarig or delansvar for 10–40 of
them. `fill_returns` fills every issued Word and Excel template with realistic answers:
several sentences per field, bold and italic words, bullet lists, and now and then a table
(added inside the answer's content control, as Word would store one). Everything is
derived from a seed, so a run is repeatable; `expected_texts` is what the annex must show.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from lxml import etree

from remiss.demo import phrases
from remiss.documents.excel.fill import fill_response_xlsx
from remiss.documents.model import GENERAL
from remiss.documents.ooxml import w
from remiss.documents.word.fill import fill_response_docx
from remiss.documents.word.wordml import field_tag
from remiss.services.context import RoundContext
from remiss.services.launch import file_names
from remiss.settings import Workspace

ROUND_ID = "bench"
REPORTS = ("kunskap", "samverkan", "trygghet", "halsa")
GROUPS = (("fack", 5), ("stadsdel", 4), ("bolag", 1))  # (group, weight)
PLACES = ("Akalla", "Bromma", "Enskede", "Farsta", "Hägersten", "Kista", "Skärholmen", "Älvsjö", "Östermalm")
FIELDS = """\
fields:
  general: {id: overgripande, label: Övergripande kommentar, placeholder: Skriv nämndens övergripande kommentar här., required: false}
  word:
    - {id: pagaende, label: Pågående arbete, placeholder: Beskriv arbete som redan pågår., required: false}
    - {id: kommentar, label: Kommentar, placeholder: Skriv nämndens kommentar till åtgärden här., required: true}
  excel:
    - {id: tidshorisont, label: Tidshorisont, type: choice, choices: [Budget 2026, Inför budget 2027, Längre planeringshorisont, Ej aktuell], required: true}
    - {id: motivering, label: Motivering av prioritering, type: text}
    - {id: kostnad_tkr, label: Uppskattad kostnad (tkr), type: number, min: 0, max: 10000000}
"""  # noqa: E501
TABLE_EVERY = 8  # about one main comment in eight carries a table
LIST_EVERY = 3  # about one in three a bullet list


def write_round(folder: Path, organisations: int, measures: int, seed: int = 7) -> Path:
    """catalog.yaml and round.yaml for the synthetic round; returns the round file."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    groups = [g for g, weight in GROUPS for _ in range(weight)]
    lines = ["organisations:"]
    for number in range(1, organisations + 1):
        org_id, place = f"org-{number:04d}", PLACES[number % len(PLACES)]
        lines += [
            f"  - id: {org_id}",
            f"    group: {rng.choice(groups)}",
            f"    namnd: Nämnd {number:04d} {place}",
            f"    forvaltning: {place}förvaltningen {number:04d}",
            f"    email: [registrator@{org_id}.example.org]",
        ]
    (folder / "catalog.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    roles: list[dict[str, list[str]]] = [{"ansvarig": [], "delansvar": []} for _ in range(measures)]
    for number in range(1, organisations + 1):
        count = rng.randint(min(10, measures), min(40, measures))
        for index in rng.sample(range(measures), count):
            roles[index]["ansvarig" if rng.random() < 0.25 else "delansvar"].append(f"org-{number:04d}")
    out = [
        f"id: {ROUND_ID}",
        "title: Syntetisk remiss – nämndernas kommentarer till åtgärderna",
        "diarienummer: KS 2026/0001",
        "budget_year: 2027",
        "deadline: 2026-04-29",
        "catalog: catalog.yaml",
        "recipients: all",
        FIELDS.rstrip(),
        "reports:",
    ]
    per_report = -(-measures // len(REPORTS))
    for r, report in enumerate(REPORTS):
        chunk = range(r * per_report, min(measures, (r + 1) * per_report))
        if not chunk:
            continue
        out += [
            f"  - id: {report}",
            f"    title: Delrapport {r + 1} – {report.capitalize()}",
            "    measures:",
        ]
        for i, index in enumerate(chunk, start=1):
            topic = rng.choice(list(phrases.TOPICS.values()))
            out += [
                f'      - number: "{r + 1}.{i}"',
                f"        title: Utveckla {topic}",
                f"        description: Staden ska utveckla {topic} och följa upp arbetet årligen.",
                f"        ansvarig: [{', '.join(roles[index]['ansvarig'])}]",
                f"        delansvar: [{', '.join(roles[index]['delansvar'])}]",
            ]
    path = folder / "round.yaml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


# --- answers ------------------------------------------------------------------------------


def _sentence(rng: random.Random, org: str, topic: str) -> str:
    template = rng.choice(phrases.OPENERS_ANSVARIG + phrases.OPENERS_DELANSVAR + phrases.PAGAENDE)
    return template.format(
        Namnd=org,
        namnd=org,
        Forv=org,
        forv=org,
        where="inom nämndens område",
        topic=topic,
        now=2026,
        year=2027,
    )


def answers_for(org_id: str, keys: list[str], seed: int = 7) -> tuple[dict[str, list[str]], dict, dict]:
    """(Word answers by tag, tables by tag, Excel values by (key, column)) for one organisation."""
    rng = random.Random(f"{seed}:{org_id}")
    name = f"Nämnd {org_id[4:]}"
    word: dict[str, list[str]] = {
        field_tag(GENERAL, "overgripande"): [
            f"{name} har tagit del av remissen och lämnar följande **övergripande** synpunkter.",
            " ".join(_sentence(rng, name, "åtgärderna") for _ in range(3)),
        ]
    }
    tables: dict[str, list[list[str]]] = {}
    values: dict[tuple[str, str], str | float] = {}
    for key in keys:
        topic = rng.choice(list(phrases.TOPICS.values()))
        comment = [
            " ".join(_sentence(rng, name, topic) for _ in range(2)) + " " + rng.choice(phrases.STANCES),
            f"Nämnden vill särskilt *understryka* att {topic} kräver uthållig finansiering.",
        ]
        if rng.randrange(LIST_EVERY) == 0:
            comment.append(phrases.STEPS_INTRO)
            comment += [f"- {step}" for step in rng.sample(phrases.STEPS, 3)]
        tag = field_tag(key, "kommentar")
        word[tag] = comment
        if rng.randrange(TABLE_EVERY) == 0:
            tables[tag] = [["År", "Insats", "Kostnad (tkr)"]] + [
                [str(2026 + i), f"Steg {i + 1} för {topic}", str(rng.randrange(50, 900, 50))]
                for i in range(3)
            ]
        if rng.randrange(5):
            word[field_tag(key, "pagaende")] = [_sentence(rng, name, topic)]
        values[(key, "tidshorisont")] = rng.choice(
            ("Budget 2026", "Inför budget 2027", "Längre planeringshorisont")
        )
        values[(key, "motivering")] = rng.choice(phrases.MOTIVATIONS).format(
            Namnd=name, namnd=name, Forv=name, forv=name, where="i staden", topic=topic, now=2026, year=2027
        )
        values[(key, "kostnad_tkr")] = float(rng.randrange(0, 5000, 50))
    return word, tables, values


def expected_texts(word: dict[str, list[str]], tables: dict[str, list[list[str]]]) -> Iterator[str]:
    """Every paragraph's visible text that the compiled annex must contain."""
    for paragraphs in word.values():
        for text in paragraphs:
            yield text.removeprefix("- ").replace("**", "").replace("*", "")
    for rows in tables.values():
        for row in rows:
            yield from row


def add_tables(data: bytes, tables: dict[str, list[list[str]]]) -> bytes:
    """Append a bordered table (and a source line) inside each tagged control's content."""
    if not tables:
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        root = etree.fromstring(source.read("word/document.xml"))
        for sdt in root.iter(w("sdt")):
            tag = sdt.find(f"{w('sdtPr')}/{w('tag')}")
            rows = tables.get(tag.get(w("val")) if tag is not None else "")
            if rows:
                content = sdt.find(w("sdtContent"))
                content.append(_table(rows))
                content.append(_paragraph("Källa: förvaltningens verksamhetsplan."))
        body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                target.writestr(info, body if info.filename == "word/document.xml" else source.read(info))
    return out.getvalue()


def _paragraph(text: str, bold: bool = False) -> etree._Element:
    p = etree.Element(w("p"))
    r = etree.SubElement(p, w("r"))
    if bold:
        etree.SubElement(etree.SubElement(r, w("rPr")), w("b"))
    etree.SubElement(r, w("t")).text = text
    return p


def _table(rows: list[list[str]]) -> etree._Element:
    tbl = etree.Element(w("tbl"))
    pr = etree.SubElement(tbl, w("tblPr"))
    etree.SubElement(pr, w("tblW"), {w("w"): "0", w("type"): "auto"})
    borders = etree.SubElement(pr, w("tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        etree.SubElement(borders, w(side), {w("val"): "single", w("sz"): "4", w("color"): "auto"})
    grid = etree.SubElement(tbl, w("tblGrid"))
    for _ in rows[0]:
        etree.SubElement(grid, w("gridCol"), {w("w"): "3000"})
    for number, row in enumerate(rows):
        tr = etree.SubElement(tbl, w("tr"))
        for text in row:
            tc = etree.SubElement(tr, w("tc"))
            etree.SubElement(etree.SubElement(tc, w("tcPr")), w("tcW"), {w("w"): "3000", w("type"): "dxa"})
            tc.append(_paragraph(text, bold=number == 0))
    return tbl


# --- returned files -----------------------------------------------------------------------


def _fill_one(job: tuple[str, list[str], str, str, str, int]) -> tuple[str, list[str]]:
    org_id, keys, docx_path, xlsx_path, folder, seed = job
    word, tables, values = answers_for(org_id, keys, seed)
    target = Path(folder)
    docx = add_tables(fill_response_docx(Path(docx_path).read_bytes(), word), tables)
    (target / f"Svar {org_id}.docx").write_bytes(docx)
    (target / f"Prioriteringar {org_id}.xlsx").write_bytes(
        fill_response_xlsx(Path(xlsx_path).read_bytes(), values)
    )
    return org_id, list(expected_texts(word, tables))


def fill_returns(
    workspace: Workspace, ctx: RoundContext, folder: Path, seed: int = 7, workers: int = 2
) -> Path:
    """Fill every organisation's issued pair into `folder`; writes expected.json next to it."""
    folder.mkdir(parents=True, exist_ok=True)
    jobs = []
    for org_id in ctx.recipient_ids:
        outbox = workspace.round_outbox(ctx.round_id, org_id)
        docx_name, xlsx_name = file_names(ctx, org_id)
        keys = [a.key for a in ctx.assignments(org_id)]
        jobs.append((org_id, keys, str(outbox / docx_name), str(outbox / xlsx_name), str(folder), seed))
    with ProcessPoolExecutor(workers) as pool:
        expected = dict(pool.map(_fill_one, jobs, chunksize=8))
    manifest = folder.parent / "expected.json"
    manifest.write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
    return manifest
