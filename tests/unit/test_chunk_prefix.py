"""The author's summary joins the opening passage's context, once, and never its text."""

from __future__ import annotations

from indexer.model import Article
from indexer.text.chunking import ChunkingConfig, chunk_article
from tests.fakes import FakeTokenizer

BODY = "Opening words about collectors.\n\n## Details\n\nMore about regions and spans.\n"


def chunks_of(summary: str | None, text: str = BODY) -> list[tuple[str, str]]:
    article = Article(id="a", title="Green Tea", text=text, source_path="/a.md", summary=summary)
    chunks = chunk_article(article, FakeTokenizer(), ChunkingConfig(64, 8))
    return [(c.embed_text, c.text) for c in chunks]


def test_the_summary_is_read_with_the_first_passage_only() -> None:
    (first, first_text), (second, _) = chunks_of("A new experimental garbage collector.")

    assert first == "Green Tea\nA new experimental garbage collector.\n" + first_text
    assert "garbage collector" not in first_text and "garbage collector" not in second
    assert second.startswith("Green Tea > Details\n")


def test_without_a_summary_the_prefix_is_the_title_and_headings() -> None:
    assert chunks_of(None)[0][0] == "Green Tea\nOpening words about collectors."


def test_a_summary_the_text_already_holds_is_not_repeated() -> None:
    summary = "Opening words   about collectors."
    assert chunks_of(summary) == chunks_of(None)


def test_a_long_summary_is_cut_to_leave_the_passage_its_room() -> None:
    (first, text), *_ = chunks_of(" ".join(f"w{i}" for i in range(200)))

    assert FakeTokenizer().count(first[: -len(text)]) <= 32
