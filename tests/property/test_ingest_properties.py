"""The loaders over generated input, well-formed and hostile.

Whatever a file holds (any Unicode, NULs, binary junk, lone surrogates from escapes, YAML and
JSON that parse to odd values, thousands of nested elements), a loader returns articles and
LoadFailures naming the file (and the line where it can): it never raises. Well-formed input
loads with nothing lost: the Markdown body byte for byte, every word of an HTML page or feed.
"""

from __future__ import annotations

import html
import json
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from indexer.errors import InvalidArticle
from indexer.ingest import load_article_json, load_source
from indexer.ingest.feed import load_feed
from indexer.ingest.html import load_html
from indexer.ingest.jsonl import load_jsonl
from indexer.ingest.markdown import load_markdown
from indexer.model import Article, LoadResult
from tests.property import PROFILE

SOURCE = "content/post.md"
LOADERS: dict[str, Callable[[str, str], LoadResult]] = {
    "markdown": load_markdown,
    "html": load_html,
    "jsonl": load_jsonl,
    "feed": load_feed,
}

# Text as files and requests deliver it: any Unicode, bytes read as Latin-1, and bytes
# decoded with surrogateescape (lone surrogates, as a JSON or YAML escape can also produce).
junk = st.one_of(
    st.text(),
    st.binary().map(lambda b: b.decode("latin-1")),
    st.binary().map(lambda b: b.decode("utf-8", "surrogateescape")),
    st.text(st.sampled_from("\x00\r\n\t -#<>{}[]\":,`'&;!/\\|=*abc\u2028\ufeff"), max_size=80),
)
plain_words = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=10)


def lines_in(text: str) -> int:
    return text.count("\n") + 1


def assert_sound(result: LoadResult, text: str, source: str) -> None:
    """What every loader promises for every input."""
    for failure in result.failures:
        assert failure.path == source and failure.reason.strip()
        assert failure.line is None or 1 <= failure.line <= lines_in(text)
        assert str(failure).startswith(source)
    for article in result.articles:
        assert isinstance(article, Article) and article.source_path == source
        assert article.id.strip() and article.title.strip()
        for value in (article.id, article.title, article.text, article.author or ""):
            assert not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    surrogate = next((i for i, c in enumerate(text) if 0xD800 <= ord(c) <= 0xDFFF), None)
    if surrogate is not None and not result.articles:
        # A loader that read no article from text with a lone surrogate says where it is...
        assert any("surrogate" in f.reason for f in result.failures) or not text.strip()


@settings(PROFILE, max_examples=40)
@given(kind=st.sampled_from(sorted(LOADERS)), text=junk)
@example(kind="markdown", text="---\ntitle: x\npublished: 2024-02-30\n---\nbody")
@example(kind="markdown", text="---\ntitle: " + "9" * 5000 + "\n---\nbody")
@example(kind="markdown", text="---\ntitle: " + "[" * 3000 + "\n---\nbody")
@example(kind="jsonl", text='{"title": ' + "9" * 5000 + "}")
@example(kind="jsonl", text="[" * 100_000)
@example(kind="jsonl", text='{"title": "t", "body": "\\ud800"}')
@example(kind="html", text="<h1>t</h1>" + "<div>" * 5000 + "deep")
@example(kind="feed", text="<rss><channel>" + "<x>" * 5000)
def test_no_input_makes_a_loader_raise(kind: str, text: str) -> None:
    assert_sound(LOADERS[kind](text, SOURCE), text, SOURCE)


@settings(PROFILE, max_examples=30)
@given(kind=st.sampled_from(sorted(LOADERS)), text=st.text(), data=st.data())
def test_a_lone_surrogate_is_a_failure_naming_its_line(
    kind: str, text: str, data: st.DataObject
) -> None:
    where = data.draw(st.integers(0, len(text)))
    broken = text[:where] + "\udc80" + text[where:]
    result = LOADERS[kind](broken, SOURCE)
    assert_sound(result, broken, SOURCE)
    if kind != "jsonl":  # JSON Lines reads on past a bad line; the others stop at once
        (failure,) = result.failures
        assert result.articles == () and "surrogate" in failure.reason
        assert failure.line == broken.count("\n", 0, where) + 1


# --- Markdown with front matter ------------------------------------------------------------

single_line = st.text(st.characters(exclude_categories=["Cs", "Zl", "Zp", "Cc"]), max_size=60)
bodies = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(["---", "```", "\n", "\n\n", "# H", "\r\n", "\x00", "<div>", "- item"]),
    ),
    max_size=20,
).map("".join)


@settings(PROFILE)
@given(
    title=single_line,
    tags=st.lists(plain_words, max_size=4),
    published=st.none() | st.dates(date(1990, 1, 1), date(2100, 1, 1)),
    body=bodies,
)
def test_front_matter_loads_and_the_body_is_kept_byte_for_byte(
    title: str, tags: list[str], published: date | None, body: str
) -> None:
    fields: dict[str, object] = {"title": title, "tags": tags}
    if published:
        fields["published"] = published
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    text = f"---\n{front}---\n\n{body}"
    result = load_markdown(text, SOURCE)
    assert_sound(result, text, SOURCE)
    if not title.strip():
        assert [f.reason for f in result.failures] == ["missing title"]
        return
    (article,) = result.articles
    assert article.text == body and article.title == title.strip()
    assert article.id == "post" and article.published == published
    assert list(article.tags) == list(dict.fromkeys(t.strip().lower() for t in tags))


