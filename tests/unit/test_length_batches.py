from __future__ import annotations

from indexer.adapters.onnx_embedder import length_batches


def test_batches_hold_similar_lengths_within_the_token_budget() -> None:
    lengths = [200, 10, 12, 190, 11, 60, 9, 205]

    batches = length_batches(lengths, max_texts=32, max_tokens=400)

    assert sorted(row for batch in batches for row in batch) == list(range(len(lengths)))
    flat = [lengths[row] for batch in batches for row in batch]
    assert flat == sorted(lengths)  # shortest first, so padding stays small
    assert all(len(b) * max(lengths[r] for r in b) <= 400 for b in batches)
    assert [len(b) for b in batches] == [5, 2, 1]


def test_the_text_cap_and_an_over_long_text() -> None:
    assert length_batches([5] * 7, max_texts=3, max_tokens=1000) == [[0, 1, 2], [3, 4, 5], [6]]
    assert length_batches([3000, 4], max_texts=32, max_tokens=1024) == [[1], [0]]
    assert length_batches([], max_texts=32, max_tokens=1024) == []
