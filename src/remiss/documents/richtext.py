"""Rich text from the nämnd's page: reduced to an allow-list, then read into Word paragraphs.

The editor sends HTML. Before anything is stored it passes `sanitize` (nh3, an allow-list:
paragraphs, emphasis, lists, tables, links with http/https/mailto), so what is kept as a
draft or shown again can hold nothing that runs. `to_blocks` turns that HTML into the
`Block`s the Word filler writes, so an answer from the page becomes the same Word content as
one typed into the template. A table's rows become paragraphs with its cells separated by
" – " (the Word field holds paragraphs only).
"""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

from remiss.documents.word.fill import Block, Span, parse_markup

TAGS = {
    "p",
    "div",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
}
SCHEMES = {"http", "https", "mailto"}
MAX_CHARS = 200_000  # one field; more is not an answer


def sanitize(html: str) -> str:
    """`html` reduced to the allow-list; links keep only href (http, https, mailto)."""
    return nh3.clean(
        html[:MAX_CHARS],
        tags=TAGS,
        attributes={"a": {"href"}},
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def plain_to_blocks(text: str) -> list[Block]:
    """What a nämnd typed without JavaScript (a textarea): one paragraph per line, tiny markup."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return [parse_markup(line) for line in lines if line]


def to_blocks(html: str) -> list[Block]:
    """The paragraphs of sanitised HTML (sanitised again here: never trust the caller)."""
    reader = _Reader()
    reader.feed(sanitize(html))
    reader.close()
    reader.end_block()
    return reader.blocks


def is_empty(html: str) -> bool:
    return not any(span.text.strip() for block in to_blocks(html) for span in block.spans)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.spans: list[Span] = []
        self.lists: list[str] = []
        self.item: str | None = None
        self.bold = self.italic = self.underline = 0
        self.href: str | None = None
        self.cells: int = 0

    def end_block(self) -> None:
        spans = _merged(self.spans)
        if spans and any(s.text.strip() for s in spans):
            self.blocks.append(Block(tuple(spans), self.item))
        self.spans = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "div", "tr", "table", "caption"):
            self.end_block()
            self.cells = 0
        elif tag == "br":
            self.end_block()
        elif tag in ("ul", "ol"):
            self.end_block()
            self.lists.append("bullet" if tag == "ul" else "number")
        elif tag == "li":
            self.end_block()
            self.item = self.lists[-1] if self.lists else "bullet"
        elif tag in ("td", "th"):
            if self.cells:
                self.spans.append(Span(" – "))
            self.cells += 1
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "u":
            self.underline += 1
        elif tag == "a":
            self.href = dict(attrs).get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "div", "tr", "caption", "li"):
            self.end_block()
            if tag == "li":
                self.item = None
        elif tag in ("ul", "ol"):
            self.end_block()
            if self.lists:
                self.lists.pop()
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag == "u":
            self.underline = max(0, self.underline - 1)
        elif tag == "a":
            self.href = None

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split()) if not data.strip() else _squash(data)
        if not text or (not text.strip() and not self.spans):
            return
        self.spans.append(Span(text, bool(self.bold), bool(self.italic), bool(self.underline), self.href))


def _squash(data: str) -> str:
    """HTML's whitespace: runs of spaces and newlines are one space."""
    lead = " " if data[:1].isspace() else ""
    tail = " " if data[-1:].isspace() else ""
    return lead + " ".join(data.split()) + tail


def _merged(spans: list[Span]) -> list[Span]:
    """Neighbouring spans with the same emphasis joined; the ends trimmed of spaces."""
    out: list[Span] = []
    for span in spans:
        if out and (out[-1].bold, out[-1].italic, out[-1].underline, out[-1].href) == (
            span.bold,
            span.italic,
            span.underline,
            span.href,
        ):
            out[-1] = Span(out[-1].text + span.text, span.bold, span.italic, span.underline, span.href)
        else:
            out.append(span)
    if out:
        out[0] = _with_text(out[0], out[0].text.lstrip())
        out[-1] = _with_text(out[-1], out[-1].text.rstrip())
    return [s for s in out if s.text]


def _with_text(span: Span, text: str) -> Span:
    return Span(text, span.bold, span.italic, span.underline, span.href)


def blocks_to_html(blocks: list[Block]) -> str:
    """Blocks as the allow-listed HTML the editor shows (lists grouped, text escaped)."""
    from html import escape

    out: list[str] = []
    open_list: str | None = None
    for block in blocks:
        if block.list != open_list:
            if open_list:
                out.append("</ul>" if open_list == "bullet" else "</ol>")
            if block.list:
                out.append("<ul>" if block.list == "bullet" else "<ol>")
            open_list = block.list
        inner = "".join(_span_html(span, escape) for span in block.spans)
        out.append(f"<li>{inner}</li>" if block.list else f"<p>{inner}</p>")
    if open_list:
        out.append("</ul>" if open_list == "bullet" else "</ol>")
    return sanitize("".join(out))


def _span_html(span: Span, escape) -> str:  # type: ignore[no-untyped-def]
    text = escape(span.text)
    for on, tag in ((span.underline, "u"), (span.italic, "em"), (span.bold, "strong")):
        if on:
            text = f"<{tag}>{text}</{tag}>"
    if span.href:
        text = f'<a href="{escape(span.href)}">{text}</a>'
    return text


def blocks_to_markup(blocks: list[Block]) -> str:
    """Blocks as the tiny markup a textarea shows without JavaScript (one paragraph a line)."""
    lines = []
    for block in blocks:
        prefix = {"bullet": "- ", "number": "1. "}.get(block.list or "", "")
        lines.append(prefix + "".join(_span_markup(span) for span in block.spans))
    return "\n".join(lines)


def _span_markup(span: Span) -> str:
    text = span.text
    if span.href:
        return f"[{text}]({span.href})"
    for on, mark in ((span.underline, "__"), (span.italic, "*"), (span.bold, "**")):
        if on:
            text = f"{mark}{text}{mark}"
    return text
