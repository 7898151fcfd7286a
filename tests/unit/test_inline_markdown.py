"""Passages as readers see them: inline Markdown rendered from one parse, marks never shown,
nothing in an article ever becoming markup, and highlights still on their words."""

from __future__ import annotations

import pytest

from indexer.text.highlighting import match_spans
from indexer.text.inline_markdown import plain_text, runs
from indexer.text.passage_html import passage_html, safe_href

PASSAGE = (
    "Set *retry_backoff* with `acks_late=True`, see [the retry docs](/docs/retries) "
    "and **never** retry forever."
)


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        (
            PASSAGE,
            "Set retry_backoff with acks_late=True, see the retry docs and never retry forever.",
        ),
        ("a _b_ __c__ ***d***", "a b c d"),
        ("``code with ` inside`` and ` padded `", "code with ` inside and padded"),
        ("Tom &amp; Jerry &copy; 2024 &#42;", "Tom & Jerry © 2024 *"),
        ("not \\*emphasis\\* and C:\\path", "not *emphasis* and C:\\path"),
        ("<https://go.dev/blog> and ![a *diagram*](fig.png)", "https://go.dev/blog and a diagram"),
        ("line one\\\nline two", "line one\nline two"),
        ("- item *one*\n  goes on\n- item `two`", "- item one\n  goes on\n- item two"),
        ("| a | *b* |\n|---|---|\n| `x` | y |", "| a | b |\n|---|---|\n| x | y |"),
        (
            "Before:\n\n```python\nx = a * b * c\n```\n\nAfter.",
            "Before:\n\nx = a * b * c\n\nAfter.",
        ),
        ("    indented = *code*\n\ntext", "    indented = *code*\n\ntext"),
        ("cut off in code:\n\n```sh\nrm -rf *.tmp", "cut off in code:\n\nrm -rf *.tmp"),
        ("[ref link][docs] and [shortcut]", "[ref link][docs] and [shortcut]"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("", ""),
    ],
)
def test_the_plain_text_has_no_markdown_marks(markdown: str, plain: str) -> None:
    assert plain_text(markdown) == plain


@pytest.mark.parametrize(
    ("hostile", "html"),
    [
        ("*unbalanced **marks `tick [open ( bracket", "*unbalanced **marks `tick [open ( bracket"),
        # CommonMark nests three <em> here; one reads the same.
        ("**bold *nested** wrong*", "<em>bold nested wrong</em>"),
        ("`` unclosed code", "`` unclosed code"),
        ("[x](javascript:alert(1) 'title'", "[x](javascript:alert(1) 'title'"),
        ("a\r\nb\rc\0d", "a \nb\nc\ufffdd"),
    ],
)
def test_unbalanced_or_odd_marks_are_shown_as_written(hostile: str, html: str) -> None:
    found = runs(hostile)

    assert [r.start for r in found[1:]] == [r.end for r in found[:-1]]
    assert found[0].start == 0 and found[-1].end == len(hostile)
    assert passage_html(hostile, []) == html


def test_emphasis_code_and_links_become_elements_and_their_marks_go() -> None:
    html = passage_html(PASSAGE, [], base_url="https://blog.example/posts/retries/")

    assert html == (
        "Set <em>retry_backoff</em> with <code>acks_late=True</code>, see "
        '<a href="https://blog.example/docs/retries" rel="nofollow">the retry docs</a> '
        "and <strong>never</strong> retry forever."
    )


def test_a_javascript_link_shows_its_text_and_links_nowhere() -> None:
    for target in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x"]:
        html = passage_html(f"see [x]({target}) now", [], base_url="https://blog.example/a/")

        assert html == "see x now"


def test_markup_in_text_and_in_code_spans_is_escaped_never_rendered() -> None:
    text = '<script>alert(1)</script> `<script>alert(2)</script>` <img src=x onerror="p()">'

    html = passage_html(text, [])

    assert "<script" not in html and "<img" not in html
    assert html == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <code>&lt;script&gt;alert(2)&lt;/script&gt;</code>"
        ' &lt;img src=x onerror="p()"&gt;'
    )


def test_a_link_target_cannot_break_out_of_its_attribute() -> None:
    html = passage_html('[x](https://a.example/"onmouseover="p()) y', [])

    assert '"onmouseover' not in html
    assert html.startswith('<a href="https://a.example/%22onmouseover=%22p()" rel="nofollow">x</a>')


@pytest.mark.parametrize(
    ("target", "base", "safe"),
    [
        ("https://go.dev/blog", None, "https://go.dev/blog"),
        ("HTTP://GO.DEV/", None, "HTTP://GO.DEV/"),
        ("/docs/x", None, "/docs/x"),
        ("/docs/x", "https://site.example/blog/post/", "https://site.example/docs/x"),
        ("../other/", "https://site.example/blog/post/", "https://site.example/blog/other/"),
        ("#section", "https://site.example/blog/post/", "https://site.example/blog/post/#section"),
        ("other.html", None, None),
        ("mailto:a@b.example", None, None),
        ("javascript:alert(1)", "https://site.example/", None),
        (" javascript:alert(1)", None, None),
        ("java\tscript:alert(1)", None, None),
        ("https://", None, None),
    ],
)
def test_only_web_links_are_followed(target: str, base: str | None, safe: str | None) -> None:
    assert safe_href(target, base) == safe


def test_highlights_land_on_their_words_inside_emphasis_code_and_links() -> None:
    spans = match_spans(PASSAGE, "retry acks_late")

    html = passage_html(PASSAGE, spans)

    assert "<em><mark>retry_backoff</mark></em>" in html
    assert "<code><mark>acks_late</mark>=True</code>" in html
    assert '<a href="/docs/retries" rel="nofollow">the <mark>retry</mark> docs</a>' in html
    assert "never</strong> <mark>retry</mark> forever" in html


def test_a_highlight_on_a_hidden_link_target_marks_nothing() -> None:
    text = "read [the guide](/docs/retries) first"

    html = passage_html(text, match_spans(text, "retries"))

    assert "<mark>" not in html


def test_a_highlight_on_an_entity_marks_the_character_it_stands_for() -> None:
    text = "fish &amp; chips"

    html = passage_html(text, [(5, 10)])

    assert html == "fish <mark>&amp;</mark> chips"


def test_a_fenced_code_block_is_one_code_element_without_its_fences() -> None:
    text = "Run it:\n\n```python\nretry(task)\n```\n\nDone."

    html = passage_html(text, match_spans(text, "retry"))

    assert html == ('Run it:\n\n<code class="code-block"><mark>retry</mark>(task)</code>\n\nDone.')


def test_text_without_any_mark_is_one_run_shown_as_written() -> None:
    text = 'Plain prose, with punctuation: quotes "like this" and (parentheses).'

    assert runs(text) == runs(text)
    [run] = runs(text)
    assert run.shown == text and run.style == frozenset()
    assert passage_html(text, []) == text
