"""kb import, reading sources: plain text, Markdown and saved HTML pages become blocks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kb.errors import InputError
from kb.importer.document import parse_markdown, parse_text
from kb.importer.extract import extract
from kb.importer.html import parse_html
from kb.importer.sources import read_source


def headings(document) -> list[str]:
    return [b.text for b in document.blocks if b.kind == "heading"]


def test_plain_text_copied_from_a_page_keeps_numbered_sections_as_headings():
    text = (
        "Research and analysis\n\nKorea: open data\n\nPublished 3 July 2014\n\n0.1 Detail\n\n"
        "First paragraph about Seoul.\n\n0.2 Comment\n\nSecond paragraph.\n"
    )
    extracted = extract(parse_text(text, "x.txt"))
    assert extracted.title == "Korea: open data"
    assert extracted.genre == "Research and analysis"
    assert extracted.published == date(2014, 7, 3)
    assert [s.heading for s in extracted.sections] == ["Detail", "Comment"]
    assert extracted.paragraphs() == ["First paragraph about Seoul.", "Second paragraph."]


def test_hard_wrapped_text_is_joined_and_a_heading_without_blank_line_is_found():
    text = (
        "India: solar\n\nPublished 1 March 2016\n\nDetail\nThe team met the ministry\nin Delhi on "
        "4 March.\n\nComment\n\nA short\nwrapped comment.\n"
    )
    extracted = extract(parse_text(text, "x.txt"))
    assert [s.heading for s in extracted.sections] == ["Detail", "Comment"]
    assert extracted.paragraphs() == [
        "The team met the ministry in Delhi on 4 March.",
        "A short wrapped comment.",
    ]


def test_metadata_lines_are_read_even_when_not_separated_by_blank_lines():
    text = (
        "Turkey: skills\n\nFrom: Foreign and Commonwealth Office\nPublished 30 September 2016\n\nText here.\n"
    )
    extracted = extract(parse_text(text, "x.txt"))
    assert extracted.published == date(2016, 9, 30)
    assert extracted.publisher == "Foreign and Commonwealth Office"
    assert extracted.paragraphs() == ["Text here."]


def test_markdown_setext_title_bold_headings_and_emphasised_date():
    text = (
        "Brazil: farming\n===============\n\n*Published 19 August 2019*\n\n**Detail**\n\n"
        "Some **bold** text with a [link](https://example.org).\n\n- item one\n- item two\n"
    )
    document = parse_markdown(text, "x.md")
    extracted = extract(document)
    assert extracted.title == "Brazil: farming"
    assert extracted.published == date(2019, 8, 19)
    assert extracted.sections[0].heading == "Detail"
    blocks = extracted.sections[0].blocks
    assert blocks[0].text == "Some bold text with a link."
    assert blocks[0].markdown == "Some **bold** text with a [link](https://example.org)."
    assert [b.kind for b in blocks[1:]] == ["item", "item"]


def test_markdown_with_front_matter_is_refused(tmp_path: Path):
    path = tmp_path / "report.md"
    path.write_text("---\ntitle: x\n---\nbody\n", encoding="utf-8")
    with pytest.raises(InputError, match="already has front matter"):
        read_source(path)


GOVUK_PAGE = """<!DOCTYPE html><html><head><title>Korea: data - GOV.UK</title>
<link rel="canonical" href="https://www.gov.uk/government/publications/korea-data">
<script>var secret = "do not import me";</script></head>
<body><header class="govuk-header"><a href="/">GOV.UK</a></header>
<nav><a>Menu item</a></nav>
<main role="main"><span class="gem-c-title__context">Research and analysis</span>
<h1 class="gem-c-title__text">Korea: data</h1>
<dl><dt>From:</dt><dd><a href="/x">UK Trade &amp; Investment</a></dd><dt>Published</dt><dd>3 July 2014</dd></dl>
<div class="gem-c-govspeak govuk-govspeak"><h2>1. Detail</h2><p>The visit went <strong>well</strong>.</p>
<ul><li>one</li><li>two</li></ul><h2>Comment</h2><p>Useful.</p></div>
<div class="gem-c-share">Share this page</div></main>
<footer>Footer text</footer></body></html>"""


def test_govuk_page_keeps_the_article_and_its_metadata_only():
    document = parse_html(GOVUK_PAGE, "page.html")
    extracted = extract(document)
    assert document.url == "https://www.gov.uk/government/publications/korea-data"
    assert extracted.title == "Korea: data"
    assert extracted.published == date(2014, 7, 3)
    assert extracted.publisher == "UK Trade & Investment"
    assert [s.heading for s in extracted.sections] == ["Detail", "Comment"]
    text = " ".join(b.text for b in document.blocks)
    assert "The visit went well." in text
    for chrome in ("do not import me", "Menu item", "Footer text", "Share this page", "GOV.UK"):
        assert chrome not in text


def test_page_with_an_article_element_but_no_govuk_classes():
    page = (
        "<html><body><nav>Home</nav><article><h1>Japan: space</h1><p>Published 21 November 2016</p>"
        "<p>Body text.</p></article><aside>Related links</aside></body></html>"
    )
    extracted = extract(parse_html(page, "p.html"))
    assert extracted.title == "Japan: space"
    assert extracted.published == date(2016, 11, 21)
    assert extracted.paragraphs() == ["Body text."]


def test_page_without_an_article_is_read_by_trafilatura_with_its_table_and_list():
    page = (
        "<html><head><title>Japan: trade - Example</title></head><body><div class='nav'>Menu</div><div>"
        "<h1>Japan: trade in numbers</h1><p>Published 1 May 2015</p>"
        "<p>The trade mission met the ministry in Tokyo and talked about the figures below.</p>"
        "<table><tr><th>Year</th><th>Value</th></tr><tr><td>2014</td><td>£3m</td></tr></table>"
        "<p>Share on Twitter</p><ul><li>first point made</li><li>second point made</li></ul></div></body></html>"
    )
    document = parse_html(page, "p.html")
    extracted = extract(document)
    assert extracted.title == "Japan: trade in numbers"
    assert extracted.published == date(2015, 5, 1)
    blocks = extracted.sections[0].blocks
    assert [b.kind for b in blocks] == ["paragraph", "table", "item", "item"]
    assert blocks[1].markdown == "| Year | Value |\n|---|---|\n| 2014 | £3m |"
    assert "Share on Twitter" in extracted.chrome


def test_a_govuk_table_stays_a_markdown_table():
    page = GOVUK_PAGE.replace(
        "<h2>Comment</h2>",
        "<table><tr><th>A</th><th>B|C</th></tr><tr><td>1</td><td>2</td></tr></table><h2>Comment</h2>",
    )
    blocks = [b for b in parse_html(page, "page.html").blocks if b.kind == "table"]
    assert [b.markdown for b in blocks] == ["| A | B\\|C |\n|---|---|\n| 1 | 2 |"]


def test_page_with_no_text_at_all_is_a_clear_error():
    with pytest.raises(InputError, match="no article found"):
        parse_html("<html><body><div>Hi</div></body></html>", "p.html")


def test_hostile_html_is_read_without_a_crash_and_without_script_text():
    nested = "<div>" * 3000 + "deep text" + "</div>" * 3000
    page = (
        f"<html><body><main><h1>T: x</h1></p></span><p>Published 1 May 2015<p>one<p>two"
        f"<script>alert('x')</script><img src=x onerror=alert(1)>{nested}</main></body></html>"
    )
    document = parse_html(page, "p.html")
    text = " ".join(b.text for b in document.blocks)
    assert "alert" not in text
    assert "deep text" in text and "one" in text and "two" in text


# -- page chrome, titles and headings ---------------------------------------------------------------
def test_page_chrome_is_set_aside_and_the_real_title_found():
    text = (
        "Skip to main content\nResearch and innovation\nNews article3 March 2021Directorate-General for "
        "Research2 min read\n\nJapan and the EU start talks on fusion research\n\n"
        "This was published under the 2019 to 2022 Johnson Conservative government\n\n"
        "Share on Twitter\n\nThe two sides met in Brussels to plan joint fusion work over the next decade.\n"
    )
    extracted = extract(parse_text(text, "x.txt"))
    assert extracted.title == "Japan and the EU start talks on fusion research"
    assert extracted.published == date(2021, 3, 3)
    assert extracted.paragraphs() == [
        "Research and innovation",
        "The two sides met in Brussels to plan joint fusion work over the next decade.",
    ]
    assert extracted.chrome == [
        "Skip to main content",
        "News article3 March 2021Directorate-General for Research2 min read",
        "This was published under the 2019 to 2022 Johnson Conservative government",
        "Share on Twitter",
    ]


def test_a_text_without_a_title_line_gets_its_first_sentence_as_title_not_its_lead_in():
    text = (
        "A government spokesperson said:\n\nThe Prime Minister spoke to the President of Chile about "
        "trade, science and the oceans this morning. They agreed to meet again.\n"
    )
    extracted = extract(parse_text(text, "x.txt"))
    assert (
        extracted.title == "The Prime Minister spoke to the President of Chile about trade, science and the …"
    )
    assert extracted.title_note.startswith("the text has no title line")
    assert extracted.paragraphs()[0] == "A government spokesperson said:"


def test_headings_come_only_from_real_headings_and_a_short_last_line_is_kept():
    text = (
        "Peru: a visit\n\nPublished 3 May 2018\n\nSir Alan Duncan\n\nThe minister visited Lima and met the "
        "trade minister.\n\nNext steps\n\nBoth sides will meet again in the autumn.\n\nThe Korean Peninsula\n"
    )
    extracted = extract(parse_text(text, "x.txt"))
    assert [s.heading for s in extracted.sections] == [None, "Next steps"]
    assert extracted.paragraphs() == [
        "Sir Alan Duncan",
        "The minister visited Lima and met the trade minister.",
        "Both sides will meet again in the autumn.",
        "The Korean Peninsula",
    ]


def test_a_korean_page_keeps_its_real_title_and_reads_its_date():
    text = "보도자료\n\n한국과 영국, 수소 경제 협력 강화에 합의\n\n2023.05.16\n\n양국 장관은 서울에서 만나 협력 방안을 논의했다.\n"
    extracted = extract(parse_text(text, "x.txt"))
    assert (extracted.genre, extracted.title, extracted.published) == (
        "보도자료",
        "한국과 영국, 수소 경제 협력 강화에 합의",
        date(2023, 5, 16),
    )


# -- no pattern of the importer is super-linear (issue 12) ------------------------------------------
# Each source took from 8 s to over two minutes in the importer's regular expressions before; a
# generous deadline, not a timing: a regression takes minutes again.
HOSTILE_SOURCES = {
    "hostile.md": (
        "# Korea: hydrogen\n\n## a"
        + " " * 8000
        + "b\n\nThe ministry will build 300 stations by 2030.\n\n"
        + "[" * 30000
        + "\n\n"
        + " *a" * 20000
        + "\n\n"
        + "<" * 30000
        + "\n\n**Detail"
        + " " * 8000
        + "x\n\nSome closing paragraph text about the visit.\n"
    ),
    "hostile.txt": (
        "Korea: hydrogen\n\nThe ministry will build 300 stations by 2030.\n\n"
        "John Smith, Director" + " of The" * 15000 + "!\n\nJane Doe, Head" + " " * 15000 + "!\n\n"
        "We agreed to work on"
        + " on" * 15000
        + "\n\nThey plan to spend $5bn on roads ("
        + "a (" * 15000
        + "\n\nThe UK team visited Seoul"
        + " ," * 15000
        + " x\n\n"
        "Ministry of Energy"
        + " ," * 15000
        + " x\n\nPublished"
        + " " * 15000
        + "x\n\nFrom"
        + "\t" * 15000
        + "\n\nSome closing paragraph text about the visit.\n"
    ),
    "hostile.html": (
        "<html><head><title>Korea" + " " * 100000 + "x - y</title></head><body><main><h1>Korea</h1>"
        "<p>The ministry will build 300 stations by 2030.</p><p>Some closing text.</p></main></body></html>"
    ),
}


@pytest.mark.parametrize("name", HOSTILE_SOURCES)
def test_hostile_sources_import_in_linear_time(run, tmp_path, name):
    from conftest import deadline

    source = tmp_path / name
    source.write_text(HOSTILE_SOURCES[name], encoding="utf-8")
    with deadline(30):
        result = run("import", "--dry-run", "--date", "2024-01-01", "--country", "KR", str(source))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("---\ntitle: ") and "Korea" in result.stdout.split("\n")[1]


def test_a_markdown_heading_keeps_its_text_without_closing_hashes():
    from kb.importer.document import parse_markdown

    text = "## Notes ##\n\n## C#\n\n##   a  b  ##  \n\n# x # y #\n\n## a" + " " * 2000 + "b\n\nText.\n"
    assert headings(parse_markdown(text, "x.md")) == ["Notes", "C", "a b", "x # y", "a b"]
