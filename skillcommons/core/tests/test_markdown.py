"""User text is untrusted: the markdown renderer keeps formatting and drops anything active."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from skillcommons.core.markdown import render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    "Hello <script src='https://evil.example.com/x.js'></script> world",
    '<img src="x" onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example.com"></iframe>',
    "<style>body { display: none }</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
]


class Elements(HTMLParser):
    """The elements and attributes a browser would build from the HTML."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@pytest.mark.parametrize("source", ATTACKS)
def test_scripts_event_handlers_and_dangerous_urls_never_survive(source: str) -> None:
    for tag, attrs in Elements(render_markdown(source)).found:
        assert tag not in {"script", "iframe", "style", "svg", "img", "object", "embed"}
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name != "style"
            if name in {"href", "src"}:
                url = (value or "").strip().lower()
                assert not url.startswith(("javascript:", "data:", "vbscript:")), url


def test_raw_html_is_shown_as_text_not_run() -> None:
    assert "&lt;script&gt;" in render_markdown("<script>alert(1)</script>")


def test_formatting_tables_and_safe_links_are_kept() -> None:
    html = render_markdown(
        "**bold** _em_ `code`\n\n"
        "[Wikipedia](https://www.wikipedia.org/)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<code>code</code>" in html
    assert "<table>" in html
    assert 'href="https://www.wikipedia.org/"' in html
    assert 'rel="nofollow noopener ugc"' in html


def test_mailto_links_are_kept() -> None:
    assert 'href="mailto:someone@example.org"' in render_markdown("<mailto:someone@example.org>")


def test_headings_start_at_level_two_because_the_page_owns_the_h1() -> None:
    html = render_markdown("# Title\n\n## Part")
    assert "<h1>" not in html
    assert "<h2>Title</h2>" in html


def test_empty_text_renders_nothing() -> None:
    assert render_markdown("") == ""


def test_strikethrough_keeps_its_formatting() -> None:
    assert render_markdown("~~gone~~") == "<p><s>gone</s></p>\n"