@settings(PROFILE)
@given(front=st.text(max_size=200), body=st.text(max_size=50))
def test_any_front_matter_text_is_an_article_or_a_failure(front: str, body: str) -> None:
    text = f"---\n{front}\n---\n{body}"
    result = load_markdown(text, SOURCE)
    assert_sound(result, text, SOURCE)
    assert len(result.articles) + len(result.failures) == 1


# --- HTML ------------------------------------------------------------------------------------

CONTAINERS = ["div", "section", "p", "span", "em", "strong", "blockquote", "li", "ul", "ol"]
# No <article> or <main>: the loader reads only inside them, by design.
CONTAINERS += ["table", "tr", "td", "pre", "code", "h2", "h3", "h6", "a", "dl", "dd", "figure"]
pages = st.recursive(
    plain_words.map(lambda w: ("text", w)),
    lambda children: st.tuples(st.sampled_from(CONTAINERS), st.lists(children, max_size=4)),
    max_leaves=40,
)


def render(node: tuple[str, object]) -> tuple[str, list[str]]:
    """HTML for a generated tree, and the words it holds."""
    tag, content = node
    if tag == "text":
        assert isinstance(content, str)
        return html.escape(content) + " ", [content]
    assert isinstance(content, list)
    parts = [render(child) for child in content]
    inner = "".join(markup for markup, _ in parts)
    return f"<{tag}>{inner}</{tag}>", [word for _, words in parts for word in words]


@settings(PROFILE)
@given(page=pages, depth=st.integers(0, 2000), title=plain_words)
def test_every_word_of_a_page_reaches_the_article_text(
    page: tuple[str, object], depth: int, title: str
) -> None:
    markup, words = render(page)
    # `depth` wrappers, never closed: thousands of levels once overflowed the converter.
    text = f"<html><body><h1>{title}</h1>{'<div>' * depth}{markup}</body></html>"
    result = load_html(text, SOURCE)
    assert_sound(result, text, SOURCE)
    (article,) = result.articles
    assert article.title == title
    for word in words:
        assert word in article.text


# --- JSON Lines --------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=10,
)
FIELDS = ["id", "slug", "url", "title", "body", "text", "content", "format", "author", "tags"]
FIELDS += ["published", "updated", "summary", "draft", "status"]
records = st.dictionaries(st.sampled_from(FIELDS), json_values | plain_words, max_size=8)


@settings(PROFILE)
@given(lines=st.lists(records | json_values, max_size=8), ascii_only=st.booleans())
def test_every_jsonl_line_is_an_article_or_a_failure_on_that_line(
    lines: list[object], ascii_only: bool
) -> None:
    text = "\n".join(json.dumps(line, ensure_ascii=ascii_only) for line in lines)
    result = load_jsonl(text, SOURCE)
    assert_sound(result, text, SOURCE)
    assert len(result.articles) + len(result.failures) == len(lines)
    assert all(f.line is not None for f in result.failures)


@settings(PROFILE)
@given(record=records | json_values, path_id=plain_words)
def test_an_api_record_is_an_article_or_an_invalid_article(record: object, path_id: str) -> None:
    payload = {**record, "id": path_id} if isinstance(record, dict) else record
    try:
        article = load_article_json(payload, source_path="api")  # type: ignore[arg-type]
    except InvalidArticle as exc:
        assert str(exc)
    else:
        assert article.id == path_id and article.title


@settings(PROFILE)
@given(
    title=plain_words,
    body=st.text(max_size=200),
    nested=st.lists(st.just(0), max_size=3),
    depth=st.integers(900, 990),
)
def test_odd_but_valid_json_in_a_record_is_a_clear_failure(
    title: str, body: str, nested: list[int], depth: int
) -> None:
    # Nested just below the JSON parser's limit: walking it again must not overflow the stack.
    deep = "[" * depth + "]" * depth
    text = json.dumps({"title": title, "body": body, "tags": nested})[:-1] + f', "x": {deep}}}'
    result = load_jsonl(text, SOURCE)
    assert_sound(result, text, SOURCE)
    assert len(result.articles) + len(result.failures) == 1


# --- Feeds ----------------------------------------------------------------------------------


@settings(PROFILE, max_examples=30)
@given(
    entries=st.lists(
        st.tuples(plain_words, plain_words, st.lists(plain_words, min_size=1, max_size=8)),
        max_size=5,
    )
)
def test_every_feed_entry_is_an_article_holding_its_words_or_a_failure(
    entries: list[tuple[str, str, list[str]]],
) -> None:
    items = "".join(
        f"<item><title>{html.escape(title)}</title>"
        f"<link>https://blog.example/posts/{slug}-{i}</link>"
        f"<description>{html.escape('<p>' + ' '.join(words) + '</p>')}</description></item>"
        for i, (title, slug, words) in enumerate(entries)
    )
    text = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>{items}</channel></rss>'
    )
    result = load_feed(text, SOURCE)
    assert_sound(result, text, SOURCE)
    assert len(result.articles) == len(entries) and not result.failures
    for article, (_, _, words) in zip(result.articles, entries, strict=True):
        assert all(word in article.text for word in words)


# --- Files on disk ------------------------------------------------------------------------------


@settings(PROFILE, max_examples=30)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".md", ".html", ".jsonl", ".xml"]))
def test_a_file_of_binary_junk_is_read_or_refused_with_its_line(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "junk" + suffix)
        path.write_bytes(data)
        result = load_source(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        (failure,) = result.failures
        assert "not valid UTF-8" in failure.reason and result.articles == ()
        assert failure.line == data.count(b"\n", 0, exc.start) + 1
    else:
        assert_sound(result, text.removeprefix("\ufeff"), str(path))
