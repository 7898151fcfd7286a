"""One contract for every Tokenizer: the word splitter the fast tests use, and the model's own
WordPiece tokenizer as `indexer.bootstrap.load_model` loads it (its files only, no weights)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from indexer.bootstrap import load_model
from indexer.config import Settings
from indexer.ports import Tokenizer
from tests.fakes import FakeTokenizer

TEXTS = [
    "Retry failed Celery tasks with exponential backoff (acks_late=True).",
    "## Jitter\n\nAdd jitter to every TTL: keys written together expire apart.",
    "def retry(task, countdown=2 ** attempt):\n    raise task.retry(exc=exc)",
    "Caf\u00e9 d\u00e9j\u00e0 vu. E\u0301cole na\u0131\u0308ve fa\u00e7ade, Stra\u00dfe.",
    "It failed.Then it\u00a0retried!Twice?\tYes.\r\nDeploy on Friday? \U0001f680 \u4e2d\u6587",
    "x" * 150 + " tail, then Checksum " + "zq" * 49 + "z matched.",
]


def the_models_tokenizer() -> Tokenizer:
    _, tokenizer = load_model(Settings(_env_file=None), with_embedder=False)
    return tokenizer


MAKERS: dict[str, Callable[[], Tokenizer]] = {
    "fake": FakeTokenizer,
    "huggingface": the_models_tokenizer,
}


@pytest.fixture(params=sorted(MAKERS))
def make(request: pytest.FixtureRequest) -> Callable[[], Tokenizer]:
    return MAKERS[str(request.param)]


def between_words(text: str) -> list[int]:
    """Every offset where a word may start or end: the text's ends and its whitespace."""
    return sorted({0, len(text), *(i for i, c in enumerate(text) if c.isspace())})


def test_count_is_the_number_of_ids_encode_gives(make: Callable[[], Tokenizer]) -> None:
    tokenizer = make()
    for text in TEXTS:
        assert tokenizer.count(text) == len(tokenizer.encode(text)) > 0
    # Special tokens excluded: nothing to read is no tokens.
    assert tokenizer.count("") == 0 and tokenizer.encode("") == []


def test_count_many_equals_count_for_each_text_in_order(make: Callable[[], Tokenizer]) -> None:
    tokenizer = make()
    texts = [*TEXTS, "", TEXTS[0]]
    assert tokenizer.count_many(texts) == [tokenizer.count(text) for text in texts]
    assert tokenizer.count_many([]) == []


def test_spans_hold_the_ids_of_encode_each_with_its_place_in_the_text(
    make: Callable[[], Tokenizer],
) -> None:
    tokenizer = make()
    for text in TEXTS:
        spans = tokenizer.encode_spans(text)
        assert spans is not None
        assert list(spans.ids) == tokenizer.encode(text)
        assert len(spans.starts) == len(spans.ends) == len(spans.words) == len(spans.ids)
        assert all(0 <= s < e <= len(text) for s, e in zip(spans.starts, spans.ends, strict=True))
        assert list(spans.starts) == sorted(spans.starts)
        words = list(spans.words)
        assert None not in words and words == sorted(words)  # type: ignore[type-var]


def test_a_slice_between_words_tokenises_to_a_slice_of_the_spans(
    make: Callable[[], Tokenizer],
) -> None:
    tokenizer = make()
    for text in TEXTS:
        spans = tokenizer.encode_spans(text)
        assert spans is not None
        cuts = between_words(text)
        for start in cuts:
            for end in (end for end in cuts if end > start):
                inside = [
                    token
                    for token, s, e in zip(spans.ids, spans.starts, spans.ends, strict=True)
                    if start <= s and e <= end
                ]
                assert tokenizer.encode(text[start:end]) == inside, (text, start, end)


def test_the_same_files_make_the_same_fingerprint_and_limit(make: Callable[[], Tokenizer]) -> None:
    first, second = make(), make()
    assert isinstance(first.fingerprint, str) and first.fingerprint == second.fingerprint
    assert isinstance(first.max_tokens, int) and first.max_tokens == second.max_tokens > 0
    assert first.encode(TEXTS[0]) == second.encode(TEXTS[0])
