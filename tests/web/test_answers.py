"""Answers as HTML: formatting kept, nothing a respondent typed becomes markup or script."""

from __future__ import annotations

from remiss.web.answers import answer_html, word_diff

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RM = "urn:x-remiss:answer:1"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def fragment(body: str) -> str:
    return f'<w:sdtContent xmlns:w="{W}" xmlns:rm="{RM}">{body}</w:sdtContent>'


def para(text: str, style: str = "", bold: bool = False) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f"<w:p>{ppr}<w:r>{rpr}<w:t>{text}</w:t></w:r></w:p>"


def test_paragraphs_lists_tables_and_bold_are_kept():
    html = answer_html(
        fragment(
            para("Inledning", bold=True)
            + para("ett", "ListBullet")
            + para("två", "ListBullet")
            + para("först", "ListNumber")
            + "<w:tbl><w:tr><w:tc>"
            + para("A1")
            + "</w:tc><w:tc>"
            + para("B1")
            + "</w:tc></w:tr></w:tbl>"
        )
    )
    assert html == (
        "<p><strong>Inledning</strong></p><ul><li>ett</li><li>två</li></ul><ol><li>först</li></ol>"
        "<table><tbody><tr><td><p>A1</p></td><td><p>B1</p></td></tr></tbody></table>"
    )


def test_typed_markup_stays_text_and_links_keep_only_web_addresses():
    html = answer_html(fragment(para("&lt;script&gt;alert(1)&lt;/script&gt; &lt;b onclick=x&gt;")))
    assert "<script" not in html and "&lt;script&gt;" in html and "<b " not in html
    link = (
        '<w:p><w:hyperlink rm:href="javascript:alert(1)"><w:r><w:t>klicka</w:t></w:r></w:hyperlink>'
        '<w:hyperlink rm:href="https://start.stockholm/"><w:r><w:t>stad</w:t></w:r></w:hyperlink></w:p>'
    )
    html = answer_html(fragment(link))
    assert "javascript" not in html
    assert '<a href="https://start.stockholm/" rel="noopener noreferrer nofollow">stad</a>' in html


def test_pictures_become_data_urls_with_their_alt_text():
    image = (
        '<w:p><w:r><rm:image rm:type="png" rm:cx="95250" rm:cy="95250" rm:descr="Karta">'
        f"{PNG}</rm:image></w:r></w:p>"
    )
    html = answer_html(fragment(image))
    assert html.startswith('<p><img src="data:image/png;base64,iVBOR') and 'alt="Karta"' in html
    forged = '<w:p><w:r><rm:image rm:type="svg+xml">PHN2Zz4=</rm:image></w:r></w:p>'
    assert "<img" not in answer_html(fragment(forged))


def test_the_diff_marks_words_added_and_removed():
    assert word_diff("Nämnden tillstyrker förslaget", "Nämnden avstyrker förslaget") == (
        "Nämnden <del>tillstyrker</del><ins>avstyrker</ins> förslaget"
    )
