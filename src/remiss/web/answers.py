"""A stored answer fragment (cleaned WordprocessingML) as HTML, and a word-level diff of two texts.

The HTML is built from the fragment's paragraphs, runs, lists, tables and carried pictures
(rm:image, as data: URLs) and then sanitised with nh3 against a short allow-list, so
nothing a respondent typed can become markup or script on the coordinator's page.
"""

from __future__ import annotations

import difflib
import html
import re

import nh3
from lxml import etree

from remiss.documents.annex.blocks import list_kind
from remiss.documents.ooxml import w
from remiss.documents.word.media import RM, RM_HREF, RM_IMAGE
from remiss.documents.xmlsafe import parse_untrusted

P, R, T, TBL, TR, TC = w("p"), w("r"), w("t"), w("tbl"), w("tr"), w("tc")
PPR, PSTYLE, NUMPR, VAL = w("pPr"), w("pStyle"), w("numPr"), w("val")
TAGS = {"p", "ul", "ol", "li", "table", "tbody", "tr", "td", "strong", "em", "u", "br", "img", "a"}
ATTRIBUTES = {"img": {"src", "alt", "width", "height"}, "a": {"href"}}
_IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif"}
_DATA_URL = re.compile(r"^data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=]+$")


def answer_html(xml: str) -> str:
    """Sanitised HTML of one answer; empty string when it holds nothing."""
    try:
        root = parse_untrusted(xml.encode("utf-8"), "svaret")
    except Exception:  # a fragment remiss itself stored; unreadable means nothing to show
        return ""
    out: list[str] = []
    _blocks(root, out)
    return sanitise("".join(out))


def sanitise(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer nofollow",
    )


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _DATA_URL.match(value) else None
    if tag == "a" and attribute == "href":
        return value if value.startswith(("http://", "https://", "mailto:")) else None
    return value


def _blocks(parent: etree._Element, out: list[str]) -> None:
    open_list: str | None = None
    for child in parent:
        kind = _list_of(child) if child.tag == P else None
        if open_list and kind != open_list:
            out.append(f"</{open_list}>")
            open_list = None
        if child.tag == P:
            if kind:
                if open_list is None:
                    out.append(f"<{kind}>")
                    open_list = kind
                out.append(f"<li>{_inline(child)}</li>")
            else:
                content = _inline(child)
                if content.strip():
                    out.append(f"<p>{content}</p>")
        elif child.tag == TBL:
            out.append("<table><tbody>")
            for row in child.iter(TR):
                cells = "".join(f"<td>{_cell(cell)}</td>" for cell in row if cell.tag == TC)
                out.append(f"<tr>{cells}</tr>")
            out.append("</tbody></table>")
        elif isinstance(child.tag, str) and not child.tag.startswith(f"{{{RM}}}"):
            _blocks(child, out)  # content-control wrappers and the like: their content counts
    if open_list:
        out.append(f"</{open_list}>")


def _cell(cell: etree._Element) -> str:
    parts: list[str] = []
    _blocks(cell, parts)
    return "".join(parts)


def _list_of(paragraph: etree._Element) -> str | None:
    ppr = paragraph.find(PPR)
    style = ppr.find(PSTYLE) if ppr is not None else None
    kind = list_kind(
        style.get(VAL, "") if style is not None else "", ppr.find(NUMPR) if ppr is not None else None
    )
    return {"bullet": "ul", "number": "ol"}.get(kind or "")


def _inline(paragraph: etree._Element) -> str:
    parts: list[str] = []
    for run in paragraph.iter(R):
        href = next((a.get(RM_HREF) for a in run.iterancestors() if a.get(RM_HREF)), None)
        text = _run(run)
        if href and text:
            text = f'<a href="{html.escape(href)}">{text}</a>'
        parts.append(text)
    return "".join(parts)


def _run(run: etree._Element) -> str:
    rpr = run.find(w("rPr"))
    pieces: list[str] = []
    for node in run:
        if node.tag == T:
            pieces.append(html.escape(node.text or ""))
        elif node.tag in (w("br"), w("cr")):
            pieces.append("<br>")
        elif node.tag == w("tab"):
            pieces.append(" ")
        elif node.tag == RM_IMAGE:
            pieces.append(_image(node))
    text = "".join(pieces)
    if rpr is not None and text:
        if _on(rpr, "b"):
            text = f"<strong>{text}</strong>"
        if _on(rpr, "i"):
            text = f"<em>{text}</em>"
        if rpr.find(w("u")) is not None and rpr.find(w("u")).get(VAL) != "none":
            text = f"<u>{text}</u>"
    return text


def _on(rpr: etree._Element, name: str) -> bool:
    found = rpr.find(w(name))
    return found is not None and found.get(VAL, "true") not in ("0", "false", "off")


def _image(node: etree._Element) -> str:
    kind = _IMAGE_TYPES.get((node.get(f"{{{RM}}}type") or "").lower())
    data = "".join((node.text or "").split())
    if kind is None or not data:
        return ""
    alt = html.escape(node.get(f"{{{RM}}}descr") or "Bild utan alternativtext")
    width = _pixels(node.get(f"{{{RM}}}cx"))
    size = f' width="{width}"' if width else ""
    return f'<img src="data:{kind};base64,{data}" alt="{alt}"{size}>'


def _pixels(emu: str | None) -> int | None:
    try:
        return min(800, max(1, int(emu or "") // 9525))
    except ValueError:
        return None


def word_diff(before: str, after: str) -> str:
    """HTML of `after` against `before`, word by word: <del> for removed, <ins> for added words."""
    old, new = re.findall(r"\S+|\s+", before), re.findall(r"\S+|\s+", after)
    out: list[str] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            out.append(f"<del>{html.escape(''.join(old[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{html.escape(''.join(new[b1:b2]))}</ins>")
        if op == "equal":
            out.append(html.escape("".join(old[a1:a2])))
    return "".join(out)
