from __future__ import annotations

from indexer.model import Article
from indexer.text.chunking import ChunkingConfig, chunk_article
from indexer.text.markdown_blocks import github_anchor
from tests.fakes import FakeTokenizer


def article(text: str, title: str = "Title") -> Article:
    return Article(id="a", title=title, text=text, source_path="/x.md")


def prose(words: int, seed: str = "word") -> str:
    sentences = []
    for i in range(0, words, 10):
        sentences.append(" ".join(f"{seed}{j}" for j in range(i, min(i + 10, words))) + ".")
    return " ".join(s[0].upper() + s[1:] for s in sentences)


def test_every_chunk_is_the_exact_slice_of_the_article_its_offsets_name() -> None:
    text = f"Intro {prose(40)}\n\n## First part\n\n{prose(300)}\n\n## Second\n\n{prose(50, 'x')}\n"
    chunks = chunk_article(article(text), FakeTokenizer(), ChunkingConfig(64, 8))
    assert len(chunks) > 4
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.embed_text.endswith(chunk.text)


def test_no_chunk_exceeds_the_budget_counting_its_heading_prefix() -> None:
    tokenizer = FakeTokenizer()
    text = "## A heading\n\n" + prose(2000) + "\n\n" + "x" * 5000
    chunks = chunk_article(article(text), tokenizer, ChunkingConfig(100, 10))
    assert chunks
    assert all(tokenizer.count(c.embed_text) <= 100 for c in chunks)
    assert all(c.token_count == tokenizer.count(c.embed_text) for c in chunks)


def test_the_model_limit_caps_a_larger_configured_chunk_size() -> None:
    tokenizer = FakeTokenizer(max_tokens=50)
    chunks = chunk_article(article(prose(600)), tokenizer, ChunkingConfig(500, 10))
    assert all(tokenizer.count(c.embed_text) <= 50 for c in chunks)


def test_chunks_never_cross_a_heading_and_carry_its_path_and_anchor() -> None:
    text = (
        "## Caching\n\nAbout caches.\n\n### Stampedes and hot keys\n\nLocks help."
        "\n\n## Queues\n\nLists."
    )
    chunks = chunk_article(article(text), FakeTokenizer(), ChunkingConfig(200, 10))
    assert [(c.heading_path, c.anchor, c.text) for c in chunks] == [
        (("Caching",), "caching", "About caches."),
        (("Caching", "Stampedes and hot keys"), "stampedes-and-hot-keys", "Locks help."),
        (("Queues",), "queues", "Lists."),
    ]
    assert chunks[1].embed_text.startswith("Title > Caching > Stampedes and hot keys\n")


def test_a_heading_with_an_explicit_id_keeps_that_anchor() -> None:
    chunks = chunk_article(
        article("## Set-up {#setup}\n\nText here."), FakeTokenizer(), ChunkingConfig(200, 10)
    )
    assert chunks[0].anchor == "setup"
    assert chunks[0].heading_path == ("Set-up",)


def test_repeated_headings_get_distinct_anchors() -> None:
    text = "## Example\n\none\n\n## Example\n\ntwo"
    chunks = chunk_article(article(text), FakeTokenizer(), ChunkingConfig(200, 10))
    assert [c.anchor for c in chunks] == ["example", "example-1"]


def test_a_code_block_that_fits_is_never_cut() -> None:
    code = "```python\n" + "\n".join(f"value_{i} = compute({i})" for i in range(12)) + "\n```"
    text = f"## Code\n\n{prose(70)}\n\n{code}\n\n{prose(30, 'tail')}"
    chunks = chunk_article(article(text), FakeTokenizer(), ChunkingConfig(120, 16))
    holding = [c for c in chunks if "value_0" in c.text]
    assert len(holding) == 1
    assert code in holding[0].text
    assert all(c.part is None for c in chunks)


def test_a_table_that_fits_is_never_cut() -> None:
    table = "| a | b |\n|---|---|\n" + "\n".join(f"| r{i} | v{i} |" for i in range(8))
    text = f"{prose(80)}\n\n{table}\n\n{prose(20)}"
    chunks = chunk_article(article(text), FakeTokenizer(), ChunkingConfig(110, 10))
    assert sum(table in c.text for c in chunks) == 1


def test_a_code_block_longer_than_a_chunk_is_split_on_lines_and_each_part_says_so() -> None:
    code = "```\n" + "\n".join(f"line {i} of the long listing" for i in range(80)) + "\n```"
    chunks = chunk_article(article(f"## Listing\n\n{code}"), FakeTokenizer(), ChunkingConfig(60, 8))
    parts = [c for c in chunks if c.part]
    assert len(parts) > 2
    assert parts[0].part == f"part 1 of {len(parts)}"
    assert parts[-1].part == f"part {len(parts)} of {len(parts)}"
    for chunk in parts:
        assert all(line.startswith(("line", "```")) for line in chunk.text.splitlines())


def test_consecutive_chunks_of_a_section_overlap_by_whole_sentences() -> None:
    text = prose(400)
    chunks = chunk_article(article(text), FakeTokenizer(), ChunkingConfig(80, 24))
    assert len(chunks) > 3
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert after.start < before.end
        assert text[after.start : before.end].rstrip().endswith(".")


def test_a_long_list_is_split_between_items() -> None:
    items = "\n".join(f"- item {i} says something useful" for i in range(60))
    chunks = chunk_article(article(items), FakeTokenizer(), ChunkingConfig(60, 0))
    assert len(chunks) > 3
    for chunk in chunks:
        assert chunk.text.startswith("- item")


def test_an_empty_body_gives_no_chunks() -> None:
    assert chunk_article(article(""), FakeTokenizer(), ChunkingConfig()) == []


def test_github_anchors_drop_punctuation_and_join_words_with_dashes() -> None:
    assert github_anchor("Why `acks_late` matters?") == "why-acks_late-matters"


def test_slices_that_cut_a_word_are_tokenised_alone_not_sliced() -> None:
    """Sliced from the article's tokens only between words: "lo world" is two tokens alone,
    and slicing would give one (the token "hello" straddles where it starts)."""
    from indexer.text.chunking import _Prefix, _TextTokens

    tokenizer = FakeTokenizer()
    tokens = _TextTokens("hello world, again", tokenizer)

    assert tokens.count_many([(3, 11), (0, 5), (6, 18), (0, 18), (5, 6)]) == [2, 1, 3, 4, 0]
    prefix = _Prefix("T\n", tokenizer.encode("T\n"))
    assert tokens.chunk_ids(prefix, 3, 11) == tokenizer.encode("T\nlo world")
    assert tokens.chunk_ids(prefix, 6, 18) == tokenizer.encode("T\nworld, again")


def test_chunks_are_the_same_whether_the_tokenizer_offers_spans_or_not() -> None:
    code = "code line\n" * 90
    text = f"Intro {prose(40)}\n\n## First part\n\n{prose(300)}\n\n```\n{code}```\n"
    for config in (ChunkingConfig(), ChunkingConfig(64, 8)):
        sliced = chunk_article(article(text), FakeTokenizer(), config)
        alone = chunk_article(article(text), FakeTokenizer(spans=False), config)
        assert len(sliced) > 3
        assert sliced == alone
