"""The chunker tokenises an article once and slices the tokens; with the model's real tokenizer
that must give exactly the chunks (bounds, counts, ids) that tokenising every slice alone
gives, on prose, Markdown and text built to break the slicing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from indexer.adapters.hf_tokenizer import HuggingFaceTokenizer
from indexer.ingest import load_source
from indexer.model import Article
from indexer.ports import TokenSpans
from indexer.text.chunking import ChunkingConfig, chunk_article
from tests.builders import EXAMPLES

pytestmark = pytest.mark.integration


class SliceBySlice:
    """The real tokenizer with its spans withheld: the chunker then tokenises each slice."""

    def __init__(self, inner: HuggingFaceTokenizer) -> None:
        self._inner = inner
        self.max_tokens = inner.max_tokens
        self.fingerprint = inner.fingerprint

    def count(self, text: str) -> int:
        return self._inner.count(text)

    def encode(self, text: str) -> list[int]:
        return self._inner.encode(text)

    def count_many(self, texts: Sequence[str]) -> list[int]:
        return self._inner.count_many(texts)

    def encode_spans(self, text: str) -> TokenSpans | None:
        return None


AWKWARD = [
    # Accents written both ways (precomposed, and a letter plus a combining mark).
    "Caf\u00e9 d\u00e9j\u00e0 vu. E\u0301cole normale, na\u0131\u0308ve fa\u00e7ade. Stra\u00dfe.",
    # CJK is split per character; emoji and symbols; a zero-width joiner; a soft hyphen.
    "\u4e2d\u6587\u5206\u8bcd\u6d4b\u8bd5\u3002 Deploy on Friday? "
    "\U0001f680\u200d\U0001f525 co\u00adop.",
    # Sentences glued by punctuation, non-breaking spaces, tabs and Windows line ends.
    "It failed.Then it\u00a0retried!Twice?\tYes.\r\nNext line (see [1]).\r\n",
    # A word past WordPiece's 100-character limit, and one run-on sentence over a chunk.
    "x" * 150 + " tail. " + " ".join(f"word{i}" for i in range(400)) + ".",
    # One word of 99 word pieces: over a small chunk, so it is cut between characters.
    "Checksum " + "zq" * 49 + "z matched. Then " + "xj" * 49 + "k failed.",
    # A table and a code fence too long for one chunk.
    "| a | b |\n| - | - |\n" + "".join(f"| row {i} | value {i * 7} |\n" for i in range(120)),
    "```python\n" + "".join(f"def f{i}(x):\n    return x * {i}\n" for i in range(150)) + "```\n",
]


def articles() -> list[Article]:
    sample = load_source(EXAMPLES / "articles").articles
    made = [
        replace(sample[0], id=f"awkward-{i}", title=f"Awkward {i}", text=text)
        for i, text in enumerate(AWKWARD)
    ]
    return [*sample, *made]


@pytest.mark.parametrize("config", [ChunkingConfig(), ChunkingConfig(64, 16)], ids=str)
def test_sliced_tokens_give_the_chunks_tokenising_each_slice_gives(
    model_dir: Path, config: ChunkingConfig
) -> None:
    tokenizer = HuggingFaceTokenizer(model_dir)
    assert tokenizer.encode_spans("a test") is not None  # the fast path is under test
    compared = 0
    for article in articles():
        sliced = chunk_article(article, tokenizer, config)
        alone = chunk_article(article, SliceBySlice(tokenizer), config)
        assert sliced == alone, article.id
        for chunk in sliced:
            assert list(chunk.token_ids) == tokenizer.encode(chunk.embed_text.strip())
        compared += len(sliced)
    assert compared > 300
